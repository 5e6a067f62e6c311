"""Two training steps on two images, a resume, and an ONNX export checked against PyTorch."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "training/configs/blazepose_lora.json"
SMALL = ["--set", "input_size=[256,224]", "--set", 'train_ids=["001","002"]', "--set", 'val_ids=["003"]',
         "--set", "batch_size=1", "--set", "val_every=1", "--set", "warmup_epochs=0"]


def run(*args, env=None):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env)


class TrainSmoke(unittest.TestCase):
    def test_two_steps_resume_and_export(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "run"
            r = run("-m", "training.train", "--config", str(CONFIG), "--out", str(out), *SMALL, "--set", "epochs=1")
            self.assertEqual(r.returncode, 0, r.stderr)
            ck = torch.load(out / "last.pt", map_location="cpu")
            self.assertEqual(ck["epoch"], 0)
            self.assertTrue((out / "best.pt").exists())
            log = (out / "train.log").read_text()
            self.assertIn("epoch 1/1", log)
            self.assertIn("val MRE", log)
            # a second invocation with a longer schedule resumes instead of restarting
            r = run("-m", "training.train", "--config", str(CONFIG), "--out", str(out), *SMALL, "--set", "epochs=2")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("resumed from", (out / "train.log").read_text())
            self.assertEqual(torch.load(out / "last.pt", map_location="cpu")["epoch"], 1)
            # a new run started from those weights: the first step begins where they left off
            warm = Path(tmp) / "warm"
            r = run("-m", "training.train", "--config", str(CONFIG), "--out", str(warm), *SMALL, "--set", "epochs=1",
                    "--set", "lr=0", "--set", "backbone_lr=0", "--set", f'init_weights="{out / "last.pt"}"')
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("new optimiser and schedule", (warm / "train.log").read_text())
            start = torch.load(out / "last.pt", map_location="cpu")["model"]
            after = torch.load(warm / "last.pt", map_location="cpu")["model"]
            # learning rate 0: the weights it saved are the ones it was given (batch-norm running
            # statistics still move in training mode)
            learned = [k for k in start if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))]
            self.assertGreater(len(learned), 10)
            for k in learned:
                self.assertTrue(torch.equal(start[k], after[k]), k)
            onnx_path = Path(tmp) / "tiny.onnx"
            r = run("-m", "training.export", "--checkpoint", str(out / "best.pt"), "--out", str(onnx_path))
            self.assertEqual(r.returncode, 0, r.stderr)
            card = json.loads((Path(tmp) / "tiny.card.json").read_text())
            self.assertLessEqual(card["parity"]["onnx_vs_torch_max_abs"], 1e-4)
            self.assertEqual(card["input"]["height"], 256)
            self.assertEqual(len(card["landmarks"]), 19)
            # the backbone's TF pads were folded into its convolutions (onnx_simplify.py)
            import onnx
            self.assertNotIn("Pad", [n.op_type for n in onnx.load(str(onnx_path)).graph.node])
            # the checkpoint recovered from that ONNX computes what the checkpoint did
            recovered = Path(tmp) / "recovered.pt"
            r = run("-m", "training.recover", "--onnx", str(onnx_path), "--out", str(recovered))
            self.assertEqual(r.returncode, 0, r.stderr)
            from training.export import load_for_inference
            a, _ = load_for_inference(out / "best.pt")
            b, _ = load_for_inference(recovered)
            x = torch.rand(1, 1, 256, 224)
            with torch.no_grad():
                ya, yb = a(x), b(x)
            self.assertGreater(float(ya.abs().max()), 0.1)
            self.assertLess(float((ya - yb).abs().max()), 1e-4)
            # two checkpoints export as one model averaging their logits, with the same outputs
            pair = Path(tmp) / "pair.onnx"
            r = run("-m", "training.export", "--checkpoint", str(out / "best.pt"), str(warm / "last.pt"), "--out", str(pair))
            self.assertEqual(r.returncode, 0, r.stderr)
            card = json.loads((Path(tmp) / "pair.card.json").read_text())
            self.assertEqual(len(card["ensemble"]["members"]), 2)
            self.assertLessEqual(card["parity"]["onnx_vs_torch_max_abs"], 1e-4)
            from training.ensemble import load_ensemble
            c, _ = load_for_inference(warm / "last.pt")
            both, _, _ = load_ensemble([out / "best.pt", warm / "last.pt"])
            with torch.no_grad():
                self.assertLess(float((both(x) - (ya + c(x)) / 2).abs().max()), 1e-5)
            # and each member comes back from an ensemble's ONNX as its own checkpoint (the second
            # member nudged: the exporter would store two identical members' weights once)
            ck = torch.load(warm / "last.pt", map_location="cpu")
            ck["model"] = {k: v * 1.01 if v.is_floating_point() and "running" not in k else v for k, v in ck["model"].items()}
            torch.save(ck, Path(tmp) / "nudged.pt")
            trio = Path(tmp) / "trio.onnx"
            r = run("-m", "training.export", "--checkpoint", str(out / "best.pt"), str(Path(tmp) / "nudged.pt"), "--out", str(trio))
            self.assertEqual(r.returncode, 0, r.stderr)
            r = run("-m", "training.recover", "--onnx", str(trio), "--out", str(Path(tmp) / "trio.pt"))
            self.assertEqual(r.returncode, 0, r.stderr)
            nudged, _ = load_for_inference(Path(tmp) / "nudged.pt")
            for i, want in enumerate([ya, nudged(x)]):
                got, _ = load_for_inference(Path(tmp) / f"trio.member{i}.pt")
                with torch.no_grad():
                    self.assertLess(float((got(x) - want).abs().max()), 1e-4, f"member {i}")

    def test_distributed_world_size_one_gloo(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, OMP_NUM_THREADS="1")
            r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=1", "--master_port=29533",
                                # torch 1.13's launcher on Python 3.11 needs explicit redirect flags
                                "--redirects=1", "--tee=1",
                                "-m", "training.train", "--config", str(CONFIG), "--out", tmp, *SMALL, "--set", "epochs=1"],
                               cwd=ROOT, capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("world 1", (Path(tmp) / "train.log").read_text())
            self.assertIn("DistributedDataParallel (gloo)", (Path(tmp) / "train.log").read_text())


if __name__ == "__main__":
    unittest.main()
