"""Sapiens ViT backbone (patch 16) for users with a GPU and a Sapiens pose checkpoint on disk.

Presets follow the published Sapiens sizes. A checkpoint saved by the Sapiens (mmpretrain /
mmpose) code uses keys like `backbone.layers.3.attn.qkv.weight`; `map_sapiens_keys` turns
them into this module's names. The ViT's stride-16 tokens go through a deconvolution neck to
stride 4 (as Sapiens' own pose head does); a light convolutional stem gives a stride-2 skip
feature for the shared heatmap head. LoRA targets for the paper's recipe: ["attn.qkv", "attn.proj"].
"""
from __future__ import annotations

import re
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "sapiens_0.3b": {"embed_dim": 1024, "depth": 24, "heads": 16},
    "sapiens_0.6b": {"embed_dim": 1280, "depth": 32, "heads": 16},
    "sapiens_1b": {"embed_dim": 1536, "depth": 40, "heads": 24},
    "tiny": {"embed_dim": 64, "depth": 2, "heads": 2},  # for tests only
}


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax((q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5, dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(n, t, d))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: int = 4):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.ln2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, dim * mlp_ratio)
        self.fc2 = nn.Linear(dim * mlp_ratio, dim)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class SapiensViT(nn.Module):
    def __init__(self, embed_dim: int, depth: int, heads: int, native_hw=(1024, 768),
                 patch: int = 16, neck_channels: int = 128, skip_channels: int = 32):
        super().__init__()
        self.patch = patch
        self.embed_dim = embed_dim
        self.patch_embed = nn.Conv2d(3, embed_dim, patch, patch, padding=2)
        self.native_grid = (native_hw[0] // patch, native_hw[1] // patch)
        self.pos_embed = nn.Parameter(torch.zeros(1, self.native_grid[0] * self.native_grid[1], embed_dim))
        self.blocks = nn.ModuleList([Block(embed_dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.neck = nn.Sequential(
            nn.ConvTranspose2d(embed_dim, neck_channels, 4, 2, 1, bias=False), nn.BatchNorm2d(neck_channels), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(neck_channels, neck_channels, 4, 2, 1, bias=False), nn.BatchNorm2d(neck_channels), nn.ReLU(inplace=True))
        self.stem = nn.Sequential(nn.Conv2d(3, skip_channels, 3, 2, 1, bias=False), nn.BatchNorm2d(skip_channels), nn.ReLU(inplace=True))
        self.context_channels, self.skip_channels, self.in_channels = neck_channels, skip_channels, 3
        self.fresh_modules = ("neck", "stem")

    def _pos(self, gh: int, gw: int):
        if (gh, gw) == self.native_grid:
            return self.pos_embed
        p = self.pos_embed.view(1, *self.native_grid, -1).permute(0, 3, 1, 2)
        p = F.interpolate(p, size=(gh, gw), mode="bicubic", align_corners=False)
        return p.permute(0, 2, 3, 1).reshape(1, gh * gw, -1)

    def forward(self, x):
        """x (N, 3, H, W), H and W multiples of 16 -> (context (N, C, H/4, W/4), skip (N, Cs, H/2, W/2))."""
        t = self.patch_embed(x)
        n, d, gh, gw = t.shape
        t = t.flatten(2).transpose(1, 2) + self._pos(gh, gw)
        for blk in self.blocks:
            t = blk(t)
        fmap = self.norm(t).transpose(1, 2).reshape(n, d, gh, gw)
        return self.neck(fmap), self.stem(x)


_KEY_RULES = [
    (r"^backbone\.patch_embed\.projection\.", "patch_embed."),
    (r"^backbone\.pos_embed$", "pos_embed"),
    (r"^backbone\.layers\.(\d+)\.ln1\.", r"blocks.\1.ln1."),
    (r"^backbone\.layers\.(\d+)\.ln2\.", r"blocks.\1.ln2."),
    (r"^backbone\.layers\.(\d+)\.attn\.qkv\.", r"blocks.\1.attn.qkv."),
    (r"^backbone\.layers\.(\d+)\.attn\.proj\.", r"blocks.\1.attn.proj."),
    (r"^backbone\.layers\.(\d+)\.ffn\.layers\.0\.0\.", r"blocks.\1.fc1."),
    (r"^backbone\.layers\.(\d+)\.ffn\.layers\.1\.", r"blocks.\1.fc2."),
    (r"^backbone\.(ln1|pre_norm|norm)\.", "norm."),
]


def map_sapiens_keys(state: dict) -> dict:
    """Sapiens checkpoint keys -> SapiensViT keys; keys of other parts (heads) are dropped."""
    out = {}
    for k, v in state.items():
        if not k.startswith("backbone."):
            k = "backbone." + k if not k.startswith("head.") else k
        for pat, rep in _KEY_RULES:
            if re.match(pat, k):
                out[re.sub(pat, rep, k)] = v
                break
    return out


def load_sapiens_checkpoint(model: SapiensViT, path: Path) -> list:
    ck = torch.load(path, map_location="cpu")
    state = ck.get("state_dict", ck.get("model", ck))
    mapped = map_sapiens_keys(state)
    if "pos_embed" in mapped and mapped["pos_embed"].shape != model.pos_embed.shape:
        raise ValueError(f"pos_embed {tuple(mapped['pos_embed'].shape)} does not match native size "
                         f"{tuple(model.pos_embed.shape)}: set backbone.native_hw to the checkpoint's input size")
    missing, unexpected = model.load_state_dict(mapped, strict=False)
    vit_missing = [m for m in missing if not m.startswith(("neck.", "stem."))]
    if vit_missing or unexpected:
        raise ValueError(f"checkpoint does not fit: missing {vit_missing[:5]}, unexpected {unexpected[:5]}")
    return sorted(mapped)


def build_sapiens_backbone(cfg: dict) -> SapiensViT:
    p = PRESETS[cfg.get("preset", "sapiens_0.3b")]
    model = SapiensViT(p["embed_dim"], p["depth"], p["heads"], tuple(cfg.get("native_hw", (1024, 768))))
    if cfg.get("checkpoint"):
        load_sapiens_checkpoint(model, Path(cfg["checkpoint"]))
    return model
