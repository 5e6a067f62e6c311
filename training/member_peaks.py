"""Each ensemble member's heatmap peak as an extra output of the exported graph.

The app states how far each landmark may be from the truth (src-main/inference/uncertainty.ts);
how much the members disagree is one of the best signs of a point that is wrong, and costs a
Reshape and an ArgMax per member on logits the graph computes anyway. The averaged `heatmaps` and
its reductions stay as they were: the new output is only added.

    python -m training.member_peaks models/medsapiens-ceph19.onnx   # edits the file in place
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import onnx
import onnx.numpy_helper
from onnx import helper

OUTPUT = "member_peak_index"
MOMENTS = "member_moments"
_MEMBER_OUT = re.compile(r"^/model/members\.(\d+)/head/out/Conv_output_0$")


def member_logits(graph: onnx.GraphProto) -> list[str]:
    """The members' logit tensors, in member order, as training/ensemble.py's LogitMean names them
    in the export."""
    found = {}
    for n in graph.node:
        for o in n.output:
            m = _MEMBER_OUT.match(o)
            if m:
                found[int(m.group(1))] = o
    return [found[i] for i in sorted(found)]


def add_member_peaks(model: onnx.ModelProto) -> onnx.ModelProto:
    g = model.graph
    if any(o.name in (OUTPUT, MOMENTS) for o in g.output):
        raise ValueError(f"the graph already has an output {OUTPUT}")
    members = member_logits(g)
    if len(members) < 2:
        raise ValueError("not an ensemble graph: fewer than two member logit tensors found")
    # the flattening shape [batch, K, -1] the graph already uses for its own argmax
    argmax = next((n for n in g.node if n.op_type == "ArgMax" and "peak_index" in n.output), None)
    if argmax is None:
        raise ValueError("the graph has no peak_index ArgMax to follow")
    reshape = next(n for n in g.node if argmax.input[0] in n.output)
    flat_shape = reshape.input[1]
    axes = "member_peaks/axis1"
    nodes = [helper.make_node("Constant", [], [axes], value=helper.make_tensor(axes, onnx.TensorProto.INT64, [1], [1]))]
    parts = []
    for i, t in enumerate(members):
        p = f"member_peaks/{i}"
        nodes += [
            helper.make_node("Reshape", [t, flat_shape], [f"{p}/flat"]),
            helper.make_node("ArgMax", [f"{p}/flat"], [f"{p}/argmax"], axis=2, keepdims=0),
            helper.make_node("Unsqueeze", [f"{p}/argmax", axes], [f"{p}/row"]),
        ]
        parts.append(f"{p}/row")
    nodes.append(helper.make_node("Concat", parts, [OUTPUT], axis=1))
    # each member's density (the softmax of its logits) summarised by its moments: mean x, mean y
    # and mean x^2 + y^2 in model-input pixels. Between them the members' centroids and spreads
    # give the ensemble's predictive variance, sub-pixel, with rival peaks weighing in.
    hw = _heatmap_size(g)
    grid = _moment_grid(hw, _stride(g, hw))
    gname = "member_moments/grid"
    g.initializer.append(onnx.numpy_helper.from_array(grid, gname))
    mparts = []
    for i in range(len(members)):
        p = f"member_peaks/{i}"
        nodes += [
            helper.make_node("Softmax", [f"{p}/flat"], [f"{p}/density"], axis=2),
            helper.make_node("MatMul", [f"{p}/density", gname], [f"{p}/moments"]),
            helper.make_node("Unsqueeze", [f"{p}/moments", axes], [f"{p}/moments_row"]),
        ]
        mparts.append(f"{p}/moments_row")
    nodes.append(helper.make_node("Concat", mparts, [MOMENTS], axis=1))
    g.node.extend(nodes)
    k = next(d.dim_value for d in g.output[0].type.tensor_type.shape.dim[1:2])
    g.output.append(helper.make_tensor_value_info(OUTPUT, onnx.TensorProto.INT64, ["batch", len(members), k]))
    g.output.append(helper.make_tensor_value_info(MOMENTS, onnx.TensorProto.FLOAT, ["batch", len(members), k, 3]))
    onnx.checker.check_model(model)
    return model


def _heatmap_size(g) -> tuple:
    """(h, w) of the heatmaps, from the exported graph's value info or the card-sized input."""
    import onnx.shape_inference
    inferred = onnx.shape_inference.infer_shapes(onnx.helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]))
    for v in list(inferred.graph.value_info) + list(inferred.graph.output):
        if v.name == "heatmaps" or _MEMBER_OUT.match(v.name):
            d = [x.dim_value for x in v.type.tensor_type.shape.dim]
            if len(d) == 4 and d[2] and d[3]:
                return d[2], d[3]
    raise ValueError("heatmap size not found in the graph")


def _stride(g, hw) -> int:
    d = [x.dim_value for x in g.input[0].type.tensor_type.shape.dim]
    return d[2] // hw[0]


def _moment_grid(hw, stride):
    import numpy as np
    h, w = hw
    ys, xs = np.mgrid[0:h, 0:w]
    x = (xs.reshape(-1) + 0.5) * stride - 0.5
    y = (ys.reshape(-1) + 0.5) * stride - 0.5
    return np.stack([x, y, x * x + y * y], 1).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("onnx", type=Path)
    ap.add_argument("--out", type=Path, help="default: edit in place")
    a = ap.parse_args()
    m = add_member_peaks(onnx.load(str(a.onnx)))
    onnx.save(m, str(a.out or a.onnx))
    print(f"{a.out or a.onnx}: {OUTPUT} added ({len(member_logits(m.graph))} members)")


if __name__ == "__main__":
    main()
