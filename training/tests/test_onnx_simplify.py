"""The export's graph simplification: TF "SAME" pads end up inside the convolutions, the
graph computes what PyTorch did, and the batch axis stays dynamic."""
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from training.export import run_onnxruntime
from training.onnx_simplify import simplify
from training.tfjs_backbone import TfConv

ROOT = Path(__file__).resolve().parents[2]


class PaddedNet(nn.Module):
    """Stride-2 and stride-1 SAME convs as the pose backbone builds them, a zero pad that is
    not a conv's, and a resize to a feature's own size as the head does."""

    def __init__(self):
        super().__init__()
        self.down = TfConv(nn.Conv2d(1, 8, 3, stride=2), "SAME", "Relu6")
        self.same = TfConv(nn.Conv2d(8, 8, 5, groups=8), "SAME", "Relu")
        self.wide = nn.Conv2d(8, 4, 3)

    def forward(self, x):
        y = self.same(self.down(x))
        z = self.wide(F.pad(y, (2, 0, 1, 1)))
        return F.interpolate(z, size=x.shape[-2:], mode="bilinear", align_corners=False)


class OnnxSimplify(unittest.TestCase):
    def test_pads_fold_into_convs_and_outputs_stay(self):
        torch.manual_seed(0)
        net = PaddedNet().eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "net.onnx"
            torch.onnx.export(net, torch.zeros(1, 1, 37, 30), str(path), opset_version=13, input_names=["image"],
                              output_names=["out"], dynamic_axes={"image": {0: "batch"}, "out": {0: "batch"}},
                              do_constant_folding=True)
            before = {n.op_type for n in onnx.load(str(path)).graph.node}
            self.assertIn("Pad", before)  # what the exporter leaves, or this test proves nothing
            stats = simplify(path)
            graph = onnx.load(str(path)).graph
            ops = [n.op_type for n in graph.node]
            self.assertNotIn("Pad", ops)
            self.assertEqual(stats["pads_folded_into_convs"], 3)
            pads = {n.name: [a.ints for a in n.attribute if a.name == "pads"][0] for n in graph.node if n.op_type == "Conv"}
            # ONNX order (top, left, bottom, right). 3x3 at stride 2, TF SAME: 37 rows pad 1 and 1,
            # 30 columns only 1 on the right; 5x5 at stride 1: 2 each side; the explicit pad
            # (left 2, top 1, bottom 1) lands in the last conv
            self.assertEqual(sorted(list(p) for p in pads.values()), [[1, 0, 1, 1], [1, 2, 1, 0], [2, 2, 2, 2]])
            x = np.random.default_rng(0).uniform(0, 1, (2, 1, 37, 30)).astype(np.float32)
            with torch.no_grad():
                ref = net(torch.from_numpy(x)).numpy()
            got = run_onnxruntime(path, x)[0].reshape(ref.shape)  # batch 2 through a graph traced at 1
            self.assertGreater(np.abs(ref).max(), 0.01)
            self.assertLess(np.abs(got - ref).max(), 1e-5)

    def test_shipped_model_was_simplified(self):
        # a model exported around the simplification would run ~a quarter slower, silently
        for card in (ROOT / "models").glob("*.card.json"):
            graph = onnx.load(str(card.parent / json.loads(card.read_text())["file"])).graph
            ops = [n.op_type for n in graph.node]
            self.assertIn("Conv", ops)
            self.assertNotIn("Pad", ops, card.name)


if __name__ == "__main__":
    unittest.main()
