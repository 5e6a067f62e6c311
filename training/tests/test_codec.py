import unittest

import numpy as np

from training.codec import HeatmapCodec
from training.preprocess import Letterbox


class CodecTest(unittest.TestCase):
    def test_round_trip_sub_pixel(self):
        codec = HeatmapCodec((512, 416), stride=2, sigma=2.0)
        rng = np.random.default_rng(1)
        kp = rng.uniform([4, 4], [410, 506], (200, 2))
        logits = np.log(codec.encode(kp) + 1e-38)
        pred, conf = codec.decode(logits)
        self.assertLess(float(np.abs(pred - kp).max()), 0.1)
        self.assertTrue(np.all((conf > 0) & (conf <= 1)))

    def test_flat_heatmap_does_not_move_the_peak_far(self):
        codec = HeatmapCodec((64, 64), stride=2, sigma=2.0)
        pts, conf = codec.decode(np.zeros((1, 32, 32)))
        self.assertTrue(np.all(np.isfinite(pts)))
        self.assertLess(conf[0], 0.05)

    def test_letterbox_point_mapping_inverts(self):
        lb = Letterbox(1935, 2400, 416, 512)
        p = np.array([[0.0, 0.0], [1934.0, 2399.0], [812.3, 1402.7]])
        self.assertLess(float(np.abs(lb.to_source(lb.to_input(p)) - p).max()), 1e-9)
        img = np.full((2400, 1935), 200, np.uint8)
        out = lb.apply(img)
        rw, rh = lb.resized
        ox, oy = lb.offset
        self.assertAlmostEqual(float(out[oy:oy + rh, ox:ox + rw].min()), 200.0, places=4)


if __name__ == "__main__":
    unittest.main()
