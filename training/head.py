"""Heatmap head: features -> per-landmark logits. Loss and codec live elsewhere.

A stride-4 context feature is refined, upsampled and fused with a stride-2 skip feature,
giving (N, K, H/2, W/2) logits: finer heatmaps at little cost."""
from __future__ import annotations

import torch.nn as nn
import torch.nn.functional as F


def _cbr(cin, cout, k=3, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class HeatmapHead(nn.Module):
    def __init__(self, context_channels: int, skip_channels: int, num_keypoints: int,
                 mid: int = 64, fine: int = 32):
        super().__init__()
        self.context = nn.Sequential(_cbr(context_channels, mid), _cbr(mid, mid))
        self.reduce = _cbr(mid, fine, 1)
        self.skip = _cbr(skip_channels, fine, 1)
        self.fuse = nn.Sequential(_cbr(fine, fine, 3, groups=fine), _cbr(fine, fine, 1),
                                  _cbr(fine, fine, 3, groups=fine), _cbr(fine, fine, 1))
        self.out = nn.Conv2d(fine, num_keypoints, 1)

    def forward(self, context, skip):
        """context (N, Cc, H/4, W/4), skip (N, Cs, H/2, W/2) -> logits (N, K, H/2, W/2)."""
        y = self.reduce(self.context(context))
        y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
        y = self.fuse(y + self.skip(skip))
        return self.out(y)
