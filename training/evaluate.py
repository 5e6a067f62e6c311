"""Evaluation on ISBI: MRE +- SD and SDR at 2/2.5/3/4 mm, per landmark, against a chosen reference.

    python3 -m training.evaluate --checkpoint runs/x/best.pt --split test1 --json out.json
    python3 -m training.evaluate --checkpoint runs/a/last.pt runs/b/last.pt --split val   # an ensemble

Splits: train, test1, test2 as the dataset names them, and val (the held-out tenth of train).
Any other folder of images with tracing CSVs (`id,x1,y1,...`; several: their mean) at a stated
spacing, e.g. hamedan-dev (its 0.123 mm/px is an estimate):

    python3 -m training.evaluate --checkpoint runs/x/best.pt --images ../shared/data/hamedan-dev/images \
        --tracings ../shared/data/hamedan-dev/a.csv ../shared/data/hamedan-dev/b.csv --mm-per-px 0.123
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from .codec import HeatmapCodec
from .isbi import DEFAULT_ROOT, LANDMARKS, PIXEL_SPACING_MM, read_annotations, read_split, validation_ids

THRESHOLDS_MM = (2.0, 2.5, 3.0, 4.0)


@torch.no_grad()
def predict_input(model, images, codec: HeatmapCodec, device, batch: int = 4):
    """images (N, H, W) 0..255 model inputs -> points (N, K, 2) input pixels, conf (N, K)."""
    model.eval()
    pts, confs = [], []
    for s in range(0, len(images), batch):
        x = torch.from_numpy(np.asarray(images[s:s + batch])[:, None] / 255.0).float().to(device)
        logits = model(x).float().cpu().numpy()
        for lg in logits:
            p, c = codec.decode(lg)
            pts.append(p)
            confs.append(c)
    return np.stack(pts), np.stack(confs)


def predict(model, images, boxes, codec: HeatmapCodec, device, batch: int = 4, framing: dict | None = None):
    """images (N, H, W) 0..255 letterboxed -> points (N, K, 2) source pixels, conf (N, K).
    framing (a model card's input.reframe, framing.py): a skull framed unlike the training images
    is traced a second time, reframed."""
    pts, confs = predict_input(model, images, codec, device, batch)
    if framing:
        from .framing import reframe_params, unwarp_points, warp
        redo = [(n, r) for n in range(len(images)) if (r := reframe_params(pts[n], framing, framing["min_log_ratio"]))]
        if redo:
            tc = framing["centroid"]
            again = [warp(np.asarray(images[n], np.float32), zoom, c, tc, 0.0) for n, (zoom, c) in redo]
            p2, c2 = predict_input(model, again, codec, device, batch)
            for (n, (zoom, c)), p, cf in zip(redo, p2, c2):
                pts[n], confs[n] = unwarp_points(p, zoom, c, tc), cf
    return np.stack([b.to_source(p) for b, p in zip(boxes, pts)]), confs


def radial_errors(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """(N, K, 2) each -> (N, K) Euclidean distance in pixels."""
    return np.linalg.norm(pred - gt, axis=-1)


def summarise(err_mm: np.ndarray) -> dict:
    return {
        "n_images": int(err_mm.shape[0]),
        "mre_mm": float(err_mm.mean()),
        "sd_mm": float(err_mm.std()),
        "sdr": {f"{t:g}mm": float((err_mm <= t).mean() * 100) for t in THRESHOLDS_MM},
        "per_landmark": [
            {"index": k + 1, "name": LANDMARKS[k], "mre_mm": float(err_mm[:, k].mean()),
             "sd_mm": float(err_mm[:, k].std()),
             **{f"sdr_{t:g}mm": float((err_mm[:, k] <= t).mean() * 100) for t in THRESHOLDS_MM}}
            for k in range(err_mm.shape[1])
        ],
    }


def format_table(name: str, s: dict) -> str:
    lines = [f"{name}: MRE {s['mre_mm']:.3f} +- {s['sd_mm']:.3f} mm; SDR " +
             " ".join(f"{k} {v:.2f}%" for k, v in s["sdr"].items()) + f" ({s['n_images']} images)"]
    lines.append(f"  {'#':>2} {'landmark':<24} {'MRE':>6} {'SD':>6} {'2mm':>6} {'4mm':>6}")
    for r in s["per_landmark"]:
        lines.append(f"  {r['index']:>2} {r['name']:<24} {r['mre_mm']:6.2f} {r['sd_mm']:6.2f} {r['sdr_2mm']:6.1f} {r['sdr_4mm']:6.1f}")
    return "\n".join(lines)


def split_images(root: Path, split: str) -> list:
    return validation_ids(read_split(root, "train")) if split == "val" else read_split(root, split)


def evaluate_checkpoint(checkpoints: list, split: str, root: Path, device="cpu", framing: dict | None = None) -> dict:
    """checkpoints: one, or several evaluated as their ensemble (ensemble.py)."""
    from .data import input_cache, load_inputs
    from .ensemble import load_ensemble
    model, cfg, _ = load_ensemble(checkpoints)
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    ids = split_images(root, split)
    imgs, boxes, _ = load_inputs(root, ids, (h, w), input_cache())
    pred, conf = predict(model, imgs, boxes, codec, device, framing=framing)
    result = {"split": split, "checkpoint": " + ".join(map(str, checkpoints)), "pixel_spacing_mm": PIXEL_SPACING_MM,
              "ids": ids}
    for ref in ("mean", "senior", "junior"):
        gt = read_annotations(root, ref)
        err = radial_errors(pred, np.stack([gt[i] for i in ids])) * PIXEL_SPACING_MM
        result[f"vs_{ref}"] = summarise(err)
        # per image, for paired comparisons between models on the same images
        result[f"vs_{ref}"]["per_image_mre_mm"] = [float(e) for e in err.mean(1)]
    result["mean_confidence"] = float(conf.mean())
    return result


def read_tracings(paths: list) -> dict:
    """Tracing CSVs (id,x1,y1,...,xK,yK in pixels) -> {id: (K, 2)}, the mean of several."""
    import csv
    tables = []
    for p in paths:
        with open(p, newline="") as f:
            rows = list(csv.DictReader(f))
        k = sum(1 for c in rows[0] if c.startswith("x"))
        tables.append({r["id"]: np.array([(float(r[f"x{i}"]), float(r[f"y{i}"])) for i in range(1, k + 1)]) for r in rows})
    ids = sorted(set.intersection(*(set(t) for t in tables)))
    return {i: np.mean([t[i] for t in tables], axis=0) for i in ids}


def letterboxed_folder(images: Path, ids: list, input_size: tuple) -> tuple[list, list]:
    """The images of a folder named by these ids (any extension PIL reads), letterboxed: inputs
    (H, W) 0..255 and their Letterboxes. A missing image is an error naming the cases."""
    from PIL import Image

    from .preprocess import Letterbox
    h, w = input_size
    files = {p.stem: p for p in Path(images).iterdir() if p.is_file()}
    lost = [i for i in ids if i not in files]
    if lost:
        raise SystemExit(f"no image in {images} for cases {lost}")
    imgs, boxes = [], []
    for i in ids:
        with Image.open(files[i]) as im:
            grey = np.asarray(im.convert("L"), dtype=np.uint8)
        box = Letterbox(grey.shape[1], grey.shape[0], w, h)
        imgs.append(box.apply(grey))
        boxes.append(box)
    return imgs, boxes


def evaluate_folder(checkpoints: list, images: Path, tracings: list, mm_per_px: float, device="cpu",
                    framing: dict | None = None) -> dict:
    """The same figures on any folder of images named by the tracings' ids (any extension PIL reads)."""
    from .ensemble import load_ensemble
    model, cfg, _ = load_ensemble(checkpoints)
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    gt = read_tracings(tracings)
    stems = {p.stem for p in Path(images).iterdir() if p.is_file()}
    ids = [i for i in gt if i in stems]
    imgs, boxes = letterboxed_folder(images, ids, (h, w))
    pred, conf = predict(model, imgs, boxes, codec, device, framing=framing)
    err = radial_errors(pred, np.stack([gt[i] for i in ids])) * mm_per_px
    res = {"images": str(images), "tracings": [str(t) for t in tracings], "mm_per_px": mm_per_px,
           "checkpoint": " + ".join(map(str, checkpoints)), "ids": ids, "vs_mean": summarise(err),
           "mean_confidence": float(conf.mean())}
    res["vs_mean"]["per_image_mre_mm"] = [float(e) for e in err.mean(1)]
    return res


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True, nargs="+", help="several: their ensemble")
    ap.add_argument("--split", default="test1")
    ap.add_argument("--data-root", default=str(DEFAULT_ROOT))
    ap.add_argument("--json")
    ap.add_argument("--images", help="a folder of images instead of an ISBI split")
    ap.add_argument("--tracings", nargs="+", help="with --images: tracing CSVs (several: their mean)")
    ap.add_argument("--mm-per-px", type=float, help="with --images: the images' pixel spacing")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reframe", type=Path, help="a model card: reframe as its input.reframe says (framing.py)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    framing = json.loads(args.reframe.read_text())["input"]["reframe"] if args.reframe else None
    if args.images:
        if not args.tracings or not args.mm_per_px:
            ap.error("--images needs --tracings and --mm-per-px")
        res = evaluate_folder([Path(c) for c in args.checkpoint], Path(args.images), args.tracings, args.mm_per_px, framing=framing)
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=2))
        print(format_table(f"{args.images} vs mean of {len(args.tracings)}", res["vs_mean"]))
        return
    res = evaluate_checkpoint([Path(c) for c in args.checkpoint], args.split, Path(args.data_root), framing=framing)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))
    for ref in ("mean", "senior", "junior"):
        print(format_table(f"{args.split} vs {ref}", res[f"vs_{ref}"]))


if __name__ == "__main__":
    main()
