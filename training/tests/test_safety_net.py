"""The safety net's training side: orientation classes as the app reads them, the shape model, and
the uncertainty calibration."""
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from training import calibrate_uncertainty as cu
from training.isbi import DEFAULT_ROOT, read_annotations, read_split
from training.orient import N_GEOMETRY, THUMB, orient_image, thumbnail
from training.shape_model import fit as fit_shape

ROOT = Path(__file__).resolve().parents[2]


class OrientationClasses(unittest.TestCase):
    def test_classes_turn_and_mirror_as_the_app_undoes_them(self):
        # src-main/inference/orientation.ts: class = 4 * mirrored + clockwise quarter turns, mirror first
        img = np.arange(12, dtype=np.float32).reshape(3, 4)
        self.assertTrue(np.array_equal(orient_image(img, 0), img))
        # a clockwise quarter turn puts the top-left pixel at the top right
        self.assertEqual(orient_image(img, 1)[0, -1], img[0, 0])
        self.assertEqual(orient_image(img, 1).shape, (4, 3))
        self.assertTrue(np.array_equal(orient_image(img, 4), img[:, ::-1]))
        # mirrored, then turned: the top-right pixel (top-left once mirrored) lands top right
        self.assertEqual(orient_image(img, 5)[0, -1], img[0, -1])
        seen = {orient_image(img, g).tobytes() + bytes(orient_image(img, g).shape) for g in range(N_GEOMETRY)}
        self.assertEqual(len(seen), N_GEOMETRY, "the 8 classes are 8 different images")

    def test_thumbnail_is_letterboxed_and_scaled(self):
        t = thumbnail(np.full((200, 100), 255, np.float32))
        self.assertEqual(t.shape, (THUMB, THUMB))
        self.assertAlmostEqual(float(t[:, THUMB // 2].max()), 1.0, places=5)
        self.assertEqual(float(t[:, 0].max()), 0.0, "padding left and right of a tall image")


class ShapeModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ids = read_split(DEFAULT_ROOT, "train")
        gt = read_annotations(DEFAULT_ROOT, "mean")
        cls.shapes = np.stack([gt[i] for i in ids])
        cls.model = fit_shape(cls.shapes)
        cls.test = read_annotations(DEFAULT_ROOT, "mean")["151"]

    def d2(self, s):
        from training.shape_model import align_to
        a = align_to(s, np.asarray(self.model["mean"])).reshape(-1)
        d = a - np.asarray(self.model["mean"]).reshape(-1)
        return float(d @ np.asarray(self.model["precision"]) @ d)

    def test_a_skull_is_plausible_and_a_mirrored_or_scrambled_one_is_not(self):
        self.assertLess(self.d2(self.test), 150)
        mirrored = self.test * [-1, 1]
        self.assertGreater(self.d2(mirrored), 2000)
        scrambled = self.test[np.random.default_rng(0).permutation(19)]
        self.assertGreater(self.d2(scrambled), 2000)

    def test_similarity_changes_nothing(self):
        c, s = np.cos(0.3), np.sin(0.3)
        moved = (self.test @ np.array([[c, -s], [s, c]]).T) * 1.7 + [40, -90]
        self.assertAlmostEqual(self.d2(moved), self.d2(self.test), places=6)

    def test_the_shipped_shape_model_is_this_fit(self):
        shipped = json.loads((ROOT / "src-shared/ceph/isbi-shape-model.json").read_text())
        self.assertTrue(np.allclose(shipped["mean"], self.model["mean"], atol=1e-7))
        self.assertTrue(np.allclose(shipped["precision"], self.model["precision"], rtol=1e-5, atol=1e-3))


class Calibration(unittest.TestCase):
    def test_fit_recovers_how_the_error_scales_and_covers_90_percent(self):
        rng = np.random.default_rng(1)
        n = 4000
        spread = rng.uniform(4, 9, n)
        sigma = 0.02 * spread ** 2.5  # the truth: log sigma = log 0.02 + 2.5 log spread
        err = sigma * np.sqrt(-2 * np.log(rng.uniform(size=n)))  # Rayleigh radii
        rows = [{"id": f"{i // 19}", "landmark": i % 19, "error_mm": float(e) * 0.4, "error_input_px": float(e),
                 "features": {"spread": float(s), "members": 1.0, "shape": 1.0}} for i, (e, s) in enumerate(zip(err, spread))]
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "points.json"
            f.write_text(json.dumps(rows))
            d = cu.load([f])
        cal = cu.fit(d, shrink=1e6)
        self.assertAlmostEqual(cal["weights"]["log_spread"], 2.5, delta=0.15)
        cover = (d["e"] <= cu.radius(cal, d)).mean()
        self.assertAlmostEqual(cover, 0.9, delta=0.005)
        # Rayleigh: the 90 % radius is 2.146 sigma
        self.assertAlmostEqual(cal["radius_scale"], np.sqrt(-2 * np.log(0.1)), delta=0.1)


if __name__ == "__main__":
    unittest.main()
