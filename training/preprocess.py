"""Model-input preprocessing shared bit-for-bit with the app (src-main/inference/letterbox.ts and
src-main/imaging/resample.ts).

An image of W0 x H0 grey pixels is scaled uniformly to fit W x H (area averaging: each output
pixel is the mean of the source area it covers), centred, and padded with zeros. Both sides
implement the same arithmetic so Python evaluation and the app give the same landmarks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def round_half_up(v: float) -> int:
    return int(np.floor(v + 0.5))


@dataclass(frozen=True)
class Letterbox:
    src_w: int
    src_h: int
    dst_w: int
    dst_h: int

    @property
    def scale(self) -> float:
        return min(self.dst_w / self.src_w, self.dst_h / self.src_h)

    @property
    def resized(self) -> tuple:
        return (max(1, min(self.dst_w, round_half_up(self.src_w * self.scale))),
                max(1, min(self.dst_h, round_half_up(self.src_h * self.scale))))

    @property
    def offset(self) -> tuple:
        rw, rh = self.resized
        return ((self.dst_w - rw) // 2, (self.dst_h - rh) // 2)

    def to_input(self, pts: np.ndarray) -> np.ndarray:
        """(K, 2) source pixels -> model-input pixels (pixel centres at integers)."""
        rw, rh = self.resized
        ox, oy = self.offset
        pts = np.asarray(pts, dtype=np.float64)
        return np.stack([(pts[:, 0] + 0.5) * rw / self.src_w - 0.5 + ox,
                         (pts[:, 1] + 0.5) * rh / self.src_h - 0.5 + oy], axis=1)

    def to_source(self, pts: np.ndarray) -> np.ndarray:
        rw, rh = self.resized
        ox, oy = self.offset
        pts = np.asarray(pts, dtype=np.float64)
        return np.stack([(pts[:, 0] - ox + 0.5) * self.src_w / rw - 0.5,
                         (pts[:, 1] - oy + 0.5) * self.src_h / rh - 0.5], axis=1)

    def apply(self, grey: np.ndarray) -> np.ndarray:
        """grey (H0, W0) uint8 -> (H, W) float32 in 0..255."""
        rw, rh = self.resized
        ox, oy = self.offset
        wy = area_weights(self.src_h, rh)
        wx = area_weights(self.src_w, rw)
        small = wy @ grey.astype(np.float64) @ wx.T
        out = np.zeros((self.dst_h, self.dst_w), dtype=np.float32)
        out[oy:oy + rh, ox:ox + rw] = small
        return out


def area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix: output i averages source interval [i, i+1) * n_in / n_out."""
    f = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for i in range(n_out):
        a, b = i * f, (i + 1) * f
        j0, j1 = int(np.floor(a)), min(n_in, int(np.ceil(b)))
        for j in range(j0, j1):
            w[i, j] = max(0.0, min(b, j + 1) - max(a, j))
        w[i] /= w[i].sum()
    return w
