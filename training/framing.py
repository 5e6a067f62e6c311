"""Reframing: a second look at a skull framed unlike the training images.

Another machine frames the head differently: hamedan-dev's 165 x 206 mm field holds the skull
about 1.2 times larger in the model input than ISBI's 194 x 240 mm field, and the network, trained
on ISBI's framing with small scale changes, places the points worse there. The first tracing tells
where the skull is and how large; when its size is far from the training tracings' (more than the
training images themselves vary), the input is resampled so that the skull has the training size
and centre, traced again, and the points mapped back.

The warp is a pure function of the model input (no re-read of the file), written out here and in
src-main/inference/framing.ts with the same arithmetic: bilinear, pixel centres at integer
coordinates, outside the input = the padding.

    python3 -m training.framing --target        # the training tracings' framing, for the model card
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from .isbi import DEFAULT_ROOT, read_annotations, read_split, validation_ids
from .preprocess import Letterbox


def skull_frame(points: np.ndarray) -> tuple[np.ndarray, float]:
    """(K, 2) points -> centroid (2,), size: the root mean square distance of the points from it."""
    c = points.mean(0)
    return c, float(np.sqrt(((points - c) ** 2).sum(1).mean()))


def framing_target(root=DEFAULT_ROOT, input_size=(512, 416)) -> dict:
    """The training tracings (the split's training ids, not the validation tenth) in model-input
    pixels: mean centroid and size, and how much the size varies (SD of its log)."""
    h, w = input_size
    ids = [i for i in read_split(root, "train") if i not in set(validation_ids(read_split(root, "train")))]
    gt = read_annotations(root, "mean")
    box = Letterbox(1935, 2400, w, h)  # every ISBI image is 1935 x 2400
    cs, logs = [], []
    for i in ids:
        c, s = skull_frame(box.to_input(gt[i]))
        cs.append(c)
        logs.append(math.log(s))
    cs = np.array(cs)
    return {"centroid": [float(v) for v in cs.mean(0)], "size": float(math.exp(np.mean(logs))),
            "log_size_sd": float(np.std(logs)), "n_tracings": len(ids)}


def reframe_params(points: np.ndarray, target: dict, min_log_ratio: float):
    """The first tracing's points (input pixels) -> (zoom, centroid) to retrace with, or None when
    the skull's size is within min_log_ratio (natural log) of the training size."""
    c, s = skull_frame(points)
    zoom = target["size"] / s
    if abs(math.log(zoom)) <= min_log_ratio:
        return None
    return zoom, c


def warp(x: np.ndarray, zoom: float, c: np.ndarray, target_c, fill: float) -> np.ndarray:
    """x (H, W) -> (H, W): the output pixel q samples x at c + (q - target_c) / zoom (bilinear; fill
    outside), so the point p of x lands at target_c + zoom (p - c)."""
    h, w = x.shape
    xs = c[0] + (np.arange(w, dtype=np.float64) - target_c[0]) / zoom
    ys = c[1] + (np.arange(h, dtype=np.float64) - target_c[1]) / zoom
    x0 = np.floor(xs).astype(np.int64)
    y0 = np.floor(ys).astype(np.int64)
    fx = xs - x0
    fy = ys - y0
    pad = np.pad(x.astype(np.float64), 1, constant_values=fill)  # index i of x is i + 1 of pad

    def at(yi, xi):
        yi = np.clip(yi + 1, 0, h + 1)
        xi = np.clip(xi + 1, 0, w + 1)
        return pad[yi[:, None], xi[None, :]]

    top = at(y0, x0) * (1 - fx)[None, :] + at(y0, x0 + 1) * fx[None, :]
    bottom = at(y0 + 1, x0) * (1 - fx)[None, :] + at(y0 + 1, x0 + 1) * fx[None, :]
    return (top * (1 - fy)[:, None] + bottom * fy[:, None]).astype(np.float32)


def unwarp_points(q: np.ndarray, zoom: float, c: np.ndarray, target_c) -> np.ndarray:
    """Points of the reframed input -> points of the first input."""
    return c + (q - np.asarray(target_c)) / zoom


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", action="store_true", help="print the training tracings' framing as JSON")
    ap.add_argument("--card", type=Path, help="write the framing into this model card's input.reframe")
    ap.add_argument("--min-log-ratio", type=float, help="with --card: reframe beyond this |ln(size ratio)|")
    ap.add_argument("--figures", type=Path, help="with --card: a JSON of measured figures to carry")
    a = ap.parse_args(argv)
    t = framing_target()
    if a.target:
        print(json.dumps(t, indent=2))
    if a.card:
        if a.min_log_ratio is None:
            raise SystemExit("--card needs --min-log-ratio")
        card = json.loads(a.card.read_text())
        card["input"]["reframe"] = {
            "centroid": t["centroid"], "size": t["size"], "log_size_sd": t["log_size_sd"],
            "min_log_ratio": a.min_log_ratio,
            "fitted_on": f"ISBI 2015 training tracings (mean of the annotators), the {t['n_tracings']} training ids "
                         "without the validation tenth, in model-input pixels; the threshold chosen on the "
                         "validation tenth, as filmed and zoomed 0.8-1.25 (training/framing.py)",
            **({"figures": json.loads(a.figures.read_text())} if a.figures else {}),
        }
        a.card.write_text(json.dumps(card, indent=2) + "\n")


if __name__ == "__main__":
    main()
