"""Gaussian heatmap codec, numpy only, so it can be ported to TypeScript verbatim.

Coordinates: pixel centres sit at integer coordinates in every frame (original image,
model input, heatmap). A point p in input pixels maps to heatmap coordinate
(p + 0.5) / stride - 0.5, which keeps the half-pixel alignment of a strided grid.

The network is trained with a spatial softmax against the normalised Gaussian target, so
its raw output per channel is a log-density up to a constant. Decoding takes the argmax
and refines it with one Newton step on the log-density (exact for a sampled Gaussian),
clamped to half a heatmap pixel so a flat or noisy peak cannot throw the point away.
Confidence is the softmax mass within `confidence_radius` heatmap pixels of the peak.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class HeatmapCodec:
    input_size: tuple  # (H, W) of the model input, pixels
    stride: int  # input pixels per heatmap pixel
    sigma: float  # Gaussian sigma in heatmap pixels
    confidence_radius: float = 2.0  # heatmap pixels
    refine_clamp: float = 0.5  # max Newton shift, heatmap pixels

    @property
    def heatmap_size(self) -> tuple:
        return (self.input_size[0] // self.stride, self.input_size[1] // self.stride)

    def to_card(self) -> dict:
        d = asdict(self)
        d["name"] = "gaussian-softmax-newton"
        d["input_size"] = list(self.input_size)
        d["heatmap_size"] = list(self.heatmap_size)
        return d

    def input_to_heatmap(self, pts: np.ndarray) -> np.ndarray:
        return (pts + 0.5) / self.stride - 0.5

    def heatmap_to_input(self, pts: np.ndarray) -> np.ndarray:
        return (pts + 0.5) * self.stride - 0.5

    def encode(self, keypoints: np.ndarray) -> np.ndarray:
        """keypoints (K, 2) in input pixels (x, y) -> targets (K, h, w), each summing to 1.

        A point outside the heatmap gets an all-zero target (it is ignored by the loss)."""
        h, w = self.heatmap_size
        hm = self.input_to_heatmap(np.asarray(keypoints, dtype=np.float64))
        ys = np.arange(h, dtype=np.float64)[:, None]
        xs = np.arange(w, dtype=np.float64)[None, :]
        out = np.zeros((len(hm), h, w), dtype=np.float32)
        for k, (x, y) in enumerate(hm):
            if not (-0.5 <= x <= w - 0.5 and -0.5 <= y <= h - 0.5):
                continue
            g = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * self.sigma**2))
            out[k] = g / g.sum()
        return out

    def decode(self, logits: np.ndarray):
        """logits (K, h, w) -> keypoints (K, 2) in input pixels, confidences (K,)."""
        logits = np.asarray(logits, dtype=np.float64)
        K, h, w = logits.shape
        pts = np.zeros((K, 2), dtype=np.float64)
        conf = np.zeros(K, dtype=np.float64)
        ys = np.arange(h)[:, None]
        xs = np.arange(w)[None, :]
        for k in range(K):
            z = logits[k]
            idx = int(np.argmax(z))
            py, px = divmod(idx, w)
            dx = _newton_offset(z, px, py, axis=1, clamp=self.refine_clamp)
            dy = _newton_offset(z, px, py, axis=0, clamp=self.refine_clamp)
            pts[k] = (px + dx, py + dy)
            p = np.exp(z - z[py, px])
            p /= p.sum()
            near = (xs - pts[k, 0]) ** 2 + (ys - pts[k, 1]) ** 2 <= self.confidence_radius**2
            conf[k] = float(p[near].sum())
        return self.heatmap_to_input(pts), conf


def _newton_offset(z: np.ndarray, px: int, py: int, axis: int, clamp: float) -> float:
    """1-D Newton step on z around (py, px) along axis; 0 at the border or a non-peak."""
    n = z.shape[axis]
    i = py if axis == 0 else px
    if i <= 0 or i >= n - 1:
        return 0.0
    if axis == 0:
        a, b, c = z[py - 1, px], z[py, px], z[py + 1, px]
    else:
        a, b, c = z[py, px - 1], z[py, px], z[py, px + 1]
    second = a - 2 * b + c
    if second >= 0:
        return 0.0
    step = -(c - a) / (2 * second)
    return float(np.clip(step, -clamp, clamp))
