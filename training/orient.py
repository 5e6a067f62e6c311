"""Orientation and polarity of a radiograph: which of the 8 ways a film can be turned or mirrored
it was stored in, and whether it is a negative.

A small CNN on a 128 x 128 thumbnail (the whole image letterboxed, as the app makes it:
src-main/inference/orientation.ts). Trained on ISBI's training images only, each drawn in a
random one of the 8 orientations (mirror first, then a clockwise turn of k x 90 degrees), inverted
half the time, with the device-like changes of augment.py and heavier ones (crops, collimation
edges, burnt-in text, gamma, blur, noise, a tilt of up to 15 degrees), so that it does not learn
ISBI's machine. Selected on the validation ids; test1 and hamedan-dev are measured by the app
(`medsapiens eval --transform`).

    python -m training.orient --out runs/orient [--steps 3000]
    python -m training.orient --out runs/orient --export models/medsapiens-orient.onnx
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .isbi import DEFAULT_ROOT, read_split, validation_ids

THUMB = 128
# classes: index = 4 * mirrored + turns, turns = clockwise quarter turns applied after mirroring
N_GEOMETRY = 8


def orient_image(img: np.ndarray, geometry: int) -> np.ndarray:
    """Upright, right-facing image -> the image stored in orientation `geometry`."""
    mirrored, turns = divmod(geometry, 4)
    out = img[:, ::-1] if mirrored else img
    return np.ascontiguousarray(np.rot90(out, k=-turns))  # rot90 turns counter-clockwise for positive k


def thumbnail(img: np.ndarray) -> np.ndarray:
    """grey (H, W) 0..255 -> (THUMB, THUMB) float32 0..1, area-resized, centred, zero padded."""
    h, w = img.shape
    s = min(THUMB / w, THUMB / h)
    rw, rh = max(1, min(THUMB, int(math.floor(w * s + 0.5)))), max(1, min(THUMB, int(math.floor(h * s + 0.5))))
    small = cv2.resize(img.astype(np.float32), (rw, rh), interpolation=cv2.INTER_AREA)
    out = np.zeros((THUMB, THUMB), np.float32)
    ox, oy = (THUMB - rw) // 2, (THUMB - rh) // 2
    out[oy:oy + rh, ox:ox + rw] = small / 255.0
    return out


class OrientNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 96, 128)):
        super().__init__()
        layers, c = [], 1
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True),
                       nn.Conv2d(w, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True)]
            c = w
        self.features = nn.Sequential(*layers)
        self.geometry = nn.Linear(c, N_GEOMETRY)
        self.inverted = nn.Linear(c, 1)

    def forward(self, x):
        f = self.features(x).mean(dim=(2, 3))
        return self.geometry(f), self.inverted(f)


def load_images(root: Path, ids: list, long_side: int = 320) -> list:
    out = []
    for i in ids:
        g = cv2.imread(str(root / "images" / f"{i}.jpg"), cv2.IMREAD_GRAYSCALE)
        s = long_side / max(g.shape)
        out.append(cv2.resize(g, (round(g.shape[1] * s), round(g.shape[0] * s)), interpolation=cv2.INTER_AREA).astype(np.float32))
    return out


def device_like(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What another machine, film or scanner changes about an upright image."""
    h, w = img.shape
    # tilt, scale, shift
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-15, 15), 1 + rng.uniform(-0.2, 0.2))
    m[:, 2] += rng.uniform(-0.08, 0.08, 2) * (w, h)
    fill = 0.0 if rng.random() < 0.8 else rng.uniform(0, 255)
    x = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    # crop: another film format or field of view
    if rng.random() < 0.6:
        cw, ch = int(w * rng.uniform(0.7, 1.0)), int(h * rng.uniform(0.7, 1.0))
        x0, y0 = rng.integers(0, w - cw + 1), rng.integers(0, h - ch + 1)
        x = x[y0:y0 + ch, x0:x0 + cw]
    # aspect: a different detector
    if rng.random() < 0.4:
        a = rng.uniform(0.8, 1.3)
        x = cv2.resize(x, (max(8, int(x.shape[1] * a)), x.shape[0]), interpolation=cv2.INTER_AREA)
    x = np.clip(x / 255.0, 0, 1) ** math.exp(rng.uniform(-0.6, 0.6))
    x = (x - 0.5) * (1 + rng.uniform(-0.4, 0.4)) + 0.5 + rng.uniform(-0.15, 0.15)
    x = np.clip(x, 0, 1) * 255.0
    if rng.random() < 0.3:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.5, 2.0))
    elif rng.random() < 0.2:  # unsharp masking, as many consoles apply
        x = np.clip(x + rng.uniform(0.5, 1.5) * (x - cv2.GaussianBlur(x, (0, 0), 3)), 0, 255)
    if rng.random() < 0.3:
        x = x + rng.normal(0, rng.uniform(2, 12), x.shape)
    hh, ww = x.shape
    if rng.random() < 0.3:  # collimation: a bright or dark band along an edge
        side, frac, val = rng.integers(4), rng.uniform(0.03, 0.15), rng.choice([0.0, 255.0])
        if side == 0:
            x[: int(hh * frac)] = val
        elif side == 1:
            x[-int(hh * frac):] = val
        elif side == 2:
            x[:, : int(ww * frac)] = val
        else:
            x[:, -int(ww * frac):] = val
    if rng.random() < 0.4:  # burnt-in text and rulers
        for _ in range(rng.integers(1, 4)):
            org = (int(rng.integers(0, ww)), int(rng.integers(8, hh)))
            cv2.putText(x, "".join(rng.choice(list("ABCDEFGHKLMNRSTXYZ0123456789 :/.")) for _ in range(rng.integers(3, 12))),
                        org, cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.3, 0.8), float(rng.choice([0, 255])), 1)
        if rng.random() < 0.5:
            y = int(rng.integers(0, hh))
            cv2.line(x, (0, y), (ww - 1, y), 255.0, 1)
    return np.clip(x, 0, 255).astype(np.float32)


def sample(images: list, rng: np.random.Generator, n: int):
    xs, gs, vs = [], [], []
    for _ in range(n):
        img = device_like(images[rng.integers(len(images))], rng)
        g = int(rng.integers(N_GEOMETRY))
        inv = bool(rng.random() < 0.5)
        o = orient_image(img, g)
        if inv:
            o = 255.0 - o
        xs.append(thumbnail(o))
        gs.append(g)
        vs.append(float(inv))
    return torch.from_numpy(np.stack(xs)[:, None]), torch.tensor(gs), torch.tensor(vs)


@torch.no_grad()
def validate(model, images, seed=123, draws=4):
    """Every validation image in every orientation and polarity, `draws` device-like versions."""
    rng = np.random.default_rng(seed)
    model.eval()
    ok_g = ok_v = n = 0
    for img in images:
        for _ in range(draws):
            base = device_like(img, rng)
            for g in range(N_GEOMETRY):
                for inv in (False, True):
                    o = orient_image(base, g)
                    x = torch.from_numpy(thumbnail(255.0 - o if inv else o))[None, None]
                    lg, lv = model(x)
                    ok_g += int(lg.argmax(1).item() == g)
                    ok_v += int((lv.item() > 0) == inv)
                    n += 1
    model.train()
    return ok_g / n, ok_v / n, n


def train(out: Path, steps: int, batch: int, seed: int, root: Path):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    all_train = read_split(root, "train")
    val = validation_ids(all_train)
    tr = [i for i in all_train if i not in val]
    t_imgs, v_imgs = load_images(root, tr), load_images(root, val)
    model = OrientNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.1)
    out.mkdir(parents=True, exist_ok=True)
    ck = out / "last.pt"
    start = 0
    if ck.exists():
        s = torch.load(ck)
        model.load_state_dict(s["model"]), opt.load_state_dict(s["opt"]), sched.load_state_dict(s["sched"])
        start = s["step"]
        rng = np.random.default_rng(seed + start)
    log = open(out / "train.log", "a")
    t0 = time.time()
    for step in range(start, steps):
        x, g, v = sample(t_imgs, rng, batch)
        lg, lv = model(x)
        loss = F.cross_entropy(lg, g) + F.binary_cross_entropy_with_logits(lv[:, 0], v)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 250 == 0 or step + 1 == steps:
            ag, av, n = validate(model, v_imgs)
            msg = f"step {step + 1} loss {loss.item():.4f} val geometry {ag * 100:.2f}% inverted {av * 100:.2f}% ({n}) {time.time() - t0:.0f}s"
            print(msg, flush=True)
            log.write(msg + "\n")
            log.flush()
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step + 1,
                        "val": {"geometry": ag, "inverted": av, "n": n}}, ck)
    return model


TRAINING_NOTE = ("training/orient.py: a 10-layer CNN (470k parameters) on 128 x 128 thumbnails of the 135 ISBI training images "
                 "(validation ids held out), each drawn in one of 8 orientations (mirror, then 0/90/180/270 degrees clockwise) and inverted "
                 "half the time, with device-like changes (tilt up to 15 degrees, scale 20 %, crops, aspect, gamma, contrast, blur, unsharp "
                 "masking, noise, collimation bands, burnt-in text); AdamW one-cycle, batch 48")


def export(ck_path: Path, onnx_path: Path, min_probability: float = 0.6):
    """The ONNX and its card beside it (OrientationCardSchema in src-shared/model-card.ts). Figures
    measured later by the app (`medsapiens eval --transform`) are added to the card's transforms."""
    import hashlib
    from .export import card_path_for
    s = torch.load(ck_path)
    model = OrientNet()
    model.load_state_dict(s["model"])
    model.eval()
    x = torch.zeros(1, 1, THUMB, THUMB)
    torch.onnx.export(model, x, str(onnx_path), input_names=["thumbnail"], output_names=["geometry", "inverted"],
                      dynamic_axes={"thumbnail": {0: "batch"}, "geometry": {0: "batch"}, "inverted": {0: "batch"}}, opset_version=13)
    card = {
        "schema_version": 1, "kind": "orientation-check", "name": onnx_path.stem, "version": "1.0.0", "file": onnx_path.name,
        "sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        "input": {"name": "thumbnail", "size": THUMB}, "outputs": {"geometry": "geometry", "inverted": "inverted"},
        "min_probability": min_probability, "training": f"{TRAINING_NOTE}; {s['step']} steps",
        "validation": {"geometry_accuracy": s["val"]["geometry"], "polarity_accuracy": s["val"]["inverted"], "thumbnails": s["val"]["n"]},
        "licence": "Trained by MedSapiens on ISBI 2015 training images (research and testing use); no pretrained weights.",
    }
    card_path_for(onnx_path).write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps({"exported": str(onnx_path), "card": str(card_path_for(onnx_path)), "step": s["step"], "val": s["val"]}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export", type=Path)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.export:
        export(a.out / "last.pt", a.export)
    else:
        train(a.out, a.steps, a.batch, a.seed, a.root)


if __name__ == "__main__":
    main()
