"""Runs the Python twins of the app's preprocessing and decoding on raw files, for parity tests.

    python3 -m training.parity_dump letterbox GREY_U8 SRC_W SRC_H DST_W DST_H OUT_F32
    python3 -m training.parity_dump decode LOGITS_F32 K H W STRIDE SIGMA OUT_JSON
    python3 -m training.parity_dump grey IMAGE OUT_U8       (PIL decode + ITU-R 601 luma)
    python3 -m training.parity_dump reframe INPUT_F32 W H POINTS_JSON TARGET_JSON OUT_F32 OUT_JSON
        (framing.py: the reframing a tracing asks for, the warped input, a point mapped back)
    python3 -m training.parity_dump crop GREY_U8 W H CX CY STEP OUT_F32
        (refine.py: the second stage's crop of a full-resolution image)
"""
import json
import sys

import numpy as np

from .codec import HeatmapCodec
from .isbi import read_grey
from .preprocess import Letterbox


def main(argv):
    cmd = argv[0]
    if cmd == "letterbox":
        path, sw, sh, dw, dh, out = argv[1], *map(int, argv[2:6]), argv[6]
        grey = np.fromfile(path, dtype=np.uint8).reshape(sh, sw)
        Letterbox(sw, sh, dw, dh).apply(grey).astype(np.float32).tofile(out)
    elif cmd == "decode":
        path, k, h, w, stride, sigma, out = argv[1], *map(int, argv[2:6]), float(argv[6]), argv[7]
        logits = np.fromfile(path, dtype=np.float32).reshape(k, h, w)
        codec = HeatmapCodec((h * stride, w * stride), stride, sigma)
        pts, conf = codec.decode(logits)
        with open(out, "w") as f:
            json.dump({"points": pts.tolist(), "confidence": conf.tolist()}, f)
    elif cmd == "reframe":
        from .framing import reframe_params, unwarp_points, warp
        path, w, h, pts_path, target_path, out, out_json = argv[1], int(argv[2]), int(argv[3]), *argv[4:8]
        x = np.fromfile(path, dtype=np.float32).reshape(h, w)
        pts = np.array(json.load(open(pts_path)), dtype=np.float64)
        target = json.load(open(target_path))
        r = reframe_params(pts, target, target["min_log_ratio"])
        if r is None:
            res = {"reframe": None}
        else:
            zoom, c = r
            warp(x, zoom, c, target["centroid"], 0.0).tofile(out)
            res = {"zoom": zoom, "centre": c.tolist(), "back": unwarp_points(pts, zoom, c, target["centroid"]).tolist()}
        with open(out_json, "w") as f:
            json.dump(res, f)
    elif cmd == "crop":
        from .refine import sample_crop
        path, w, h, cx, cy, step, out = argv[1], int(argv[2]), int(argv[3]), *map(float, argv[4:7]), argv[7]
        grey = np.fromfile(path, dtype=np.uint8).reshape(h, w)
        sample_crop(grey, (cx, cy), step).tofile(out)
    elif cmd == "grey":
        read_grey(argv[1]).tofile(argv[2])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
