"""Held-out training images degraded as another X-ray machine, film or scanner would: calibration
data for the uncertainty the app states (training/calibrate_uncertainty.py). The validation ids
only (never trained on), each in several random degradations (training/orient.py's device_like
changes, with the tracings moved along), written as PNGs with a tracing CSV for `medsapiens eval
--images`.

    python -m training.degrade_val --out scratch/val-degraded --per-image 6
"""
from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import cv2
import numpy as np

from .isbi import DEFAULT_ROOT, read_annotations, read_split, validation_ids


def degrade(img: np.ndarray, pts: np.ndarray, rng: np.random.Generator):
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-10, 10), 1 + rng.uniform(-0.15, 0.15))
    m[:, 2] += rng.uniform(-0.05, 0.05, 2) * (w, h)
    x = cv2.warpAffine(img.astype(np.float32), m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    pts = pts @ m[:, :2].T + m[:, 2]
    # resolution of another detector: down and back up
    if rng.random() < 0.5:
        f = rng.uniform(0.4, 0.8)
        x = cv2.resize(cv2.resize(x, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA), (w, h), interpolation=cv2.INTER_LINEAR)
    x = np.clip(x / 255.0, 0, 1) ** math.exp(rng.uniform(-0.5, 0.5))
    x = (x - 0.5) * (1 + rng.uniform(-0.35, 0.35)) + 0.5 + rng.uniform(-0.1, 0.1)
    x = np.clip(x, 0, 1) * 255.0
    r = rng.random()
    if r < 0.3:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(1.0, 3.0))
    elif r < 0.6:
        x = np.clip(x + rng.uniform(0.5, 1.5) * (x - cv2.GaussianBlur(x, (0, 0), rng.uniform(3, 10))), 0, 255)
    if rng.random() < 0.5:
        x = x + rng.normal(0, rng.uniform(3, 12), x.shape)
    return np.clip(x, 0, 255).astype(np.uint8), pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-image", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    ids = validation_ids(read_split(a.root, "train"))
    gt = read_annotations(a.root, "mean")
    (a.out / "images").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in ids:
        img = cv2.imread(str(a.root / "images" / f"{i}.jpg"), cv2.IMREAD_GRAYSCALE)
        for k in range(a.per_image):
            d, p = degrade(img, gt[i], rng)
            name = f"{i}-{k}"
            cv2.imwrite(str(a.out / "images" / f"{name}.png"), d)
            rows.append([name] + [f"{v:.2f}" for v in p.reshape(-1)])
    with open(a.out / "tracings.csv", "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["id"] + [f"{c}{n}" for n in range(1, 20) for c in "xy"])
        wr.writerows(rows)
    print(f"{len(rows)} degraded copies of {len(ids)} validation images in {a.out}")


if __name__ == "__main__":
    main()
