"""Torch datasets over ISBI 2015: letterboxed inputs cached once, augmented per sample."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from .augment import AugmentConfig, augment
from .device_augment import DeviceAugmentConfig, device_augment
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


class DeviceLandmarkDataset(Dataset):
    """Inputs drawn by device_augment.py from letterboxes at twice the input size."""

    def __init__(self, images2x, boxes2x, points, codec: HeatmapCodec, cfg: DeviceAugmentConfig, seed: int,
                 input_hw: tuple, spacing_mm: float, plain: "LandmarkDataset | None" = None, device_p: float = 1.0):
        self.images, self.boxes, self.points = images2x, boxes2x, points
        self.codec, self.cfg, self.seed, self.input_hw, self.spacing_mm = codec, cfg, seed, tuple(input_hw), spacing_mm
        # the rest of the samples come from the plain augmentation, so ISBI's own machine is still seen as it is
        self.plain, self.device_p = plain, device_p
        self.epoch = 0

    def __len__(self):
        return len(self.images)

    def set_epoch(self, epoch: int):
        self.epoch = epoch
        if self.plain is not None:
            self.plain.set_epoch(epoch)

    def __getitem__(self, i):
        box = self.boxes[i]
        rng = np.random.default_rng((self.seed, self.epoch, i))
        if self.plain is not None and rng.random() >= self.device_p:
            return self.plain[i]
        img, pts = device_augment(self.images[i], box.to_input(self.points[i]), self.input_hw, rng, self.cfg,
                                  self.spacing_mm / box.scale)
        target = self.codec.encode(pts)
        return torch.from_numpy(img[None] / 255.0).float(), torch.from_numpy(target)


def degraded_validation(root: Path, ids: list, copies: int, input_size: tuple, seed: int = 0):
    """Validation images as other machines would give them (degrade_val.py's changes), letterboxed:
    a second selection set, so a checkpoint is not chosen for ISBI's machine alone."""
    from .degrade_val import degrade
    h, w = input_size
    gt = read_annotations(root, "mean")
    rng = np.random.default_rng(seed)
    imgs, boxes, pts = [], [], []
    for i in ids:
        grey = read_grey(Path(root) / "images" / f"{i}.jpg")
        for _ in range(copies):
            d, p = degrade(grey, gt[i], rng)
            box = Letterbox(d.shape[1], d.shape[0], w, h)
            imgs.append(box.apply(d))
            boxes.append(box)
            pts.append(p)
    return np.stack(imgs), boxes, np.stack(pts)
