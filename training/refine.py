"""The second stage: each landmark looked at again at full resolution.

The first stage sees the whole skull at ~0.47 mm per input pixel (ISBI) and its heatmaps at twice
that; the landmarks it misses by most (gonion, porion, A and B point, articulare, the soft-tissue
chin) are edges and curvatures that need a finer look. For each landmark the second stage samples
a CROP x CROP window of the full-resolution image centred on the first stage's point, FACTOR times
finer than the first stage's input (ISBI: ~0.16 mm/px, a ~15 mm window), and a network of the same
kind (BlazePose-full backbone, heatmap head; started from the first stage's member 0, so its pose
pretraining and cephalogram training both carry over) places the point in it.

Scale is the first stage's, not the file's: the crop's step in source pixels is the first stage's
source pixels per input pixel (its reframing zoom included, framing.py) over FACTOR, so an image
of unknown spacing is looked at as its skull's size says, as the first stage looked at it.

Crop geometry, shared with the app (src-main/inference/refine.ts) to the letter: crop pixel (u, v)
samples the upright source image at centre + step * ((u, v) - (CROP - 1) / 2), bilinear, zero
outside the image (the letterbox's padding value); pixel centres at integer coordinates.

    python3 -m training.refine stage1 --out runs/refine/stage1.npz          # the first stage's points
    python3 -m training.refine train --out runs/refine [--epochs 30]          # background, resumes
    python3 -m training.refine eval --checkpoint runs/refine/best.pt --stage1 runs/refine/stage1.npz
    python3 -m training.refine export --checkpoint runs/refine/best.pt [--landmarks porion gonion ...]
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from .codec import HeatmapCodec
from .isbi import DEFAULT_ROOT, LANDMARKS, PIXEL_SPACING_MM, read_annotations, read_grey, read_split, validation_ids

CROP = 96
FACTOR = 3
STRIDE = 2
SIGMA = 2.0
HAMEDAN = DEFAULT_ROOT.parent / "hamedan-dev"
HAMEDAN_MM_PER_PX = 0.123  # an estimate (its README)


def crop_codec() -> HeatmapCodec:
    return HeatmapCodec((CROP, CROP), STRIDE, SIGMA)


def crop_matrix(center, step: float, angle: float = 0.0) -> np.ndarray:
    """(2, 3) affine from crop pixels to source pixels: a window of CROP x CROP at `step` source
    pixels per crop pixel, turned by angle (radians; 0 in the app), centred on center."""
    c, s = math.cos(angle) * step, math.sin(angle) * step
    a = np.array([[c, -s], [s, c]])
    half = (CROP - 1) / 2
    t = np.asarray(center, np.float64) - a @ np.array([half, half])
    return np.concatenate([a, t[:, None]], axis=1)


def to_crop(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    a, t = m[:, :2], m[:, 2]
    return (np.asarray(pts, np.float64) - t) @ np.linalg.inv(a).T


def from_crop(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return np.asarray(pts, np.float64) @ m[:, :2].T + m[:, 2]


def sample_crop(grey: np.ndarray, center, step: float) -> np.ndarray:
    """The app's crop (no turn), exactly: bilinear in float64, zero outside -> (CROP, CROP) float32."""
    h, w = grey.shape
    half = (CROP - 1) / 2
    xs = center[0] + (np.arange(CROP) - half) * step
    ys = center[1] + (np.arange(CROP) - half) * step
    x0 = np.floor(xs).astype(np.int64)
    y0 = np.floor(ys).astype(np.int64)
    fx, fy = xs - x0, ys - y0
    pad = np.pad(grey.astype(np.float64), 1)  # index i of grey is i + 1 of pad

    def at(yi, xi):
        return pad[np.clip(yi + 1, 0, h + 1)[:, None], np.clip(xi + 1, 0, w + 1)[None, :]]

    top = at(y0, x0) * (1 - fx)[None] + at(y0, x0 + 1) * fx[None]
    bottom = at(y0 + 1, x0) * (1 - fx)[None] + at(y0 + 1, x0 + 1) * fx[None]
    return (top * (1 - fy)[:, None] + bottom * fy[:, None]).astype(np.float32)


def sample_crop_fast(grey: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Training's crop (any turn): OpenCV's bilinear, which rounds weights to 1/32 pixel."""
    import cv2
    return cv2.warpAffine(grey, m, (CROP, CROP), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# training data


class CropDataset(torch.utils.data.Dataset):
    """Every (image, landmark) pair once per epoch: a crop centred where a first stage might have
    put the landmark (the truth plus an error drawn like the first stage's, with a heavy tail), at a
    scale and turn drawn about the image's own, in device-robust tone, sharpness and noise. Every
    landmark inside the crop is a target (its channel); the rest are ignored by the loss."""

    def __init__(self, greys: list, step0: list, pts: list, seed: int):
        self.greys, self.step0, self.pts, self.seed = greys, step0, pts, seed
        self.k = pts[0].shape[0]
        self.codec = crop_codec()
        self.epoch = 0

    def set_epoch(self, e: int):
        self.epoch = e

    def __len__(self):
        return len(self.greys) * self.k

    def __getitem__(self, idx):
        x, t, _ = self.draw(idx)
        return x, t

    def draw(self, idx):
        """The sample, its targets, and the crop's matrix (crop -> source pixels)."""
        from .device_augment import _noise, _sharpness, _tone
        rng = np.random.default_rng([self.seed, self.epoch, idx])
        i, k = divmod(idx, self.k)
        step0 = self.step0[i]  # source pixels per first-stage input pixel
        if rng.random() < 0.75:
            off = rng.normal(0, 2.5, 2)
        else:
            off = rng.uniform(-12, 12, 2)
        center = self.pts[i][k] + off * step0
        step = step0 / FACTOR * math.exp(rng.uniform(-0.2, 0.2))
        m = crop_matrix(center, step, math.radians(rng.uniform(-10, 10)))
        x = sample_crop_fast(self.greys[i], m)
        if rng.random() < 0.8:
            x = _tone(x, rng)
        if rng.random() < 0.5:
            x = _sharpness(x.astype(np.float32), rng, step * PIXEL_SPACING_MM)
        if rng.random() < 0.5:
            x = _noise(x.astype(np.float32), rng)
        t = self.codec.encode(to_crop(m, self.pts[i]))
        return torch.from_numpy(np.clip(x, 0, 255)[None] / 255.0).float(), torch.from_numpy(t), m


def load_isbi(root: Path, ids: list):
    """Full-resolution greys, first-stage source px per input px (the letterbox's), mean tracings."""
    from .preprocess import Letterbox
    gt = read_annotations(root, "mean")
    files = {p.stem: p for p in (Path(root) / "images").iterdir()}
    greys, steps = [], []
    for i in ids:
        g = read_grey(files[i])
        greys.append(g)
        box = Letterbox(g.shape[1], g.shape[0], 416, 512)
        steps.append(g.shape[1] / box.resized[0])
    return greys, steps, [gt[i] for i in ids]


# ---------------------------------------------------------------------------------------------
# the network


def build_refiner(init: Path):
    """The first stage's member, its head batch norms held at their (folded) statistics: crops of
    different landmarks share a batch, and their statistics mean nothing to each other."""
    from .export import load_for_inference
    model, cfg = load_for_inference(init)
    return model, cfg


def freeze_bn_stats(model):
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()


@torch.no_grad()
def refine_points(model, grey: np.ndarray, pts: np.ndarray, src_per_input: float, device="cpu"):
    """First-stage points (K, 2) in source pixels of the upright image -> refined points, and the
    second stage's confidence per landmark."""
    codec = crop_codec()
    step = src_per_input / FACTOR
    crops = np.stack([sample_crop(grey, p, step) for p in pts])[:, None] / 255.0
    logits = model(torch.from_numpy(crops).float().to(device)).float().cpu().numpy()
    k = len(pts)
    own = logits[np.arange(k), np.arange(k)]  # crop k's channel k
    q, conf = codec.decode(own)
    out = np.stack([from_crop(crop_matrix(p, step), qq[None])[0] for p, qq in zip(pts, q)])
    return out, conf


# ---------------------------------------------------------------------------------------------
# the first stage's points, once


def stage1(out: Path, card: Path, members: list):
    """The shipped ensemble (PyTorch, its card's framing) on val, test1 and hamedan-dev: points in
    source pixels and source pixels per input pixel (reframing included), saved for training's
    validation and for evaluation."""
    from .ensemble import load_ensemble
    from .evaluate import letterboxed_folder, predict_input, read_tracings
    from .framing import reframe_params, unwarp_points, warp
    framing = json.loads(card.read_text())["input"]["reframe"]
    model, cfg, _ = load_ensemble(members)
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    root = DEFAULT_ROOT
    sets = {"val": (root / "images", validation_ids(read_split(root, "train"))),
            "test1": (root / "images", read_split(root, "test1")),
            "hamedan": (HAMEDAN / "images", sorted(read_tracings([HAMEDAN / "a.csv", HAMEDAN / "b.csv"])))}
    saved = {}
    for name, (folder, ids) in sets.items():
        imgs, boxes = letterboxed_folder(folder, ids, (h, w))
        pts, _ = predict_input(model, imgs, codec, "cpu")
        zooms = np.ones(len(ids))
        for n in range(len(ids)):
            r = reframe_params(pts[n], framing, framing["min_log_ratio"])
            if r:
                zoom, c = r
                again = warp(np.asarray(imgs[n], np.float32), zoom, c, framing["centroid"], 0.0)
                p2, _ = predict_input(model, [again], codec, "cpu")
                pts[n], zooms[n] = unwarp_points(p2[0], zoom, c, framing["centroid"]), zoom
        saved[f"{name}_ids"] = np.array(ids)
        saved[f"{name}_pts"] = np.stack([b.to_source(p) for b, p in zip(boxes, pts)])
        saved[f"{name}_src_per_input"] = np.array([b.src_w / b.resized[0] / z for b, z in zip(boxes, zooms)])
        print(f"{name}: {len(ids)} images, {int((zooms != 1).sum())} reframed", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **saved)


def read_set(name: str, ids):
    """Full-resolution greys and mean tracings of val/test1 (ISBI) or hamedan (its 0.123 mm/px)."""
    from .evaluate import read_tracings
    if name == "hamedan":
        gt = read_tracings([HAMEDAN / "a.csv", HAMEDAN / "b.csv"])
        files = {p.stem: p for p in (HAMEDAN / "images").iterdir()}
        return [read_grey(files[i]) for i in ids], [gt[i] for i in ids], HAMEDAN_MM_PER_PX
    greys, _, gts = load_isbi(DEFAULT_ROOT, list(ids))
    return greys, gts, PIXEL_SPACING_MM


def evaluate_set(model, s1: dict, name: str, loaded=None, points_out: list | None = None):
    """Per-landmark errors (N, K) in mm of the first stage, of the refined points, and of the
    midpoint of the two."""
    ids = list(s1[f"{name}_ids"])
    greys, gts, mm = loaded or read_set(name, ids)
    e1, e2, em, refined = [], [], [], []
    for g, gt, p, spi in zip(greys, gts, s1[f"{name}_pts"], s1[f"{name}_src_per_input"]):
        r, _ = refine_points(model, g, p, float(spi))
        refined.append(r)
        e1.append(np.linalg.norm(p - gt, axis=1) * mm)
        e2.append(np.linalg.norm(r - gt, axis=1) * mm)
        em.append(np.linalg.norm((p + r) / 2 - gt, axis=1) * mm)
    if points_out is not None:
        points_out.extend(refined)
    return np.stack(e1), np.stack(e2), np.stack(em)


def card_metrics(card_path: Path, s1: dict, refined: list):
    """The card's metrics.test1 (mean, senior, junior) for the model as shipped: the first stage's
    points, the second stage's for the landmarks the card's refine block names."""
    from .evaluate import summarise
    card = json.loads(card_path.read_text())
    refined_names = json.loads((card_path.parent / card["refine"]["card"]).read_text())["landmarks"]
    sel = np.isin(np.arange(len(LANDMARKS)), [card["landmarks"].index(n) for n in refined_names])
    ids = list(s1["test1_ids"])
    shipped = np.where(sel[None, :, None], np.stack(refined), s1["test1_pts"])
    metrics = {}
    for ref in ("mean", "senior", "junior"):
        gt = read_annotations(DEFAULT_ROOT, ref)
        err = np.linalg.norm(shipped - np.stack([gt[i] for i in ids]), axis=-1) * PIXEL_SPACING_MM
        metrics[ref] = {k: summarise(err)[k] for k in ("n_images", "mre_mm", "sd_mm", "sdr")}
    card.setdefault("metrics", {})["test1"] = metrics
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    print(f"card metrics.test1: {metrics['mean']['mre_mm']:.4f} mm vs the mean, {metrics['senior']['mre_mm']:.4f} vs senior")


# ---------------------------------------------------------------------------------------------


def train(a):
    from torch.utils.data import DataLoader

    from .loss import heatmap_ce
    from .train import log, lr_factor, save_atomic, split_ids
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    # the first stage's split: validation is every tenth training id; test1 is never among them
    root, train_ids, _ = split_ids({"data_root": None, "train_ids": None, "val_ids": None})
    greys, steps, pts = load_isbi(root, train_ids)
    ds = CropDataset(greys, steps, pts, a.seed)
    s1 = dict(np.load(a.stage1))
    val_loaded = read_set("val", list(s1["val_ids"]))
    model, cfg = build_refiner(Path(a.init))
    cfg = {**cfg, "refine": {"crop": CROP, "factor": FACTOR, "stride": STRIDE, "sigma": SIGMA, "init": str(a.init),
                             "epochs": a.epochs, "lr": a.lr, "seed": a.seed}}
    opt = torch.optim.AdamW([{"params": model.head.parameters(), "lr": a.lr},
                             {"params": model.backbone.parameters(), "lr": a.lr / 4}], weight_decay=1e-4)
    base = [g["lr"] for g in opt.param_groups]
    sched = {"warmup_epochs": 1, "epochs": a.epochs}
    start, best = 0, {"val_mre_mm": float("inf"), "epoch": 0}
    last = out / "last.pt"
    if last.exists():
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        start, best = ck["epoch"] + 1, ck["best"]
        log(out, f"resumed at epoch {start + 1}")
    else:
        model.eval()
        e1, e2, _ = evaluate_set(model, s1, "val", val_loaded)
        log(out, f"start: val first stage {e1.mean():.3f} mm, refined by the untrained copy {e2.mean():.3f} mm")
    bs = a.batch
    steps_per_epoch = len(ds) // bs
    for epoch in range(start, a.epochs):
        ds.set_epoch(epoch)
        g = torch.Generator()
        g.manual_seed(a.seed * 1009 + epoch)
        loader = DataLoader(ds, batch_size=bs, shuffle=True, generator=g, drop_last=True, num_workers=0)
        model.train()
        freeze_bn_stats(model)
        t0, losses = time.time(), []
        for step, (x, t) in enumerate(loader):
            f = lr_factor(epoch + step / steps_per_epoch, sched)
            for pg, lr in zip(opt.param_groups, base):
                pg["lr"] = lr * f
            loss = heatmap_ce(model(x), t)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        dt = time.time() - t0
        msg = f"epoch {epoch + 1}/{a.epochs} loss {np.mean(losses):.4f} {dt:.0f}s"
        model.eval()
        if (epoch + 1) % a.val_every == 0 or epoch + 1 == a.epochs:
            e1, e2, _ = evaluate_set(model, s1, "val", val_loaded)
            mre = float(e2.mean())
            msg += f" | val first {e1.mean():.3f} refined {mre:.3f} mm SDR2 {(e2 <= 2).mean() * 100:.1f}%"
            if mre < best["val_mre_mm"]:
                best = {"val_mre_mm": mre, "epoch": epoch + 1}
                save_atomic({"model": model.state_dict(), "config": cfg, "epoch": epoch, "val_mre_mm": mre}, out / "best.pt")
                msg += " *"
        log(out, msg)
        save_atomic({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "best": best,
                     "config": cfg}, last)
    (out / "DONE").write_text(json.dumps(best))
    log(out, f"done; best val {best['val_mre_mm']:.3f} mm at epoch {best['epoch']}")


def evaluate(a):
    from .ensemble import load_ensemble
    torch.set_num_threads(a.threads)
    s1 = dict(np.load(a.stage1))
    model, _, _ = load_ensemble(a.checkpoint)
    model.eval()
    res = {}
    for name in a.sets:
        refined: list = []
        e1, e2, em = evaluate_set(model, s1, name, points_out=refined)
        if a.card and name == "test1":
            card_metrics(Path(a.card), s1, refined)
        res[name] = {"first": e1.tolist(), "refined": e2.tolist(), "midpoint": em.tolist()}
        print(f"{name}: first {e1.mean():.3f} mm SDR2 {(e1 <= 2).mean() * 100:.1f}% | refined {e2.mean():.3f} mm "
              f"SDR2 {(e2 <= 2).mean() * 100:.1f}% | midpoint {em.mean():.3f} mm SDR2 {(em <= 2).mean() * 100:.1f}%")
        for k in range(e1.shape[1]):
            print(f"  {k + 1:>2} {LANDMARKS[k]:<24} {e1[:, k].mean():6.2f} -> {e2[:, k].mean():6.2f} (mid {em[:, k].mean():6.2f})")
    if a.json:
        Path(a.json).write_text(json.dumps(res))


def export(a):
    """The refiner as ONNX beside the landmark model, named by the card's refine block."""
    import hashlib

    from .ensemble import load_ensemble
    from .export import card_path_for, run_onnxruntime
    from .onnx_simplify import simplify
    torch.set_num_threads(2)
    model, cfg, cks = load_ensemble(a.checkpoint)
    model.eval()
    card_path = Path(a.card)
    card = json.loads(card_path.read_text())
    out = card_path.parent / a.file
    torch.onnx.export(model, torch.zeros(1, 1, CROP, CROP), str(out), opset_version=13, input_names=["crops"],
                      output_names=["heatmaps"], dynamic_axes={"crops": {0: "n"}, "heatmaps": {0: "n"}},
                      do_constant_folding=True)
    simplify(out)
    x = np.random.default_rng(0).uniform(0, 1, (3, 1, CROP, CROP)).astype(np.float32)
    import copy
    with torch.no_grad():
        ref = copy.deepcopy(model).double()(torch.from_numpy(x).double()).numpy()
    got, _ = run_onnxruntime(out, x)
    parity = float(np.abs(got.reshape(ref.shape) - ref).max())
    if parity > 1e-4:
        raise SystemExit(f"ONNX/PyTorch parity {parity:.2e} exceeds 1e-4")
    names = a.landmarks or LANDMARKS
    unknown = [n for n in names if n not in card["landmarks"]]
    if unknown:
        raise SystemExit(f"not landmarks of the card: {unknown}")
    members = "; ".join(f"seed {k['config']['refine']['seed']}, epoch {k['epoch'] + 1} of {k['config']['refine']['epochs']}, "
                        f"validation {k['val_mre_mm']:.3f} mm" for k in cks)
    if a.version:
        card["version"] = a.version
    # the network's own card beside it (as the orientation check's), named by the landmark model's
    companion_path = card_path_for(out)
    companion = {
        "schema_version": 1, "kind": "second-stage", "name": out.stem, "version": card["version"],
        "file": out.name, "sha256": hashlib.sha256(out.read_bytes()).hexdigest(), "input": "crops", "output": "heatmaps",
        "crop": CROP, "factor": FACTOR, "codec": crop_codec().to_card(), "landmarks": names,
        "trained_on": f"ISBI 2015 training images without the validation tenth, started from "
                      f"{Path(cks[0]['config']['refine']['init']).name}, each selected on the validation tenth "
                      f"({members}){'; the mean of their logits' if len(cks) > 1 else ''} (training/refine.py)",
        "parity": {"onnx_vs_torch_max_abs": parity, "reference": "PyTorch float64, 3 uniform random crops"},
        **({"figures": json.loads(Path(a.figures).read_text())} if a.figures else {}),
        "licence": card["licence"],
    }
    companion_path.write_text(json.dumps(companion, indent=2) + "\n")
    card["refine"] = {"card": companion_path.name}
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) and {companion_path}, parity {parity:.2e}; {card_path} refines {len(names)} landmarks")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stage1")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--card", type=Path, default=Path("models/medsapiens-ceph19.card.json"))
    s.add_argument("--members", nargs="+", default=[f"runs/shipped/best.member{i}.pt" for i in range(3)])
    t = sub.add_parser("train")
    t.add_argument("--out", required=True)
    t.add_argument("--stage1", default="runs/refine/stage1.npz")
    t.add_argument("--init", default="runs/shipped/best.member0.pt")
    t.add_argument("--epochs", type=int, default=24)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--val-every", type=int, default=2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=2)
    e = sub.add_parser("eval")
    e.add_argument("--checkpoint", required=True, nargs="+", help="several: their ensemble")
    e.add_argument("--stage1", default="runs/refine/stage1.npz")
    e.add_argument("--sets", nargs="+", default=["val", "test1", "hamedan"])
    e.add_argument("--json")
    e.add_argument("--card", help="write test1's figures, as the card's refine block ships them, into this card's metrics")
    e.add_argument("--threads", type=int, default=2)
    x = sub.add_parser("export")
    x.add_argument("--checkpoint", required=True, nargs="+", help="several: one graph averaging their logits")
    x.add_argument("--card", default="models/medsapiens-ceph19.card.json")
    x.add_argument("--file", default="medsapiens-ceph19-refine.onnx")
    x.add_argument("--landmarks", nargs="*", help="landmark names to refine (default: all)")
    x.add_argument("--figures", help="a JSON of measured figures to carry")
    x.add_argument("--version")
    a = ap.parse_args(argv)
    if a.cmd == "export":
        export(a)
    elif a.cmd == "stage1":
        torch.set_num_threads(2)
        stage1(a.out, a.card, a.members)
    elif a.cmd == "train":
        train(a)
    else:
        evaluate(a)


if __name__ == "__main__":
    main()
