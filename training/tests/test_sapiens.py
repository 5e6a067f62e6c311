"""A tiny Sapiens-layout checkpoint loads through the key mapping and trains with LoRA."""
import tempfile
import unittest
from pathlib import Path

import torch

from training.lora import inject_lora
from training.sapiens_vit import SapiensViT, load_sapiens_checkpoint, PRESETS


def sapiens_layout_state(model: SapiensViT) -> dict:
    """What the Sapiens (mmpretrain) code would save for the same weights."""
    inv = {"patch_embed.": "backbone.patch_embed.projection.", "norm.": "backbone.ln1."}
    out = {}
    for k, v in model.state_dict().items():
        if k.startswith(("neck.", "stem.")):
            continue
        if k == "pos_embed":
            out["backbone.pos_embed"] = v.clone()
            continue
        if k.startswith("blocks."):
            _, i, rest = k.split(".", 2)
            rest = rest.replace("fc1.", "ffn.layers.0.0.").replace("fc2.", "ffn.layers.1.")
            out[f"backbone.layers.{i}.{rest}"] = v.clone()
            continue
        for a, b in inv.items():
            if k.startswith(a):
                out[b + k[len(a):]] = v.clone()
    out["head.final_layer.weight"] = torch.zeros(17, 256, 1, 1)  # a pose head we do not use
    return out


class SapiensTest(unittest.TestCase):
    def test_key_mapping_round_trip(self):
        torch.manual_seed(0)
        p = PRESETS["tiny"]
        src = SapiensViT(p["embed_dim"], p["depth"], p["heads"], native_hw=(64, 48))
        with torch.no_grad():
            for prm in src.parameters():
                prm.normal_()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sapiens_tiny.pth"
            torch.save({"state_dict": sapiens_layout_state(src)}, path)
            dst = SapiensViT(p["embed_dim"], p["depth"], p["heads"], native_hw=(64, 48))
            keys = load_sapiens_checkpoint(dst, path)
        self.assertIn("blocks.1.attn.qkv.weight", keys)
        for k, v in src.state_dict().items():
            if not k.startswith(("neck.", "stem.")):
                self.assertTrue(torch.equal(v, dst.state_dict()[k]), k)
        src.eval(); dst.eval()
        x = torch.randn(1, 3, 64, 48)
        with torch.no_grad():
            a = src.blocks[0](src.patch_embed(x).flatten(2).transpose(1, 2) + src.pos_embed)
            b = dst.blocks[0](dst.patch_embed(x).flatten(2).transpose(1, 2) + dst.pos_embed)
        self.assertTrue(torch.allclose(a, b))
        ctx, skip = dst(torch.randn(1, 3, 96, 64))  # another input size: pos_embed interpolated
        self.assertEqual(tuple(ctx.shape[-2:]), (24, 16))
        self.assertEqual(tuple(skip.shape[-2:]), (48, 32))
        wrapped = inject_lora(dst, 4, 8, targets=[r"attn\.qkv$", r"attn\.proj$"], exclude=dst.fresh_modules)
        self.assertEqual(len(wrapped), 2 * p["depth"])


if __name__ == "__main__":
    unittest.main()
