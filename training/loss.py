"""Spatial-softmax cross-entropy against normalised Gaussian targets.

Unlike MSE on raw heatmaps, an all-zero output does not nearly satisfy it, so no channel
can die; its optimum makes the logits a log-density, which the codec's Newton step reads."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def heatmap_ce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits, targets (N, K, h, w); targets sum to 1 per channel, or 0 to ignore it."""
    logp = F.log_softmax(logits.flatten(2).float(), dim=-1)
    t = targets.flatten(2)
    valid = (t.sum(-1) > 0).float()
    ce = -(t * logp).sum(-1)
    return (ce * valid).sum() / valid.sum().clamp(min=1)
