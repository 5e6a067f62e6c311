"""A differentiable PyTorch network built from a TFJS graph model, at any input size.

Each conv of the graph becomes a real nn.Conv2d (so LoRA can wrap it); the graph is walked
once to record the topological order of the nodes needed for the requested outputs.
TF "SAME" padding is asymmetric at stride 2 (extra pixel bottom/right) and depends on the
input size, so it is computed in forward(). ResizeBilinear sizes are constants baked for the
native input size; they are turned into scale factors so other input sizes work.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .tfjs_graph import TfjsGraph, load_graph, strip_port

_CONV_OPS = {"_FusedConv2D", "Conv2D", "FusedDepthwiseConv2dNative", "DepthwiseConv2dNative"}
_PASS_OPS = {"Identity"}


def _same_pad(size: int, k: int, s: int, d: int = 1) -> tuple:
    k_eff = (k - 1) * d + 1
    out = math.ceil(size / s)
    total = max((out - 1) * s + k_eff - size, 0)
    return total // 2, total - total // 2


class TfConv(nn.Module):
    """Conv2d with TF padding semantics and the graph's fused bias/activation."""

    def __init__(self, conv: nn.Conv2d, padding: str, activation: str):
        super().__init__()
        self.conv = conv
        # kept here because LoRA may replace self.conv with a wrapper
        self.geometry = (conv.kernel_size, conv.stride, conv.dilation)
        self.padding = padding
        self.activation = activation

    def forward(self, x):
        if self.padding == "SAME":
            k, s, d = self.geometry
            pt, pb = _same_pad(x.shape[2], k[0], s[0], d[0])
            pl, pr = _same_pad(x.shape[3], k[1], s[1], d[1])
            if pt or pb or pl or pr:
                x = F.pad(x, (pl, pr, pt, pb))
        x = self.conv(x)
        if self.activation == "Relu":
            x = F.relu(x)
        elif self.activation == "Relu6":
            x = F.relu6(x)
        return x


class TfjsBackbone(nn.Module):
    """Runs the sub-graph of a TFJS model that produces `outputs` (node names)."""

    def __init__(self, graph: TfjsGraph, outputs: list, native_hw: tuple | None = None):
        super().__init__()
        self.outputs = list(outputs)
        self.input_name = next(n.name for n in graph.nodes.values() if n.op == "Placeholder")
        self.order = self._topo_order(graph, self.outputs)
        self.ops = {}
        self.args = {}
        self.consts = {}
        self.convs = nn.ModuleDict()
        self.key = {}
        for name in self.order:
            node = graph.nodes[name]
            ins = graph.producers(name)
            self.ops[name] = node.op
            self.args[name] = ins
            if node.op in _CONV_OPS:
                key = f"c{len(self.convs)}"
                self.key[name] = key
                self.convs[key] = self._make_conv(graph, node, ins)
            elif node.op == "Pad":
                p = graph.weights[ins[1]].astype(int)
                self.consts[name] = (int(p[2, 0]), int(p[2, 1]), int(p[1, 0]), int(p[1, 1]))
            elif node.op == "MaxPool":
                k, s = node.attr_list("ksize"), node.attr_list("strides")
                self.consts[name] = (k[1], s[1], node.attr_str("padding"))
            elif node.op == "ResizeBilinear":
                if not node.attr_bool("half_pixel_centers") or node.attr_bool("align_corners"):
                    raise NotImplementedError(f"{name}: only half-pixel-centre resize is supported")
                self.consts[name] = tuple(int(v) for v in graph.weights[ins[1]])
            elif node.op == "ConcatV2":
                axis = int(graph.weights[ins[-1]])
                self.consts[name] = {3: 1, -1: 1, 1: 2, 2: 3}[axis]
            elif node.op in ("AddV2", "Add", "Relu", "Relu6", "Sigmoid", "Placeholder") or node.op in _PASS_OPS:
                pass
            else:
                raise NotImplementedError(f"TFJS op {node.op} ({name}) is not supported")
        self.in_channels = int(graph.input_shape[3])
        native = native_hw or (graph.input_shape[1], graph.input_shape[2])
        self.resize_scale = self._resize_scales(native)

    @staticmethod
    def _topo_order(graph: TfjsGraph, outputs: list) -> list:
        order, state = [], {}
        for out in outputs:
            stack = [(out, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    if state.get(name) != 2:
                        state[name] = 2
                        order.append(name)
                    continue
                if state.get(name):
                    continue
                node = graph.nodes[name]
                if node.op == "Const":
                    continue
                state[name] = 1
                stack.append((name, True))
                for i in graph.producers(name):
                    if graph.nodes[i].op != "Const" and not state.get(i):
                        stack.append((i, False))
        return order

    @staticmethod
    def _make_conv(graph: TfjsGraph, node, ins) -> TfConv:
        w = graph.weights[ins[1]]
        fused = node.attr_strs("fused_ops")
        bias = graph.weights[ins[2]] if "BiasAdd" in fused else None
        act = next((f for f in fused if f in ("Relu", "Relu6")), "")
        if len(set(fused) - {"BiasAdd", "Relu", "Relu6"}):
            raise NotImplementedError(f"{node.name}: fused ops {fused}")
        strides = node.attr_list("strides") or [1, 1, 1, 1]
        dil = node.attr_list("dilations") or [1, 1, 1, 1]
        kh, kw = w.shape[0], w.shape[1]
        if "Depthwise" in node.op:
            cin, mult = w.shape[2], w.shape[3]
            conv = nn.Conv2d(cin, cin * mult, (kh, kw), stride=(strides[1], strides[2]),
                             dilation=(dil[1], dil[2]), groups=cin, bias=bias is not None)
            tw = np.transpose(w, (2, 3, 0, 1)).reshape(cin * mult, 1, kh, kw)
        else:
            cin, cout = w.shape[2], w.shape[3]
            conv = nn.Conv2d(cin, cout, (kh, kw), stride=(strides[1], strides[2]),
                             dilation=(dil[1], dil[2]), bias=bias is not None)
            tw = np.transpose(w, (3, 2, 0, 1))
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(tw, dtype=np.float32)))
            if bias is not None:
                conv.bias.copy_(torch.from_numpy(bias.astype(np.float32)))
        return TfConv(conv, node.attr_str("padding"), act)

    def _resize_scales(self, native_hw) -> dict:
        """Runs a shape-only pass at the native size to learn each resize's scale factor."""
        scales = {}
        if not any(op == "ResizeBilinear" for op in self.ops.values()):
            return scales
        with torch.no_grad():
            x = torch.zeros(1, self.in_channels, int(native_hw[0]), int(native_hw[1]))
            self._run(x, scales_out=scales)
        return scales

    def _run(self, x, scales_out=None):
        vals = {self.input_name: x}
        for name in self.order:
            op, a = self.ops[name], self.args[name]
            if op == "Placeholder":
                continue
            if op in _CONV_OPS:
                v = self.convs[self.key[name]](vals[a[0]])
            elif op in ("AddV2", "Add"):
                v = vals[a[0]] + vals[a[1]]
            elif op == "Relu":
                v = F.relu(vals[a[0]])
            elif op == "Relu6":
                v = F.relu6(vals[a[0]])
            elif op == "Sigmoid":
                v = torch.sigmoid(vals[a[0]])
            elif op in _PASS_OPS:
                v = vals[a[0]]
            elif op == "Pad":
                v = F.pad(vals[a[0]], self.consts[name])
            elif op == "MaxPool":
                k, s, pad = self.consts[name]
                xin = vals[a[0]]
                if pad == "SAME":
                    pt, pb = _same_pad(xin.shape[2], k, s)
                    pl, pr = _same_pad(xin.shape[3], k, s)
                    xin = F.pad(xin, (pl, pr, pt, pb), value=float("-inf"))
                v = F.max_pool2d(xin, k, s)
            elif op == "ResizeBilinear":
                xin = vals[a[0]]
                if scales_out is not None:
                    th, tw = self.consts[name]
                    scales_out[name] = (th / xin.shape[2], tw / xin.shape[3])
                sh, sw = (scales_out or self.resize_scale)[name]
                # a scale (not a size) keeps ONNX export static and other input sizes working
                v = F.interpolate(xin, scale_factor=(float(sh), float(sw)), mode="bilinear",
                                  align_corners=False, recompute_scale_factor=False)
            elif op == "ConcatV2":
                v = torch.cat([vals[i] for i in a[:-1]], dim=self.consts[name])
            vals[name] = v
        return [vals[o] for o in self.outputs]

    def forward(self, x):
        """x (N, C, H, W) -> list of feature maps, one per requested output (NCHW)."""
        return self._run(x)


def build_tfjs_backbone(model_json: str | Path, outputs: list) -> TfjsBackbone:
    graph = load_graph(Path(model_json))
    full = [o if o in graph.nodes else f"StatefulPartitionedCall/{o}" for o in outputs]
    for o in full:
        if o not in graph.nodes:
            raise KeyError(f"node {o} not in {model_json}")
    return TfjsBackbone(graph, full)
