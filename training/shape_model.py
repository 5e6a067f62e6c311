"""A statistical shape model of the 19 ISBI landmarks, from the training split's tracings.

Shapes (mean of the two annotators) are aligned by generalised Procrustes (translation, rotation,
scale), and a Gaussian is fitted to the aligned coordinates with a little shrinkage (150 shapes in
38 dimensions). The app uses it for two things (src-shared/ceph/shape-model.ts):
- how plausible a whole tracing is: its Mahalanobis distance to the mean shape;
- how far each point lies from where the other 18 put it: the conditional mean of that point given
  the others (a 2 x 36 regression per point).

    python -m training.shape_model --out src-shared/ceph/isbi-shape-model.json
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .isbi import DEFAULT_ROOT, read_annotations, read_split


def normalise(s: np.ndarray) -> np.ndarray:
    c = s - s.mean(0)
    return c / np.sqrt((c ** 2).sum())


def align_to(s: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Similarity-align shape s (K, 2) onto ref (K, 2, centred, unit size); reflections excluded."""
    c = s - s.mean(0)
    a = (c * ref).sum()
    b = (c[:, 0] * ref[:, 1] - c[:, 1] * ref[:, 0]).sum()
    n = (c ** 2).sum()
    sa, sb = a / n, b / n  # scale * cos, scale * sin
    return np.stack([sa * c[:, 0] - sb * c[:, 1], sb * c[:, 0] + sa * c[:, 1]], 1)


def procrustes(shapes: np.ndarray, iters: int = 20):
    mean = normalise(shapes[0])
    for _ in range(iters):
        aligned = np.stack([align_to(s, mean) for s in shapes])
        new = normalise(aligned.mean(0))
        if np.abs(new - mean).max() < 1e-12:
            break
        mean = new
    return mean, np.stack([align_to(s, mean) for s in shapes])


def fit(shapes: np.ndarray, shrink: float = 0.02) -> dict:
    mean, aligned = procrustes(shapes)
    k = shapes.shape[1]
    x = aligned.reshape(len(shapes), -1)
    cov = np.cov(x, rowvar=False)
    cov = cov + shrink * np.trace(cov) / cov.shape[0] * np.eye(cov.shape[0])
    prec = np.linalg.inv(cov)
    d2 = np.einsum("ni,ij,nj->n", x - mean.reshape(-1), prec, x - mean.reshape(-1))
    cond = []
    for i in range(k):
        idx = [2 * i, 2 * i + 1]
        rest = [j for j in range(2 * k) if j not in idx]
        b = cov[np.ix_(idx, rest)] @ np.linalg.inv(cov[np.ix_(rest, rest)])
        cond.append({"regression": b.round(8).tolist()})
    return {
        "mean": mean.round(8).tolist(),
        "precision": prec.round(6).tolist(),
        "conditional": cond,
        "training_d2": {"median": float(np.median(d2)), "p99": float(np.quantile(d2, 0.99)), "max": float(d2.max())},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    ids = read_split(a.root, "train")
    sen, jun = read_annotations(a.root, "senior"), read_annotations(a.root, "junior")
    shapes = np.stack([(np.asarray(sen[i]) + np.asarray(jun[i])) / 2 for i in ids]).astype(np.float64)
    model = fit(shapes)
    model = {"landmark_set": "isbi2015-19", "source": f"ISBI 2015 train.txt ({len(ids)} tracings, mean of senior and junior), training/shape_model.py", **model}
    a.out.write_text(json.dumps(model, separators=(",", ":")) + "\n")
    print(f"{a.out}: {len(ids)} shapes; training D2 {model['training_d2']}")


if __name__ == "__main__":
    main()
