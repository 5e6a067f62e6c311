import unittest

import numpy as np

from training.device_augment import FAMILIES, DeviceAugmentConfig, device_augment


def _blob_image(pts, hw, sigma=3.0):
    """Dark field with a bright Gaussian blob on each point: where the blobs go, the points must go."""
    yy, xx = np.mgrid[0:hw[0], 0:hw[1]].astype(np.float32)
    img = np.zeros(hw, np.float32)
    for x, y in pts:
        img = np.maximum(img, 220.0 * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma ** 2)))
    return img


class DeviceAugmentTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(3)
        self.pts = rng.uniform([250, 300], [580, 700], (19, 2))  # the 19 ISBI points: soft_tissue reads the profile ones
        self.img = _blob_image(self.pts, (1024, 832))

    def test_points_follow_the_image_under_the_geometry(self):
        cfg = DeviceAugmentConfig(families=("geometry",))
        for seed in range(8):
            out, pts = device_augment(self.img.copy(), self.pts, (512, 416), np.random.default_rng(seed), cfg, 0.2)
            self.assertEqual(out.shape, (512, 416))
            for x, y in pts:
                xi, yi = int(round(x)), int(round(y))
                if not (3 <= xi < 413 and 3 <= yi < 509):
                    continue  # zoomed out of the frame
                win = out[yi - 3:yi + 4, xi - 3:xi + 4]
                dy, dx = np.unravel_index(int(np.argmax(win)), win.shape)
                # the blob's brightest pixel is within a pixel of where the point was mapped
                self.assertLessEqual(max(abs(dy - 3), abs(dx - 3)), 1, f"seed {seed}")
                self.assertGreater(float(win.max()), 60.0)

    def test_same_seed_same_sample_and_every_family_runs(self):
        cfg = DeviceAugmentConfig(families=FAMILIES)
        a = device_augment(self.img.copy(), self.pts, (512, 416), np.random.default_rng(7), cfg, 0.2)
        b = device_augment(self.img.copy(), self.pts, (512, 416), np.random.default_rng(7), cfg, 0.2)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        c = device_augment(self.img.copy(), self.pts, (512, 416), np.random.default_rng(8), cfg, 0.2)
        self.assertFalse(np.array_equal(a[0], c[0]))
        self.assertTrue(np.all((a[0] >= 0) & (a[0] <= 255)))

    def test_unknown_family_is_refused(self):
        with self.assertRaises(ValueError):
            device_augment(self.img, self.pts, (512, 416), np.random.default_rng(0),
                           DeviceAugmentConfig(families=("geometry", "sepia")), 0.2)


if __name__ == "__main__":
    unittest.main()
