"""Fits the uncertainty the app states for each landmark (src-main/inference/uncertainty.ts).

Input: per-point JSON written by `medsapiens eval --points` on images the model never trained on
and that are not test images: ISBI's validation ids, plain and degraded (training/degrade_val.py).
The error radius r of a point is modelled as Rayleigh with log sigma = intercept + weights . x
(x: the features uncertainty.ts computes), fitted by maximum likelihood; the stated radius is sigma
times the factor that puts 90 % of the fitting errors inside it. Flags: a point is flagged when the
chance of being more than flag_beyond_mm off exceeds flag_probability (default 1 in 5: a rule a
clinician can read).

    python -m training.calibrate_uncertainty --fit scratch/val-points.json scratch/valdeg-points.json \\
        --card models/medsapiens-ceph19.card.json [--report test1=scratch/test1-points.json ...]
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

FEATURES = ("log_spread", "log_members")
COVERAGE = 0.9


def load(files) -> dict:
    rows = []
    for f in files:
        rows += json.loads(Path(f).read_text())
    ids = np.array([f"{i}:{r['id']}" for i, f in enumerate(files) for r in json.loads(Path(f).read_text())]) if len(files) > 1 else np.array([r["id"] for r in rows])
    e = np.array([r["error_input_px"] for r in rows])
    emm = np.array([r["error_mm"] for r in rows])
    f = lambda k: np.array([r["features"][k] for r in rows])
    ls, lm = np.log(np.maximum(f("spread"), 1e-6)), np.log(f("members") + 0.5)
    x = {"log_spread": ls, "log_members": lm, "log_shape": np.log(f("shape") + 0.5),
         "image_log_spread": np.zeros_like(ls), "image_log_members": np.zeros_like(ls)}
    for i in np.unique(ids):
        m = ids == i
        x["image_log_spread"][m] = ls[m].mean()
        x["image_log_members"][m] = lm[m].mean()
    mm_per_input_px = np.where(e > 0, emm / np.maximum(e, 1e-12), np.nan)
    return {"e": e, "emm": emm, "landmark": np.array([r["landmark"] for r in rows]), "x": x,
            "mm_per_input_px": np.nanmedian(mm_per_input_px), "n": len(rows)}


def fit(d: dict, features=FEATURES, shrink: float = 5.0, k: int = 19) -> dict:
    """Per-landmark intercepts (some points are harder to place than their heatmaps show: gonion,
    porion), pulled towards their mean by a ridge penalty `shrink` (the fit has ~100 points each)."""
    X = np.stack([d["x"][f] for f in features], 1)
    mu, sd = X.mean(0), X.std(0)
    Xs = (X - mu) / sd
    e, lm = d["e"], d["landmark"]

    def nll(th):
        a = th[:k]
        s2 = np.exp(2 * (a[lm] + Xs @ th[k:]))
        return -(np.log(e + 1e-9) - np.log(s2) - e ** 2 / (2 * s2)).sum() + shrink * ((a - a.mean()) ** 2).sum()

    th = minimize(nll, np.r_[np.full(k, np.log(e.mean())), np.zeros(len(features))], method="L-BFGS-B").x
    w = th[k:] / sd
    intercept = th[:k] - (w * mu).sum()
    sigma = np.exp(intercept[lm] + X @ w)
    scale = float(np.quantile(e / sigma, COVERAGE))
    return {"intercept": intercept.tolist(), "weights": dict(zip(features, map(float, w))), "radius_scale": scale}


def radius(cal: dict, d: dict) -> np.ndarray:
    log_sigma = np.asarray(cal["intercept"])[d["landmark"]] + sum(w * d["x"][k] for k, w in cal["weights"].items())
    return np.exp(log_sigma) * cal["radius_scale"]


def p_beyond(r: np.ndarray, t) -> np.ndarray:
    sigma = r / math.sqrt(-2 * math.log(1 - COVERAGE))
    return np.exp(-(t ** 2) / (2 * sigma ** 2))


def figures(cal: dict, d: dict, beyond_mm: float, p_flag: float) -> dict:
    r = radius(cal, d)
    t = beyond_mm / d["mm_per_input_px"]
    flagged = p_beyond(r, t) > p_flag
    bad = d["emm"] > beyond_mm
    top = np.argsort(-r)[: d["n"] // 10]
    return {"points": int(d["n"]), "coverage90": float((d["e"] <= r).mean()), "flagged_share": float(flagged.mean()),
            "bad_points": int(bad.sum()), "flag_recall": float(flagged[bad].mean()) if bad.any() else None,
            "recall_at_10pct": float(bad[top].sum() / bad.sum()) if bad.any() else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", nargs="+", required=True)
    ap.add_argument("--fit-note", default="ISBI 2015 validation ids (every tenth training image, never trained on), plain and in 6 degraded copies each (training/degrade_val.py)")
    ap.add_argument("--card", type=Path)
    ap.add_argument("--beyond-mm", type=float, default=3.0)
    ap.add_argument("--flag-probability", type=float, default=0.2)
    ap.add_argument("--shrink", type=float, default=5.0, help="ridge penalty pulling the per-landmark intercepts together")
    ap.add_argument("--report", nargs="*", default=[], help="name=points.json, figures only (never fitted on)")
    a = ap.parse_args()
    d = load(a.fit)
    cal = fit(d, shrink=a.shrink)
    t = a.beyond_mm / d["mm_per_input_px"]
    p_flag = a.flag_probability
    out = {
        "coverage": COVERAGE,
        "intercept": cal["intercept"],
        "weights": cal["weights"],
        "radius_scale": cal["radius_scale"],
        "flag_beyond_mm": a.beyond_mm,
        "flag_beyond_px": float(t),
        "flag_probability": p_flag,
        "fitted_on": f"{a.fit_note}: {d['n']} points",
        "figures": {"fit": figures(cal, d, a.beyond_mm, p_flag)},
    }
    for rep in a.report:
        name, f = rep.split("=", 1)
        out["figures"][name] = figures(cal, load([f]), a.beyond_mm, p_flag)
    print(json.dumps(out, indent=2))
    if a.card:
        card = json.loads(a.card.read_text())
        card.setdefault("checks", {})["uncertainty"] = out
        a.card.write_text(json.dumps(card, indent=2) + "\n")


if __name__ == "__main__":
    main()
