"""Deep adaptation to a clinic: LoRA fine-tuning of the shipped networks on the clinic's corrected cases.

The MedSapiens recipe applied to a new site: each member of the shipped ensemble is recovered from
its ONNX (recover.py), frozen, and given low-rank adapters on every full convolution (the
backbone's pointwise ones and the head's); only the adapters learn, from the clinic's few tracings,
with batch-norm statistics frozen (a handful of images cannot estimate them). The adapters are
merged and the clinic model is the parent's own graph with the adapted weights substituted: the
same outputs (member peaks included), the same speed, a card naming its parent and the cases.

Inputs are framed as the app will see them: a skull framed unlike the training films is reframed
(framing.py) before training, as the app reframes it before tracing.

Runs in the background for the app: progress.json (state, member, epoch, ETA) after every epoch,
a checkpoint per member and epoch (re-running the same command resumes), SIGTERM cancels cleanly
(state "cancelled", resumable).

    python3 -m training.adapt_lora --images DIR --tracings a.csv [b.csv] --mm-per-px 0.123 \\
        --ids 001,004,... --out clinic-models/x [--eval-ids ...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

from .augment import AugmentConfig, augment
from .codec import HeatmapCodec
from .export import card_path_for
from .evaluate import letterboxed_folder, predict, radial_errors, read_tracings
from .framing import reframe_params, warp
from .lora import inject_lora, lora_parameters, merge_lora
from .loss import heatmap_ce
from .recover import ensemble_size, folded_convs, recover_state

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARENT = ROOT / "models" / "medsapiens-ceph19.onnx"


class Cancelled(Exception):
    pass


def write_json_atomic(path: Path, obj) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2))
    os.replace(tmp, path)


def load_case_inputs(images: Path, ids: list, gt: dict, size: tuple, reframe: dict | None):
    """Letterboxed inputs (H, W) 0..255 and points in input pixels; a skull framed unlike the
    training films is reframed as the app would (here by its true points, which the app's first
    pass approximates)."""
    imgs0, boxes = letterboxed_folder(images, ids, size)
    imgs, pts = [], []
    for i, img, box in zip(ids, imgs0, boxes):
        x, p = img.astype(np.float32), box.to_input(gt[i])
        if reframe:
            r = reframe_params(p, reframe, reframe["min_log_ratio"])
            if r:
                zoom, c = r
                x = warp(x, zoom, c, reframe["centroid"], 0.0)
                p = np.asarray(reframe["centroid"]) + zoom * (p - c)
        imgs.append(x)
        pts.append(p)
    return imgs, pts, boxes


def member_model(parent: Path, card: dict, member: int | None):
    from .train import prepare_model
    cfg = {**card["training"]["config"], "finetune": "full"}
    model, _, _ = prepare_model(cfg)
    model.load_state_dict(recover_state(parent, model, member))
    return model, cfg


def train_member(model, imgs, pts, codec, a, ckpt: Path, progress, seed: int):
    """LoRA on every full convolution; adapters only; batch norm frozen. Resumes from ckpt."""
    for p in model.parameters():
        p.requires_grad_(False)
    inject_lora(model, a.rank, 2.0 * a.rank, 0.0, "all")
    params = list(lora_parameters(model))
    opt = torch.optim.Adam(params, lr=a.lr)
    steps_per_epoch = math.ceil(a.samples_per_epoch / a.batch)
    total = a.epochs * steps_per_epoch
    start = 0
    if ckpt.exists():
        ck = torch.load(ckpt, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        start = ck["epoch"] + 1
    aug = AugmentConfig()
    model.eval()  # frozen batch-norm statistics; no dropout anywhere
    for epoch in range(start, a.epochs):
        t0 = time.time()
        rng = np.random.default_rng((seed, epoch))
        order = rng.permutation(np.resize(np.arange(len(imgs)), steps_per_epoch * a.batch))
        losses = []
        for s in range(steps_per_epoch):
            xs, ts = [], []
            for i in order[s * a.batch:(s + 1) * a.batch]:
                x, p = augment(imgs[i], pts[i], rng, aug)
                xs.append(x[None] / 255.0)
                ts.append(codec.encode(p))
            step = epoch * steps_per_epoch + s
            for g in opt.param_groups:
                g["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * step / total))
            loss = heatmap_ce(model(torch.from_numpy(np.stack(xs)).float()), torch.from_numpy(np.stack(ts)))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if progress.cancelled:
                break
        if progress.cancelled:
            # an epoch cut short is not saved: the resumed run repeats it
            raise Cancelled()
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch}, ckpt.with_suffix(".tmp"))
        os.replace(ckpt.with_suffix(".tmp"), ckpt)
        progress.epoch_done(epoch + 1, a.epochs, time.time() - t0, float(np.mean(losses)))
    merge_lora(model)
    model.eval()
    return model


class Progress:
    """progress.json for the app: state, member, epoch and an ETA from the epochs timed so far."""

    def __init__(self, path: Path, members: int):
        self.path, self.members, self.member = path, members, 0
        self.epoch_seconds: list = []
        self.cancelled = False
        self.started = time.time()

    def write(self, state: str, **extra):
        write_json_atomic(self.path, {"state": state, "member": self.member, "members": self.members,
                                      "updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **extra})

    def epoch_done(self, epoch: int, epochs: int, seconds: float, loss: float):
        self.epoch_seconds.append(seconds)
        per = float(np.median(self.epoch_seconds))
        left = (epochs - epoch) + (self.members - self.member - 1) * epochs
        done = (self.member * epochs + epoch) / (self.members * epochs)
        self.write("training", epoch=epoch, epochs=epochs, fraction=done, eta_s=per * left, loss=loss)
        print(f"member {self.member + 1}/{self.members} epoch {epoch}/{epochs} loss {loss:.4f} {seconds:.1f}s ETA {per * left / 60:.1f} min", flush=True)


def substitute_weights(parent: Path, out: Path, states: dict) -> None:
    """The parent's graph with member m's weights replaced by states[m] (merged, same names);
    head convolutions carry their folded batch norm (recover.py), whose bias is unchanged here."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(str(parent))
    graph = model.graph
    single = ensemble_size(parent) == 0
    new = {}
    for m, state in states.items():
        prefix = "model." if single else f"model.members.{m}."
        scope = None if single else f"members.{m}"
        for k, v in state.items():
            new[prefix + k] = v
        for node, conv, _ in folded_convs(graph, scope):
            new[node.input[1]] = state[f"{conv}.weight"]
    replaced = 0
    for init in graph.initializer:
        if init.name in new:
            arr = new[init.name].detach().cpu().numpy().astype(numpy_helper.to_array(init).dtype)
            init.CopyFrom(numpy_helper.from_array(arr, init.name))
            replaced += 1
    if not replaced:
        raise SystemExit("no weights replaced: the parent graph's names are not the recovered ones")
    onnx.save(model, str(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parent", type=Path, default=DEFAULT_PARENT, help="the shipped ONNX (its card beside it)")
    ap.add_argument("--images", type=Path, required=True)
    ap.add_argument("--tracings", type=Path, nargs="+", required=True, help="tracing CSVs (several: their mean)")
    ap.add_argument("--mm-per-px", type=float, help="the images' spacing, for the figures in mm")
    ap.add_argument("--ids", help="comma-separated cases to adapt on (default: every traced image)")
    ap.add_argument("--eval-ids", help="comma-separated held-out cases: parent and clinic model measured on them")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--samples-per-epoch", type=int, default=40)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--members", help="comma-separated members to adapt (default: all); the others keep the parent's weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    card_path = card_path_for(a.parent)
    card = json.loads(card_path.read_text())
    gt = read_tracings([str(t) for t in a.tracings])
    ids = a.ids.split(",") if a.ids else sorted(gt)
    missing = [i for i in ids if i not in gt]
    if missing:
        raise SystemExit(f"no tracing for {missing}")
    n_members = ensemble_size(a.parent)
    all_members = list(range(n_members)) if n_members else [None]
    chosen = [int(m) for m in a.members.split(",")] if a.members else [m for m in all_members]
    progress = Progress(a.out / "progress.json", len(chosen))

    def on_term(signum, frame):
        progress.cancelled = True
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    try:
        progress.write("preparing", cases=len(ids))
        h, w = card["training"]["config"]["input_size"]
        cfg0 = card["training"]["config"]
        codec = HeatmapCodec((h, w), cfg0["stride"], cfg0["sigma"])
        reframe = card["input"].get("reframe")
        imgs, pts, _ = load_case_inputs(a.images, ids, gt, (h, w), reframe)
        states = {}
        for j, m in enumerate(chosen):
            progress.member = j
            done = a.out / f"member{m if m is not None else 0}.merged.pt"
            if done.exists():
                states[m] = torch.load(done, map_location="cpu")
                continue
            model, _ = member_model(a.parent, card, m)
            model = train_member(model, imgs, pts, codec, a, a.out / f"member{m if m is not None else 0}.lora.pt", progress,
                                 a.seed * 1000 + j)
            states[m] = model.state_dict()
            torch.save(states[m], done)
        progress.write("exporting")
        onnx_out = a.out / a.parent.name
        substitute_weights(a.parent, onnx_out, states)
        parity = graph_parity(a, card, onnx_out, states)
        if parity["onnx_vs_torch_max_abs"] > 1e-3:
            raise SystemExit(f"the clinic graph does not compute its PyTorch twin: {parity}")
        figures = {}
        if a.eval_ids:
            figures = measure(a, card, onnx_out, states, a.eval_ids.split(","), gt)
        new_card = json.loads(json.dumps(card))
        # the parent's second stage learnt ISBI's way of placing each point and would pull the clinic's
        # points back to it in its window; the clinic model is what was measured: the adapted networks
        new_card.pop("refine", None)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M")
        new_card["version"] = f"{card['version']}+lora-{stamp}"
        new_card["sha256"] = hashlib.sha256(onnx_out.read_bytes()).hexdigest()
        new_card["adaptation"] = {
            "method": "lora", "parent": {"name": card["name"], "version": card["version"], "sha256": card["sha256"]},
            "cases": ids, "rank": a.rank, "epochs": a.epochs, "samples_per_epoch": a.samples_per_epoch,
            "members_adapted": [m if m is not None else 0 for m in chosen], "created": stamp,
            "seconds": round(time.time() - progress.started, 1), "figures": figures, "parity": parity,
        }
        (a.out / card_path.name).write_text(json.dumps(new_card, indent=2) + "\n")
        orient = card.get("checks", {}).get("orientation", {}).get("card")
        if orient:  # the companion check travels with the model it belongs to
            import shutil
            oc = json.loads((a.parent.parent / orient).read_text())
            shutil.copyfile(a.parent.parent / orient, a.out / orient)
            shutil.copyfile(a.parent.parent / oc["file"], a.out / oc["file"])
        progress.write("done", seconds=round(time.time() - progress.started, 1), figures=figures)
        print(json.dumps({"out": str(a.out), "seconds": round(time.time() - progress.started, 1), "figures": figures}))
    except Cancelled:
        progress.write("cancelled")
        print("cancelled: run the same command again to resume", file=sys.stderr)
        sys.exit(130)
    except BaseException as e:
        progress.write("failed", message=str(e)[:500])
        raise


def adapted_network(a, card: dict, states: dict, use_states: bool = True):
    """The PyTorch twin of the parent's graph (use_states False) or of the clinic's."""
    from .ensemble import LogitMean
    n = ensemble_size(a.parent)
    members = []
    for m in (range(n) if n else [None]):
        model, _ = member_model(a.parent, card, m)
        if use_states and m in states:
            model.load_state_dict(states[m])
        model.eval()
        members.append(model)
    return LogitMean(members).eval() if len(members) > 1 else members[0]


def graph_parity(a, card: dict, onnx_out: Path, states: dict) -> dict:
    from .export import onnx_parity
    return onnx_parity(adapted_network(a, card, states), card["training"]["config"], onnx_out)


def measure(a, card: dict, onnx_out: Path, states: dict, eval_ids: list, gt: dict) -> dict:
    """Parent and clinic model (PyTorch twins of the two graphs) on held-out cases, reframed as the app does."""
    h, w = card["training"]["config"]["input_size"]
    cfg0 = card["training"]["config"]
    codec = HeatmapCodec((h, w), cfg0["stride"], cfg0["sigma"])
    lost = [i for i in eval_ids if i not in gt]
    if lost:
        raise SystemExit(f"held-out cases without a tracing: {lost}")
    imgs, boxes = letterboxed_folder(a.images, eval_ids, (h, w))
    framing = card["input"].get("reframe")
    truth = np.stack([gt[i] for i in eval_ids])
    mm = a.mm_per_px or 1.0
    out = {"eval_cases": eval_ids, "unit": "mm" if a.mm_per_px else "px"}
    for name, use_states in (("parent", False), ("adapted", True)):
        net = adapted_network(a, card, states, use_states)
        pred, _ = predict(net, imgs, boxes, codec, "cpu", framing=framing)
        err = radial_errors(pred, truth) * mm
        out[name] = {"mre": float(err.mean()), "sdr2": float((err <= 2).mean() * 100) if a.mm_per_px else None,
                     "per_landmark": [float(v) for v in err.mean(0)]}
    out["cut_pct"] = 100 * (1 - out["adapted"]["mre"] / out["parent"]["mre"])
    return out


if __name__ == "__main__":
    main()
