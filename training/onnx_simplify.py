"""Simplify an exported graph for onnxruntime's CPU kernels: fold constant arithmetic, then fold
zero Pads into the convolutions that read them.

Why: PyTorch 1.13 exports each F.pad (TF "SAME" padding of the pose backbone) as a Pad whose
amounts come from a dozen Shape/Gather/Concat/Cast nodes, and its own constant folding leaves
them. onnxruntime then cannot fuse the Pads into their Convs, and each one breaks its blocked
(NCHWc) layout: on 2 cores the Pads and the layout reorders around them took ~60 of the 0.2.0
ensemble's ~210 ms. A Conv's own `pads` attribute computes the same thing.

Only what the graph's static shapes determine is folded: the batch axis may stay dynamic."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

_UNKNOWN = -1  # a dim that shape inference leaves symbolic (the batch)


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _int_div(a, b):
    # ONNX integer Div truncates toward zero (C semantics), unlike numpy's floor division
    q = np.abs(a) // np.abs(b)
    return (np.sign(a) * np.sign(b) * q).astype(a.dtype)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(index)]


def _evaluate(node, vals: list):
    """numpy value of `node` from known inputs, or None for an op this pass does not fold."""
    op = node.op_type
    if op == "Constant":
        value = _attr(node, "value")  # the exporter's form; value_float and the like are left alone
        return numpy_helper.to_array(value) if value is not None else None
    if op == "ConstantOfShape":
        fill = _attr(node, "value")
        fill = numpy_helper.to_array(fill) if fill is not None else np.zeros(1, np.float32)
        return np.full(tuple(int(d) for d in vals[0]), fill.reshape(-1)[0], dtype=fill.dtype)
    if op == "Cast":
        return vals[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[_attr(node, "to")])
    if op == "Unsqueeze":
        out = vals[0]
        for a in sorted(int(a) % (out.ndim + len(vals[1])) for a in vals[1]):
            out = np.expand_dims(out, a)
        return out
    if op == "Concat":
        return np.concatenate([np.atleast_1d(v) for v in vals], axis=_attr(node, "axis"))
    if op == "Reshape":
        shape = [int(d) if d != 0 else vals[0].shape[i] for i, d in enumerate(vals[1])]
        return vals[0].reshape(shape)
    if op == "Transpose":
        return np.transpose(vals[0], _attr(node, "perm"))
    if op == "Slice":
        return _slice(vals[0], *vals[1:])
    if op == "Gather":
        return np.take(vals[0], vals[1], axis=_attr(node, "axis", 0))
    if op in ("Add", "Sub", "Mul"):
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op](vals[0], vals[1]).astype(vals[0].dtype)
    if op == "Div":
        if np.issubdtype(vals[0].dtype, np.integer):
            return _int_div(vals[0], vals[1])
        return (vals[0] / vals[1]).astype(vals[0].dtype)
    if op == "Equal":
        return np.equal(vals[0], vals[1])
    if op == "Where":
        return np.where(vals[0], vals[1], vals[2])
    if op == "Expand":
        return vals[0] * np.ones(tuple(int(d) for d in vals[1]), dtype=vals[0].dtype)
    return None


def _static_shapes(model) -> dict:
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in [*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output]:
        t = vi.type.tensor_type
        if t.HasField("shape"):
            shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else _UNKNOWN for d in t.shape.dim]
    return shapes


def fold_constants(model) -> int:
    """Replaces every node computable before run time with initializers; returns how many."""
    g = model.graph
    shapes = _static_shapes(model)
    known = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    partial = {}  # Shape outputs with a symbolic dim: foldable through Gather/Slice that skip it
    folded = []
    for node in g.node:
        if node.op_type == "Shape" and node.input[0] in shapes and not node.attribute:  # no start/end
            dims = np.array(shapes[node.input[0]], dtype=np.int64)
            if (dims == _UNKNOWN).any():
                partial[node.output[0]] = dims
                continue
            known[node.output[0]] = dims
            folded.append(node)
            continue
        ins = [i for i in node.input if i]
        if node.op_type in ("Gather", "Slice") and ins and ins[0] in partial and all(i in known for i in ins[1:]):
            value = _evaluate(node, [partial[ins[0]], *[known[i] for i in ins[1:]]])
            if not (np.asarray(value) == _UNKNOWN).any():
                known[node.output[0]] = np.asarray(value)
                folded.append(node)
            continue
        if not all(i in known for i in ins):
            continue
        value = _evaluate(node, [known[i] for i in ins])
        if value is None:
            continue
        known[node.output[0]] = np.asarray(value)
        folded.append(node)
    folded_ids = {id(n) for n in folded}
    kept = [n for n in g.node if id(n) not in folded_ids]
    needed = {i for n in kept for i in n.input} | {o.name for o in g.output}
    existing = {i.name for i in g.initializer}
    for n in folded:
        out = n.output[0]
        if out in needed and out not in existing:
            g.initializer.append(numpy_helper.from_array(known[out], out))
    del g.node[:]
    g.node.extend(kept)
    return len(folded)


def fold_pads_into_convs(model) -> int:
    """Pad(zeros, spatial axes only) -> Conv becomes Conv(pads += ...); returns Pads removed."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in g.output}
    removed = []
    for pad in [n for n in g.node if n.op_type == "Pad"]:
        # string attributes come back as bytes
        if _attr(pad, "mode", b"constant") != b"constant" or len(pad.input) < 2 or pad.input[1] not in inits:
            continue
        if len(pad.input) > 2 and pad.input[2]:
            if pad.input[2] not in inits or numpy_helper.to_array(inits[pad.input[2]]).reshape(-1)[0] != 0:
                continue
        amounts = numpy_helper.to_array(inits[pad.input[1]]).astype(int)
        if amounts.size != 8 or (amounts < 0).any() or amounts[[0, 1, 4, 5]].any():
            continue
        users = consumers.get(pad.output[0], [])
        if pad.output[0] in outputs or not users:
            continue
        if not all(u.op_type == "Conv" and u.input[0] == pad.output[0]
                   and _attr(u, "auto_pad", b"NOTSET") == b"NOTSET" for u in users):
            continue
        extra = [amounts[2], amounts[3], amounts[6], amounts[7]]  # ONNX Conv pads: h_b, w_b, h_e, w_e
        for conv in users:
            old = list(_attr(conv, "pads", [0, 0, 0, 0]))
            for a in [a for a in conv.attribute if a.name == "pads"]:
                conv.attribute.remove(a)
            conv.attribute.append(helper.make_attribute("pads", [int(o + e) for o, e in zip(old, extra)]))
            conv.input[0] = pad.input[0]
        removed.append(pad)
    for n in removed:
        g.node.remove(n)
    return len(removed)


def prune_dead_nodes(model) -> None:
    """Drops nodes nothing reads (Shape nodes whose every reader was folded)."""
    g = model.graph
    live = {o.name for o in g.output}
    keep = []
    for n in reversed(g.node):
        if any(o in live for o in n.output):
            keep.append(n)
            live.update(n.input)
    del g.node[:]
    g.node.extend(reversed(keep))


def prune_unused_initializers(model) -> None:
    g = model.graph
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)


def simplify(path: Path) -> dict:
    """Rewrites the ONNX file at `path` in place; returns what it changed."""
    model = onnx.load(str(path))
    before = len(model.graph.node)
    # a Pad's output shape is known only once its amounts are: fold until nothing changes
    folded = 0
    while (n := fold_constants(model)):
        folded += n
    pads = fold_pads_into_convs(model)
    prune_dead_nodes(model)
    prune_unused_initializers(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return {"nodes_before": before, "nodes_after": len(model.graph.node), "constants_folded": folded,
            "pads_folded_into_convs": pads}
