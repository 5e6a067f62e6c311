"""Low-rank adaptation (LoRA) for conv and linear layers, written for this project.

W' = W + (alpha / rank) * B A, with A initialised randomly and B at zero so an adapted
network starts exactly where the pretrained one is. `merge_lora` folds every adapter
into its base weights (for export), leaving plain nn.Conv2d / nn.Linear modules.
"""
from __future__ import annotations

import math
import re

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRAConv2d(nn.Module):
    def __init__(self, base: nn.Conv2d, rank: int, alpha: float, dropout: float = 0.0):
        super().__init__()
        if base.groups != 1:
            raise ValueError("LoRA on grouped/depthwise convs is not supported")
        self.base = base
        self.rank, self.scale = rank, alpha / rank
        self.lora_a = nn.Conv2d(base.in_channels, rank, base.kernel_size, base.stride,
                                base.padding, base.dilation, bias=False)
        self.lora_b = nn.Conv2d(rank, base.out_channels, 1, bias=False)
        nn.init.kaiming_uniform_(self.lora_a.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_b.weight)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        return self.base(x) + self.lora_b(self.lora_a(self.dropout(x))) * self.scale

    def delta_weight(self) -> torch.Tensor:
        a = self.lora_a.weight.flatten(1)  # (r, cin*kh*kw)
        b = self.lora_b.weight.flatten(1)  # (cout, r)
        return (b @ a).view_as(self.base.weight) * self.scale


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.0):
        super().__init__()
        self.base = base
        self.rank, self.scale = rank, alpha / rank
        self.lora_a = nn.Linear(base.in_features, rank, bias=False)
        self.lora_b = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_a.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_b.weight)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        return self.base(x) + self.lora_b(self.lora_a(self.dropout(x))) * self.scale

    def delta_weight(self) -> torch.Tensor:
        return (self.lora_b.weight @ self.lora_a.weight) * self.scale


def _eligible(module: nn.Module, name: str, targets: str | list) -> bool:
    if isinstance(module, nn.Linear):
        kind_ok = True
    elif isinstance(module, nn.Conv2d):
        kind_ok = module.groups == 1
    else:
        return False
    if not kind_ok:
        return False
    if targets == "all":
        return True
    if targets == "pointwise":
        return isinstance(module, nn.Linear) or module.kernel_size == (1, 1)
    return any(re.search(p, name) for p in targets)


def inject_lora(model: nn.Module, rank: int, alpha: float, dropout: float = 0.0,
                targets: str | list = "pointwise", exclude=()) -> list:
    """Wraps the eligible layers of `model` in place; returns the wrapped layer names.

    targets: "all" (every non-grouped conv and linear), "pointwise" (1x1 convs and linears),
    or a list of regexes matched against module names (e.g. ["attn.qkv", "attn.proj"])."""
    chosen = [(n, m) for n, m in model.named_modules()
              if _eligible(m, n, targets) and not any(n == e or n.startswith(e + ".") for e in exclude)]
    for name, module in chosen:
        parent_name, _, attr = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        wrap = LoRAConv2d if isinstance(module, nn.Conv2d) else LoRALinear
        setattr(parent, attr, wrap(module, rank, alpha, dropout))
    return [n for n, _ in chosen]


def lora_parameters(model: nn.Module):
    for n, p in model.named_parameters():
        if ".lora_a." in n or ".lora_b." in n:
            yield p


@torch.no_grad()
def merge_lora(model: nn.Module) -> int:
    """Folds every adapter into its base layer in place; returns how many were merged."""
    merged = 0
    for name, module in list(model.named_modules()):
        if isinstance(module, (LoRAConv2d, LoRALinear)):
            module.base.weight += module.delta_weight()
            parent_name, _, attr = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, attr, module.base)
            merged += 1
    return merged
