"""A PyTorch checkpoint recovered from an exported ONNX model and its card.

Checkpoints live in runs/, outside git, and a fresh machine has none; the shipped ONNX and its
card are all that is sure to remain. The export folds each head batch norm into the convolution
before it (W' = W g / sqrt(v + eps), b' = beta - m g / sqrt(v + eps)); the recovered model holds
W' in the convolution and an identity batch norm carrying b' (g = 1, m = 0, v = 1 - eps), which
computes the same function. Backbone and output weights keep their names in the graph. LoRA
adapters were merged at export, so the recovered checkpoint is a plain (finetune "full") model.

    python3 -m training.recover --onnx models/medsapiens-ceph19.onnx --out runs/shipped/best.pt
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch


def recover_state(onnx_path: Path, model: torch.nn.Module) -> dict:
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(onnx_path)).graph
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    state = model.state_dict()
    out = {k: weights[n] for n in weights if (k := n.removeprefix("model.")) in state}
    for node in graph.node:
        if node.op_type != "Conv" or node.input[1].removeprefix("model.") in state:
            continue
        # the exporter names a node by its module scopes, each relative to the top module's
        # child: /model/head/fuse/fuse.0/fuse.0.0/Conv is head.fuse.0.0, its batch norm head.fuse.0.1
        parts = node.name.strip("/").split("/")
        conv = f"{parts[1]}.{parts[-2]}"
        parent, index = conv.rsplit(".", 1)
        bn = f"{parent}.{int(index) + 1}"
        w, b = weights[node.input[1]], weights[node.input[2]]
        eps = model.get_submodule(bn).eps
        out[f"{conv}.weight"] = w
        out[f"{bn}.weight"] = torch.ones_like(b)
        out[f"{bn}.bias"] = b
        out[f"{bn}.running_mean"] = torch.zeros_like(b)
        out[f"{bn}.running_var"] = torch.full_like(b, 1.0 - eps)
        out[f"{bn}.num_batches_tracked"] = state[f"{bn}.num_batches_tracked"]
    missing = sorted(set(state) - set(out))
    if missing:
        raise ValueError(f"{onnx_path}: no weights found for {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    return out


def main(argv=None):
    from .export import card_path_for
    from .train import prepare_model
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--card", help="default: NAME.card.json beside the ONNX")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    onnx_path = Path(args.onnx)
    card = json.loads(Path(args.card or card_path_for(onnx_path)).read_text())
    # adapters were merged at export: the recovered weights are a fully fine-tuned model's
    cfg = {**card["training"]["config"], "finetune": "full"}
    model, _, _ = prepare_model(cfg)
    model.load_state_dict(recover_state(onnx_path, model))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "config": cfg, "epoch": card["training"]["best_epoch"] - 1,
                "val_mre_mm": card["training"].get("val_mre_mm"), "recovered_from": str(onnx_path)}, out)
    print(f"wrote {out} from {onnx_path}")


if __name__ == "__main__":
    main()
