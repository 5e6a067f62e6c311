import math
import unittest

import numpy as np

from training.framing import reframe_params, skull_frame, unwarp_points, warp


class FramingTest(unittest.TestCase):
    def test_warp_at_zoom_one_onto_its_own_centre_is_the_identity(self):
        x = np.random.default_rng(0).uniform(0, 255, (40, 30)).astype(np.float32)
        np.testing.assert_allclose(warp(x, 1.0, np.array([12.0, 20.0]), [12.0, 20.0], 0.0), x, atol=1e-4)

    def test_a_bright_pixel_lands_where_the_points_go(self):
        x = np.zeros((120, 100), np.float32)
        x[40, 30] = 1.0
        zoom, c, tc = 0.8, np.array([50.0, 60.0]), [48.0, 57.0]
        out = warp(x, zoom, c, tc, 0.0)
        yy, xx = np.nonzero(out)
        q = np.array([(out[yy, xx] * xx).sum(), (out[yy, xx] * yy).sum()]) / out.sum()
        np.testing.assert_allclose(unwarp_points(q[None], zoom, c, tc)[0], [30, 40], atol=0.1)

    def test_only_a_skull_sized_unlike_the_training_ones_is_reframed(self):
        pts = np.random.default_rng(1).normal([200, 250], 60, (19, 2))
        c, s = skull_frame(pts)
        target = {"centroid": [264.0, 337.0], "size": s * 1.05}
        self.assertIsNone(reframe_params(pts, target, 0.1))
        zoom, centre = reframe_params(pts, {**target, "size": s * 1.3}, 0.1)
        self.assertAlmostEqual(zoom, 1.3)
        np.testing.assert_allclose(centre, c)
        self.assertTrue(math.isclose(reframe_params(pts, {**target, "size": s / 1.3}, 0.1)[0], 1 / 1.3))


if __name__ == "__main__":
    unittest.main()
