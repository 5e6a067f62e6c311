import unittest

import torch
import torch.nn as nn

from training.lora import LoRAConv2d, LoRALinear, inject_lora, lora_parameters, merge_lora


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.c2 = nn.Conv2d(8, 4, 1)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        y = self.c2(torch.relu(self.dw(torch.relu(self.c1(x)))))
        return self.fc(y.mean((2, 3)))


class LoRATest(unittest.TestCase):
    def test_starts_at_base_and_merges_exactly(self):
        torch.manual_seed(0)
        m = Small()
        x = torch.randn(2, 3, 16, 16)
        base = m(x).detach()
        names = inject_lora(m, rank=2, alpha=4, targets="all")
        self.assertEqual(sorted(names), ["c1", "c2", "fc"])  # depthwise conv is skipped
        self.assertTrue(torch.allclose(m(x), base))  # B starts at zero
        for p in lora_parameters(m):  # move away from the identity
            nn.init.normal_(p, std=0.2)
        m.eval()
        unmerged = m(x).detach()
        self.assertGreater(float((unmerged - base).abs().max()), 1e-3)
        self.assertEqual(merge_lora(m), 3)
        self.assertFalse(any(isinstance(mod, (LoRAConv2d, LoRALinear)) for mod in m.modules()))
        merged = m(x).detach()
        self.assertLess(float((merged - unmerged).abs().max()), 1e-5)

    def test_pointwise_targets_and_exclusion(self):
        m = Small()
        self.assertEqual(inject_lora(m, 2, 2, targets="pointwise", exclude=("fc",)), ["c2"])


if __name__ == "__main__":
    unittest.main()
