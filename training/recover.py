"""A PyTorch checkpoint recovered from an exported ONNX model and its card.

Checkpoints live in runs/, outside git, and a fresh machine has none; the shipped ONNX and its
card are all that is sure to remain. The export folds each head batch norm into the convolution
before it (W' = W g / sqrt(v + eps), b' = beta - m g / sqrt(v + eps)); the recovered model holds
W' in the convolution and an identity batch norm carrying b' (g = 1, m = 0, v = 1 - eps), which
computes the same function. Backbone and output weights keep their names in the graph. LoRA
adapters were merged at export, so the recovered checkpoint is a plain (finetune "full") model.

    python3 -m training.recover --onnx models/medsapiens-ceph19.onnx --out runs/shipped/best.pt

An ensemble's graph (training/ensemble.py) holds each member under models.members.N: each comes
back as its own checkpoint, OUT's stem + ".memberN" (runs/shipped/best.member0.pt, ...), the
start for retraining or adapting the shipped networks.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch


def ensemble_size(onnx_path: Path) -> int:
    """How many members an exported ensemble graph holds (0: a single network)."""
    import onnx
    found = {n.name.split(".")[2] for n in onnx.load(str(onnx_path)).graph.initializer if n.name.startswith("model.members.")}
    return len(found)


def folded_convs(graph, scope: str | None):
    """The head convolutions whose batch norm the export folded in: (node, conv key, batch-norm
    key) of one member (scope "members.N") or of a single network (None). The exporter names a
    node by its module scopes, each relative to the top module's child: /model/head/fuse/fuse.0/
    fuse.0.0/Conv is head.fuse.0.0, its batch norm head.fuse.0.1 (in an ensemble,
    /model/members.N/head/... is member N's head.fuse.0.0)."""
    for node in graph.node:
        if node.op_type != "Conv" or node.input[1].startswith("model."):
            continue
        parts = node.name.strip("/").split("/")
        if scope is not None:
            if parts[1] != scope:
                continue
            parts = parts[:1] + parts[2:]
        conv = f"{parts[1]}.{parts[-2]}"
        parent, index = conv.rsplit(".", 1)
        yield node, conv, f"{parent}.{int(index) + 1}"


def recover_state(onnx_path: Path, model: torch.nn.Module, member: int | None = None) -> dict:
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(onnx_path)).graph
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    state = model.state_dict()
    prefix = "model." if member is None else f"model.members.{member}."
    scope = None if member is None else f"members.{member}"
    out = {k: weights[n] for n in weights if n.startswith(prefix) and (k := n.removeprefix(prefix)) in state}
    for node, conv, bn in folded_convs(graph, scope):
        w, b = weights[node.input[1]], weights[node.input[2]]
        eps = model.get_submodule(bn).eps
        out[f"{conv}.weight"] = w
        out[f"{bn}.weight"] = torch.ones_like(b)
        out[f"{bn}.bias"] = b
        out[f"{bn}.running_mean"] = torch.zeros_like(b)
        out[f"{bn}.running_var"] = torch.full_like(b, 1.0 - eps)
        out[f"{bn}.num_batches_tracked"] = state[f"{bn}.num_batches_tracked"]
    missing = sorted(set(state) - set(out))
    if missing:
        raise ValueError(f"{onnx_path}: no weights found for {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    return out


def main(argv=None):
    from .export import card_path_for
    from .train import prepare_model
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--card", help="default: NAME.card.json beside the ONNX")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    onnx_path = Path(args.onnx)
    card = json.loads(Path(args.card or card_path_for(onnx_path)).read_text())
    # adapters were merged at export: the recovered weights are a fully fine-tuned model's
    cfg = {**card["training"]["config"], "finetune": "full"}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = ensemble_size(onnx_path)
    members = card.get("ensemble", {}).get("members", [])
    for m in range(n) if n else [None]:
        model, _, _ = prepare_model(cfg)
        model.load_state_dict(recover_state(onnx_path, model, m))
        info = members[m] if m is not None and m < len(members) else {}
        path = out if m is None else out.with_name(f"{out.stem}.member{m}{out.suffix}")
        torch.save({"model": model.state_dict(), "config": {**cfg, "seed": info.get("seed", cfg.get("seed"))},
                    "epoch": info.get("epoch", card["training"]["best_epoch"]) - 1,
                    "val_mre_mm": info.get("val_mre_mm", card["training"].get("val_mre_mm")), "recovered_from": str(onnx_path)}, path)
        print(f"wrote {path} from {onnx_path}" + ("" if m is None else f" (member {m})"))


if __name__ == "__main__":
    main()
