"""Reads a TFJS graph model (model.json + weight shards) into numpy arrays and nodes.

Only numpy is needed: weights are stored as float32, float16, or affine-quantised
uint8/uint16 (value = q * scale + min), concatenated across the shard files in
manifest order."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_DTYPES = {"float32": np.float32, "int32": np.int32, "float16": np.float16,
           "uint8": np.uint8, "uint16": np.uint16, "bool": np.bool_}


@dataclass
class Node:
    name: str
    op: str
    inputs: list
    attr: dict = field(default_factory=dict)

    def attr_list(self, key: str) -> list:
        return [int(i) for i in self.attr.get(key, {}).get("list", {}).get("i", [])]

    def attr_str(self, key: str) -> str:
        s = self.attr.get(key, {}).get("s")
        return base64.b64decode(s).decode() if s else ""

    def attr_strs(self, key: str) -> list:
        return [base64.b64decode(s).decode() for s in self.attr.get(key, {}).get("list", {}).get("s", [])]

    def attr_bool(self, key: str) -> bool:
        return bool(self.attr.get(key, {}).get("b", False))


@dataclass
class TfjsGraph:
    nodes: dict  # name -> Node
    weights: dict  # name -> np.ndarray
    input_shape: list  # NHWC, -1 for free dims

    def producers(self, name: str) -> list:
        return [strip_port(i) for i in self.nodes[name].inputs if not i.startswith("^")]


def strip_port(name: str) -> str:
    return name.split(":")[0]


def read_weights(manifest: list, folder: Path) -> dict:
    out = {}
    for group in manifest:
        buf = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            n = int(np.prod(spec["shape"])) if spec["shape"] else 1
            q = spec.get("quantization")
            stored = _DTYPES[q["dtype"]] if q else _DTYPES[spec["dtype"]]
            size = n * np.dtype(stored).itemsize
            raw = np.frombuffer(buf, dtype=stored, count=n, offset=offset)
            offset += size
            if q and q["dtype"] in ("uint8", "uint16"):
                arr = raw.astype(np.float32) * q["scale"] + q["min"]
            else:
                arr = raw.astype(_DTYPES[spec["dtype"]])
            out[spec["name"]] = arr.reshape(spec["shape"])
        if offset != len(buf):
            raise ValueError(f"weight shards hold {len(buf)} bytes, manifest describes {offset}")
    return out


def load_graph(model_json: Path) -> TfjsGraph:
    model_json = Path(model_json)
    m = json.loads(model_json.read_text())
    if m.get("format") != "graph-model":
        raise ValueError(f"{model_json}: not a TFJS graph model (format={m.get('format')!r})")
    nodes = {}
    for n in m["modelTopology"]["node"]:
        nodes[n["name"]] = Node(n["name"], n["op"], list(n.get("input", [])), n.get("attr", {}))
    weights = read_weights(m["weightsManifest"], model_json.parent)
    inputs = [n for n in nodes.values() if n.op == "Placeholder"]
    if len(inputs) != 1:
        raise ValueError(f"expected one input placeholder, found {len(inputs)}")
    dims = [int(d.get("size", -1)) for d in inputs[0].attr["shape"]["shape"]["dim"]]
    return TfjsGraph(nodes, weights, dims)
