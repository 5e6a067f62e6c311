"""The landmark network: backbone (pose-pretrained or random) + heatmap head.

Input: (N, 1, H, W) grey in 0..1. The pose backbones were trained on RGB, so the grey
channel is repeated inside the graph; the app feeds one channel."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn as nn

from .head import HeatmapHead

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class LandmarkNet(nn.Module):
    def __init__(self, backbone: nn.Module, head: nn.Module, in_channels: int):
        super().__init__()
        self.backbone = backbone
        self.head = head
        self.in_channels = in_channels

    def forward(self, x):
        """x (N, 1, H, W) -> logits (N, K, H/2, W/2)."""
        if self.in_channels != 1:
            x = x.expand(-1, self.in_channels, -1, -1)
        context, skip = self.backbone(x)
        return self.head(context, skip)


def reinit_(module: nn.Module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def build_model(cfg: dict) -> LandmarkNet:
    b = cfg["backbone"]
    k = cfg.get("num_keypoints", 19)
    if b["type"] == "tfjs":
        from .tfjs_backbone import build_tfjs_backbone
        path = Path(b["model_json"])
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        backbone = build_tfjs_backbone(path, [b["context"], b["skip"]])
        if not b.get("pretrained", True):
            reinit_(backbone)
        with torch.no_grad():
            c, s = backbone(torch.zeros(1, backbone.in_channels, 64, 64))
        head = HeatmapHead(c.shape[1], s.shape[1], k)
        return LandmarkNet(backbone, head, backbone.in_channels)
    if b["type"] == "sapiens":
        from .sapiens_vit import build_sapiens_backbone
        backbone = build_sapiens_backbone(b)
        head = HeatmapHead(backbone.context_channels, backbone.skip_channels, k)
        return LandmarkNet(backbone, head, 3)
    raise ValueError(f"unknown backbone type {b['type']!r}")
