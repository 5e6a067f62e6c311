import math
import unittest

import numpy as np

from training.refine import CROP, CropDataset, crop_codec, crop_matrix, from_crop, sample_crop, sample_crop_fast, to_crop


class RefineCropTest(unittest.TestCase):
    def test_a_turned_crop_maps_points_there_and_back(self):
        m = crop_matrix([300.5, 211.25], 1.6, math.radians(7))
        p = np.array([[290.0, 220.0], [310.3, 199.9]])
        np.testing.assert_allclose(from_crop(m, to_crop(m, p)), p, atol=1e-9)
        # the crop's centre pixel is the centre
        np.testing.assert_allclose(from_crop(m, [[(CROP - 1) / 2, (CROP - 1) / 2]])[0], [300.5, 211.25], atol=1e-9)

    def test_a_bright_pixel_is_seen_where_the_mapping_puts_it(self):
        grey = np.zeros((300, 400), np.uint8)
        grey[140, 215] = 255
        # unit steps on a grid that falls on pixel centres (an even crop's centre lies between its
        # middle pixels): the bright pixel is sampled exactly, once
        c, step = (200.5, 150.5), 1.0
        crop = sample_crop(grey, c, step)
        yy, xx = np.nonzero(crop)
        self.assertEqual(len(xx), 1)
        q = to_crop(crop_matrix(c, step), [[215, 140]])[0]
        np.testing.assert_allclose(q, [xx[0], yy[0]], atol=1e-9)
        self.assertEqual(crop[yy[0], xx[0]], 255)

    def test_training_crops_match_the_apps_to_opencvs_rounding(self):
        rng = np.random.default_rng(0)
        grey = (rng.uniform(0, 1, (200, 260)) * 80 + np.linspace(0, 150, 260)[None]).astype(np.uint8)
        a = sample_crop(grey, (120.3, 90.7), 1.37)
        b = sample_crop_fast(grey, crop_matrix((120.3, 90.7), 1.37))
        # OpenCV rounds the weights to 1/32: a fraction of a grey level on average, never a pixel's shift
        self.assertLess(float(np.abs(a - b).mean()), 0.6)
        self.assertLess(float(np.abs(a - b).max()), 3.0)
        shifted = sample_crop(grey, (120.8, 90.7), 1.37)
        self.assertGreater(float(np.abs(shifted - b).mean()), 3.0)

    def test_the_target_lies_on_the_landmark(self):
        rng = np.random.default_rng(1)
        grey = rng.integers(0, 255, (600, 500), dtype=np.uint8)
        pts = rng.uniform([150, 150], [350, 450], (19, 2))
        ds = CropDataset([grey], [4.7], [pts], seed=3)
        codec = crop_codec()
        for idx in (0, 7, 18):
            x, t = ds[idx]
            self.assertEqual(tuple(x.shape), (1, CROP, CROP))
            self.assertGreater(float(t[idx].sum()), 0.99, "the crop's own landmark is a target")
            # the crop was drawn again from the same seed: same sample
            x2, _ = ds[idx]
            self.assertTrue(np.array_equal(x.numpy(), x2.numpy()))
        # decoded from its target and mapped back through the crop, the landmark is where it is
        for idx in range(0, 19 * 1, 3):
            _, t, m = ds.draw(idx)
            k = idx % 19
            q, _ = codec.decode(np.log(t[k:k + 1].numpy().astype(np.float64) + 1e-30))
            back = from_crop(m, q)[0]
            self.assertLess(float(np.hypot(*(back - pts[k]))), 0.05 * 4.7 / 3 * 5, f"landmark {k}: {back} vs {pts[k]}")

if __name__ == "__main__":
    unittest.main()
