"""ISBI 2015 cephalometric dataset: ids, images and annotations from ../shared/data/isbi2015."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

LANDMARKS = ["sella", "nasion", "orbitale", "porion", "subspinale", "supramentale", "pogonion",
             "menton", "gnathion", "gonion", "lower_incisal_incision", "upper_incisal_incision",
             "upper_lip", "lower_lip", "subnasale", "soft_tissue_pogonion",
             "posterior_nasal_spine", "anterior_nasal_spine", "articulare"]
PIXEL_SPACING_MM = 0.1
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "isbi2015"


def read_split(root: Path, name: str) -> list:
    return [l.strip() for l in (Path(root) / f"{name}.txt").read_text().split() if l.strip()]


def read_annotations(root: Path, who: str) -> dict:
    """who: senior | junior | mean -> {id: (19, 2) float64 pixels}."""
    if who == "mean":
        s, j = read_annotations(root, "senior"), read_annotations(root, "junior")
        return {k: (s[k] + j[k]) / 2 for k in s}
    out = {}
    with open(Path(root) / f"{who}.csv", newline="") as f:
        for row in csv.DictReader(f):
            pts = [(float(row[f"x{i}"]), float(row[f"y{i}"])) for i in range(1, 20)]
            out[row["id"]] = np.array(pts, dtype=np.float64)
    return out


def read_grey(path: Path) -> np.ndarray:
    """(H0, W0) uint8. Grey stored as RGB: PIL's L conversion (ITU-R 601 luma)."""
    with Image.open(path) as im:
        return np.asarray(im.convert("L"), dtype=np.uint8)


def validation_ids(train_ids: list) -> list:
    """Every tenth training image: model selection data, never trained on."""
    return [i for n, i in enumerate(train_ids) if n % 10 == 9]
