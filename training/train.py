"""Train a landmark model from a config file; checkpoints every epoch and resumes after a kill.

    python3 -m training.train --config training/configs/blazepose_lora.json --out runs/lora
    torchrun --nproc_per_node=N -m training.train ...   (DistributedDataParallel)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from .augment import AugmentConfig
from .codec import HeatmapCodec
from .config import load_config
from .data import DeviceLandmarkDataset, LandmarkDataset, degraded_validation, input_cache, load_inputs
from .device_augment import DeviceAugmentConfig
from .evaluate import predict, radial_errors
from .isbi import DEFAULT_ROOT, PIXEL_SPACING_MM, read_split, validation_ids
from .lora import inject_lora, lora_parameters
from .loss import heatmap_ce
from .model import build_model
from .precise_bn import recalibrate_batchnorm


def log(out: Path, msg: str, rank: int = 0):
    if rank != 0:
        return
    line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
    print(line, flush=True)
    with open(out / "train.log", "a") as f:
        f.write(line + "\n")


def setup_distributed():
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) < 1:
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", 0))
        torch.cuda.set_device(local)
        return rank, world, torch.device("cuda", local)
    return rank, world, torch.device("cpu")


def prepare_model(cfg: dict):
    model = build_model(cfg)
    if cfg["finetune"] == "lora":
        for p in model.backbone.parameters():
            p.requires_grad_(False)
        l = cfg["lora"]
        # parts of a backbone that have no pretrained weights (a ViT's neck) train fully
        fresh = [p for n in getattr(model.backbone, "fresh_modules", ()) for p in getattr(model.backbone, n).parameters()]
        for p in fresh:
            p.requires_grad_(True)
        wrapped = inject_lora(model.backbone, l["rank"], l["alpha"], l["dropout"], l["targets"],
                              exclude=getattr(model.backbone, "fresh_modules", ()))
        groups = [{"params": list(model.head.parameters()) + fresh, "lr": cfg["lr"]},
                  {"params": list(lora_parameters(model.backbone)), "lr": cfg["lr"]}]
        info = f"LoRA rank {l['rank']} on {len(wrapped)} backbone layers"
    elif cfg["finetune"] == "full":
        groups = [{"params": list(model.head.parameters()), "lr": cfg["lr"]},
                  {"params": list(model.backbone.parameters()), "lr": cfg["backbone_lr"]}]
        info = "full fine-tuning"
    else:
        raise ValueError(f"finetune must be lora or full, not {cfg['finetune']!r}")
    return model, groups, info


def lr_factor(epoch_float: float, cfg: dict) -> float:
    w = cfg["warmup_epochs"]
    if epoch_float < w:
        return (epoch_float + 1e-3) / w
    t = (epoch_float - w) / max(1e-9, cfg["epochs"] - w)
    return 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def split_ids(cfg: dict) -> tuple[Path, list, list]:
    """The data root, and the training and validation ids a config names (validation: every tenth
    id of train.txt unless it says otherwise); test1 is never among them."""
    root = Path(cfg["data_root"] or DEFAULT_ROOT)
    train_all = read_split(root, "train")
    val_ids = cfg["val_ids"] or validation_ids(train_all)
    train_ids = cfg["train_ids"] or [i for i in train_all if i not in val_ids]
    test_ids = set(read_split(root, "test1"))
    if test_ids & set(train_ids) or test_ids & set(val_ids):
        raise ValueError("test1 images must never be trained on or used for selection")
    return root, train_ids, [i for i in val_ids if i not in train_ids]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", action="append", default=[], help="key=json override")
    args = ap.parse_args(argv)
    overrides = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    cfg = load_config(args.config, overrides)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rank, world, device = setup_distributed()
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(cfg["seed"])
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])

    root, train_ids, val_ids = split_ids(cfg)
    h, w = cfg["input_size"]
    codec = HeatmapCodec((h, w), cfg["stride"], cfg["sigma"])
    cache = input_cache()
    imgs, boxes, pts = load_inputs(root, train_ids, (h, w), cache)
    if cfg["device_augment"] is not None:
        da = dict(cfg["device_augment"])
        if "families" in da:
            da["families"] = tuple(da["families"])
        imgs2, boxes2, _ = load_inputs(root, train_ids, (2 * h, 2 * w), cache)
        plain = LandmarkDataset(imgs, boxes, pts, codec, AugmentConfig(**cfg["augment"]), cfg["seed"])
        ds = DeviceLandmarkDataset(imgs2, boxes2, pts, codec, DeviceAugmentConfig(**da), cfg["seed"], (h, w), PIXEL_SPACING_MM,
                                   plain, cfg["device_p"])
    else:
        ds = LandmarkDataset(imgs, boxes, pts, codec, AugmentConfig(**cfg["augment"]), cfg["seed"])
    if val_ids:
        vimgs, vboxes, vpts = load_inputs(root, val_ids, (h, w), cache)
        if cfg["val_degraded"]:
            dimgs, dboxes, dpts = degraded_validation(root, val_ids, cfg["val_degraded"], (h, w))

    model, groups, info = prepare_model(cfg)
    model.to(device)
    trainable = sum(p.numel() for g in groups for p in g["params"])
    opt = torch.optim.AdamW(groups, weight_decay=cfg["weight_decay"])
    base_lrs = [g["lr"] for g in opt.param_groups]
    start_epoch, best = 0, {"val_mre_mm": float("inf"), "epoch": -1}
    last = out / "last.pt"
    if last.exists():
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        start_epoch, best = ck["epoch"] + 1, ck["best"]
        torch.set_rng_state(ck["torch_rng"])
        log(out, f"resumed from {last} at epoch {start_epoch}", rank)
    elif cfg["init_weights"]:
        model.load_state_dict(torch.load(cfg["init_weights"], map_location="cpu")["model"])
        log(out, f"weights from {cfg['init_weights']}; new optimiser and schedule", rank)
    (out / "config.json").write_text(json.dumps(cfg, indent=2))
    net = model
    distributed = dist.is_available() and dist.is_initialized()
    if distributed:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    sampler = DistributedSampler(ds, world, rank, shuffle=True, seed=cfg["seed"]) if distributed else None
    log(out, f"{cfg['name']}: {info}; {trainable/1e6:.2f} M trainable parameters; "
             f"{len(train_ids)} train / {len(val_ids)} val images; device {device}, world {world}"
             + (f", DistributedDataParallel ({dist.get_backend()})" if distributed else ""), rank)

    t_start = time.time()
    steps_per_epoch = math.ceil(len(ds) / (cfg["batch_size"] * world))
    for epoch in range(start_epoch, cfg["epochs"]):
        ds.set_epoch(epoch)
        if sampler:
            sampler.set_epoch(epoch)
        g = torch.Generator()
        g.manual_seed(cfg["seed"] * 100003 + epoch)
        loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=sampler is None, sampler=sampler,
                            generator=g, drop_last=True, num_workers=0)
        net.train()
        t0, losses = time.time(), []
        for step, (x, t) in enumerate(loader):
            f = lr_factor(epoch + step / steps_per_epoch, cfg)
            for pg, lr in zip(opt.param_groups, base_lrs):
                pg["lr"] = lr * f
            x, t = x.to(device), t.to(device)
            loss = heatmap_ce(net(x), t)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        dt = time.time() - t0
        eta = dt * (cfg["epochs"] - epoch - 1)
        msg = f"epoch {epoch + 1}/{cfg['epochs']} loss {np.mean(losses):.4f} lr {base_lrs[0]*f:.2e} {dt:.1f}s/epoch ETA {eta/60:.1f} min"
        if val_ids and ((epoch + 1) % cfg["val_every"] == 0 or epoch + 1 == cfg["epochs"]) and rank == 0:
            # evaluated, selected and saved with statistics of the plain images (precise_bn.py);
            # what the momentum statistics would have given is logged beside, for comparison
            momentum_pred, _ = predict(model, vimgs, vboxes, codec, device)
            momentum_mre = float((radial_errors(momentum_pred, vpts) * PIXEL_SPACING_MM).mean())
            recalibrate_batchnorm(model, imgs, cfg["batch_size"], device)
            pred, conf = predict(model, vimgs, vboxes, codec, device)
            err = radial_errors(pred, vpts) * PIXEL_SPACING_MM
            mre = float(err.mean())
            per_lm = err.mean(0)
            msg += f" | val MRE {mre:.3f} mm SDR2 {(err <= 2).mean()*100:.1f}% worst lm {int(per_lm.argmax())+1} {per_lm.max():.2f} mm minconf {conf.mean(0).min():.2f} (momentum BN {momentum_mre:.3f} mm)"
            if cfg["val_degraded"]:
                dpred, _ = predict(model, dimgs, dboxes, codec, device)
                dmre = float((radial_errors(dpred, dpts) * PIXEL_SPACING_MM).mean())
                msg += f" degraded val MRE {dmre:.3f} mm"
                mre = (mre + dmre) / 2
            if mre < best["val_mre_mm"]:
                best = {"val_mre_mm": mre, "epoch": epoch + 1}
                save_atomic({"model": model.state_dict(), "config": cfg, "epoch": epoch, "val_mre_mm": mre}, out / "best.pt")
                msg += " *"
        log(out, msg, rank)
        if rank == 0:
            save_atomic({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
                         "best": best, "torch_rng": torch.get_rng_state(), "config": cfg}, last)
        if cfg["max_minutes"] and (time.time() - t_start) / 60 > cfg["max_minutes"]:
            log(out, f"stopping after {cfg['max_minutes']} min budget; rerun to resume", rank)
            break
    else:
        log(out, f"done; best val MRE {best['val_mre_mm']:.3f} mm at epoch {best['epoch']}", rank)
        if rank == 0:
            (out / "DONE").write_text(json.dumps(best))
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
