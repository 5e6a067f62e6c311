"""Several trained networks run as one model: their heatmap logits averaged.

Each member is trained with a spatial-softmax cross-entropy, so its logits are a log-density up to
a per-channel constant. Their mean is the log of the normalised product of the members' densities:
still one near-Gaussian peak per landmark, so the codec's Newton step and confidence apply
unchanged, the ONNX graph keeps its outputs, and the app needs no change to run it."""
from __future__ import annotations

from pathlib import Path

import torch

# what every member must share: their heatmaps are averaged pixel for pixel, and one card (its
# backbone, its config) describes them all
SHARED_KEYS = ("input_size", "stride", "sigma", "num_keypoints", "backbone")


class LogitMean(torch.nn.Module):
    def __init__(self, members):
        super().__init__()
        self.members = torch.nn.ModuleList(members)

    def forward(self, x):
        out = self.members[0](x)
        for m in self.members[1:]:
            out = out + m(x)
        return out / len(self.members)


def load_ensemble(checkpoints: list) -> tuple[torch.nn.Module, dict, list]:
    """One checkpoint: its model. Several: their LogitMean. Returns (model, config of the first,
    the loaded checkpoint dicts)."""
    from .export import load_for_inference
    cks = [torch.load(Path(c), map_location="cpu") for c in checkpoints]
    models, cfgs = zip(*(load_for_inference(c, ck) for c, ck in zip(checkpoints, cks)))
    for c, cfg in zip(checkpoints[1:], cfgs[1:]):
        for k in SHARED_KEYS:
            if cfg[k] != cfgs[0][k]:
                raise ValueError(f"{c}: {k} {cfg[k]!r} differs from the first member's {cfgs[0][k]!r}")
    model = models[0] if len(models) == 1 else LogitMean(list(models)).eval()
    return model, cfgs[0], cks
