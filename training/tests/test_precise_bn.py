"""precise_bn: the running statistics become those of the images given, and only they change."""
import unittest

import numpy as np
import torch
import torch.nn as nn

from training.precise_bn import recalibrate_batchnorm


class PreciseBnTest(unittest.TestCase):
    def test_running_statistics_become_those_of_the_images(self):
        torch.manual_seed(0)
        conv = nn.Conv2d(1, 3, 3, padding=1)
        model = nn.Sequential(conv, nn.BatchNorm2d(3), nn.ReLU(), nn.Dropout(0.5))
        bn = model[1]
        bn.running_mean.fill_(100.0)  # stale statistics, as after augmented training
        bn.running_var.fill_(1e-4)
        images = np.random.default_rng(0).uniform(0, 255, (8, 16, 12)).astype(np.float32)
        weight = conv.weight.detach().clone()
        model.train()
        self.assertEqual(recalibrate_batchnorm(model, images, batch=4), 1)
        self.assertTrue(model.training, "the model's mode is given back")
        self.assertEqual(bn.momentum, 0.1)
        self.assertTrue(torch.equal(conv.weight, weight), "weights untouched")
        with torch.no_grad():
            feats = [conv(torch.from_numpy(images[s:s + 4])[:, None] / 255.0) for s in (0, 4)]
        # the cumulative average of the two batches' means and unbiased variances
        want_mean = torch.stack([f.mean((0, 2, 3)) for f in feats]).mean(0)
        want_var = torch.stack([f.transpose(0, 1).reshape(3, -1).var(1, unbiased=True) for f in feats]).mean(0)
        torch.testing.assert_close(bn.running_mean, want_mean, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(bn.running_var, want_var, rtol=1e-5, atol=1e-6)

    def test_a_model_without_batch_norm_is_left_alone(self):
        model = nn.Conv2d(1, 1, 1)
        self.assertEqual(recalibrate_batchnorm(model, np.zeros((2, 4, 4), np.float32)), 0)


if __name__ == "__main__":
    unittest.main()
