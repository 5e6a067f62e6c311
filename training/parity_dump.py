"""Runs the Python twins of the app's preprocessing and decoding on raw files, for parity tests.

    python3 -m training.parity_dump letterbox GREY_U8 SRC_W SRC_H DST_W DST_H OUT_F32
    python3 -m training.parity_dump decode LOGITS_F32 K H W STRIDE SIGMA OUT_JSON
    python3 -m training.parity_dump grey IMAGE OUT_U8       (PIL decode + ITU-R 601 luma)
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
    elif cmd == "grey":
        read_grey(argv[1]).tofile(argv[2])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
