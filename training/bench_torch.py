"""Times the same architecture as a shipped model in PyTorch eager (2 threads), for comparison
with onnxruntime. Weights do not change the cost, so the model (each member of an ensemble) is rebuilt from the
card's config.

    python3 training/bench_torch.py models/NAME.card.json [RUNS]   -> last line: JSON
"""
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from training.ensemble import LogitMean  # noqa: E402
from training.export import card_path_for  # noqa: E402
from training.lora import merge_lora  # noqa: E402
from training.train import prepare_model  # noqa: E402


def main():
    card_path = Path(sys.argv[1])
    if card_path.suffix == ".pt" or card_path.suffix == ".onnx":
        card_path = card_path_for(card_path.with_suffix(".onnx"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    card = json.loads(card_path.read_text())
    cfg = card["training"]["config"]
    torch.set_num_threads(2)
    members = []
    # an ensemble's members share the card's architecture (ensemble.SHARED_KEYS)
    for _ in card.get("ensemble", {}).get("members", [None]):
        m, _, _ = prepare_model(cfg)
        merge_lora(m)
        members.append(m)
    model = (members[0] if len(members) == 1 else LogitMean(members)).eval()
    x = torch.rand(1, 1, card["input"]["height"], card["input"]["width"])
    times = []
    with torch.no_grad():
        for i in range(runs + 2):
            t0 = time.perf_counter()
            model(x)
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"median_ms": statistics.median(times), "runs": runs, "threads": 2, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
