"""Augmentation for lateral cephalograms.

Geometric: small rotation, isotropic scale, translation (head positioning varies a little
between acquisitions). Photometric: contrast, brightness, gamma (exposure and processing
vary by device), blur, noise, cutout (collimators, ear rods, missing regions).

Orientation policy: NO horizontal flips. A flip turns a right-facing profile into a
left-facing one and swaps nothing (the landmarks are midline or projected), but teaches the
network a second orientation it never sees in clinic data; the app instead normalises
orientation at import (a user can mark an image left-facing; it is mirrored before inference
and points are mirrored back)."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class AugmentConfig:
    rotate_deg: float = 8.0
    scale: float = 0.08
    translate: float = 0.04  # fraction of input size
    contrast: float = 0.25
    brightness: float = 0.1
    gamma: float = 0.3
    blur_p: float = 0.2
    noise_p: float = 0.3
    noise_std: float = 6.0
    cutout_p: float = 0.3
    cutout_max: float = 0.15  # side, fraction of input size


def augment(img: np.ndarray, pts: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig):
    """img (H, W) float32 0..255, pts (K, 2) input pixels -> augmented copies."""
    h, w = img.shape
    ang = rng.uniform(-cfg.rotate_deg, cfg.rotate_deg)
    sc = 1.0 + rng.uniform(-cfg.scale, cfg.scale)
    tx, ty = rng.uniform(-cfg.translate, cfg.translate, 2) * (w, h)
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), ang, sc)
    m[:, 2] += (tx, ty)
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    pts = pts @ m[:, :2].T + m[:, 2]

    x = out / 255.0
    x = np.clip(x, 0, 1) ** np.exp(rng.uniform(-cfg.gamma, cfg.gamma))
    x = (x - 0.5) * (1 + rng.uniform(-cfg.contrast, cfg.contrast)) + 0.5 + rng.uniform(-cfg.brightness, cfg.brightness)
    x = np.clip(x, 0, 1) * 255.0
    if rng.random() < cfg.blur_p:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.5, 1.5))
    if rng.random() < cfg.noise_p:
        x = x + rng.normal(0, cfg.noise_std, x.shape)
    if rng.random() < cfg.cutout_p:
        ch, cw = (rng.uniform(0.03, cfg.cutout_max, 2) * (h, w)).astype(int)
        y0, x0 = rng.integers(0, h - ch), rng.integers(0, w - cw)
        x[y0:y0 + ch, x0:x0 + cw] = rng.uniform(0, 255)
    return np.clip(x, 0, 255).astype(np.float32), pts
