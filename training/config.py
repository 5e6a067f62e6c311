"""Training configuration: a JSON file, with defaults filled here and unknown keys refused."""
from __future__ import annotations

import copy
import json
from pathlib import Path

DEFAULTS = {
    "name": "run",
    "seed": 0,
    "data_root": None,  # default: ../shared/data/isbi2015 beside the project
    "input_size": [512, 416],  # H, W
    "stride": 2,
    "sigma": 2.0,
    "num_keypoints": 19,
    "backbone": {},
    "finetune": "lora",  # lora | full
    "lora": {"rank": 8, "alpha": 16, "dropout": 0.0, "targets": "pointwise"},
    "epochs": 100,
    "batch_size": 4,
    "lr": 1e-3,
    "backbone_lr": 5e-4,
    "weight_decay": 1e-4,
    "warmup_epochs": 2,
    "val_every": 5,
    "max_minutes": None,  # stop (resumably) after this much wall time in one process
    "train_ids": None,  # default: train.txt minus the validation ids
    "val_ids": None,  # default: every tenth id of train.txt
    "augment": {},
    # device-robust augmentation (device_augment.py) instead of augment.py: {"families": [...]}
    "device_augment": None,
    "device_p": 1.0,  # the share of samples device_augment draws; the others get augment.py's
    # validation ids also in this many degraded copies each (data.degraded_validation); when > 0 a
    # checkpoint is selected by the mean of the plain and the degraded validation MRE
    "val_degraded": 0,
    "threads": 2,
    # a checkpoint (best.pt / last.pt of an earlier run) whose weights start this run, with a new
    # optimiser and schedule: a warm restart for a model that was still improving when its
    # schedule ended. Ignored when the run resumes from its own last.pt.
    "init_weights": None,
}


def load_config(path: str | Path, overrides: dict | None = None) -> dict:
    cfg = copy.deepcopy(DEFAULTS)
    user = json.loads(Path(path).read_text())
    for k in list(user) + list(overrides or {}):
        if k not in DEFAULTS:
            raise KeyError(f"unknown config key {k!r} in {path}")
    cfg.update(user)
    cfg.update(overrides or {})
    return cfg
