"""The augmentation ablation's table: each run's checkpoint on validation (plain and degraded, what
selection sees), ISBI test1 and hamedan-dev zero-shot (measured only, never selected on).

    python3 -m training.ablation --run plain=runs/ctl-plain/best.pt --run all=runs/dr-all/best.pt ... \\
        --json training/ablation.json

A run may name several checkpoints joined by '+' (their ensemble). Rows already in the JSON are kept
(the table grows as runs finish) unless --redo.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from .codec import HeatmapCodec
from .data import degraded_validation, input_cache, load_inputs
from .ensemble import load_ensemble
from .evaluate import evaluate_folder, predict, radial_errors
from .isbi import DEFAULT_ROOT, PIXEL_SPACING_MM, read_annotations, read_split, validation_ids

HAMEDAN = DEFAULT_ROOT.parent / "hamedan-dev"
HAMEDAN_MM_PER_PX = 0.123  # an estimate (the dataset's README)


def figures(err_mm: np.ndarray) -> dict:
    return {"mre_mm": float(err_mm.mean()), "sdr2": float((err_mm <= 2).mean() * 100),
            "per_landmark_mm": [float(v) for v in err_mm.mean(0)]}


def measure(checkpoints: list, degraded_copies: int = 4) -> dict:
    model, cfg, _ = load_ensemble(checkpoints)
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    root = DEFAULT_ROOT
    gt = read_annotations(root, "mean")
    out = {}
    val = validation_ids(read_split(root, "train"))
    for name, ids in (("val", val), ("test1", read_split(root, "test1"))):
        imgs, boxes, pts = load_inputs(root, ids, (h, w), input_cache())
        pred, _ = predict(model, imgs, boxes, codec, "cpu")
        out[name] = figures(radial_errors(pred, pts) * PIXEL_SPACING_MM)
    dimgs, dboxes, dpts = degraded_validation(root, val, degraded_copies, (h, w))
    pred, _ = predict(model, dimgs, dboxes, codec, "cpu")
    out["val_degraded"] = figures(radial_errors(pred, dpts) * PIXEL_SPACING_MM)
    ham = evaluate_folder(checkpoints, HAMEDAN / "images", [HAMEDAN / "a.csv", HAMEDAN / "b.csv"], HAMEDAN_MM_PER_PX)
    out["hamedan_dev"] = {"mre_mm": ham["vs_mean"]["mre_mm"], "sdr2": ham["vs_mean"]["sdr"]["2mm"],
                          "per_landmark_mm": [r["mre_mm"] for r in ham["vs_mean"]["per_landmark"]]}
    out["selection_mm"] = (out["val"]["mre_mm"] + out["val_degraded"]["mre_mm"]) / 2
    return out


def table(rows: dict) -> str:
    lines = ["| run | val MRE | degraded val MRE | selection (mean of the two) | test1 MRE | test1 SDR@2 | hamedan-dev MRE | hamedan-dev SDR@2 |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['val']['mre_mm']:.3f} | {r['val_degraded']['mre_mm']:.3f} | {r['selection_mm']:.3f} | "
                     f"{r['test1']['mre_mm']:.3f} | {r['test1']['sdr2']:.1f} | {r['hamedan_dev']['mre_mm']:.3f} | {r['hamedan_dev']['sdr2']:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", action="append", default=[], help="name=checkpoint[+checkpoint...]")
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--redo", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    rows = json.loads(a.json.read_text()) if a.json.exists() else {}
    for spec in a.run:
        name, cks = spec.split("=", 1)
        if name in rows and not a.redo:
            continue
        rows[name] = {"checkpoints": cks, **measure([Path(c) for c in cks.split("+")])}
        a.json.write_text(json.dumps(rows, indent=1))
        print(f"{name}: done", flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
