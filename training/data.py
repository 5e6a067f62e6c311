"""Torch datasets over ISBI 2015: letterboxed inputs cached once, augmented per sample."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from .augment import AugmentConfig, augment
from .codec import HeatmapCodec
from .isbi import read_annotations, read_grey
from .preprocess import Letterbox


def input_cache() -> Path:
    """Where the letterboxed inputs are cached (read once, reused by every run and evaluation)."""
    return Path(os.environ.get("MEDSAPIENS_CACHE", Path(__file__).resolve().parents[1] / ".cache" / "isbi"))


def load_inputs(root: Path, ids: list, input_size: tuple, cache_dir: Path | None):
    """-> (N, H, W) float32 letterboxed images, list of Letterbox, (N, K, 2) source points."""
    h, w = input_size
    gt = read_annotations(root, "mean")
    imgs, boxes, pts = [], [], []
    for i in ids:
        path = Path(root) / "images" / f"{i}.jpg"
        cached = None
        if cache_dir is not None:
            key = hashlib.sha1(f"{path.resolve()}:{path.stat().st_size}:{h}x{w}".encode()).hexdigest()[:16]
            cached = Path(cache_dir) / f"{i}-{key}.npz"
        if cached is not None and cached.exists():
            z = np.load(cached)
            img, src_w, src_h = z["img"], int(z["src_w"]), int(z["src_h"])
        else:
            grey = read_grey(path)
            src_h, src_w = grey.shape
            img = Letterbox(src_w, src_h, w, h).apply(grey)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.savez(cached, img=img, src_w=src_w, src_h=src_h)
        imgs.append(img)
        boxes.append(Letterbox(src_w, src_h, w, h))
        pts.append(gt[i])
    return np.stack(imgs), boxes, np.stack(pts)


class LandmarkDataset(Dataset):
    def __init__(self, images, boxes, points, codec: HeatmapCodec, aug: AugmentConfig | None, seed: int):
        self.images, self.boxes, self.points = images, boxes, points
        self.codec, self.aug, self.seed = codec, aug, seed
        self.epoch = 0

    def __len__(self):
        return len(self.images)

    def set_epoch(self, epoch: int):
        self.epoch = epoch

    def __getitem__(self, i):
        img = self.images[i]
        pts = self.boxes[i].to_input(self.points[i])
        if self.aug is not None:
            rng = np.random.default_rng((self.seed, self.epoch, i))
            img, pts = augment(img, pts, rng, self.aug)
        target = self.codec.encode(pts)
        return torch.from_numpy(img[None] / 255.0).float(), torch.from_numpy(target)
