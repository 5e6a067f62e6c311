"""Deep adaptation on two real hamedan-dev cases: a clinic model whose graph computes its PyTorch
twin, a card naming its parent, progress for the app, a cancelled run that resumes."""
import json
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAMEDAN = ROOT.parent / "shared" / "data" / "hamedan-dev"
PARENT = ROOT / "models" / "medsapiens-ceph19.onnx"


def args(out: Path, *extra):
    return [sys.executable, "-m", "training.adapt_lora", "--images", str(HAMEDAN / "images"),
            "--tracings", str(HAMEDAN / "a.csv"), str(HAMEDAN / "b.csv"), "--mm-per-px", "0.123",
            "--ids", "001,004", "--out", str(out), "--members", "0", *extra]


class AdaptLoraSmoke(unittest.TestCase):
    def test_clinic_model_card_progress_and_resume(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clinic"
            # cancelled during its first epoch: state "cancelled", no model yet
            p = subprocess.Popen(args(out, "--epochs", "2", "--samples-per-epoch", "400"), cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 120
            prog = out / "progress.json"
            while time.time() < deadline and not (prog.exists() and json.loads(prog.read_text())["state"] in ("preparing", "training")):
                time.sleep(0.2)
            time.sleep(3)  # into the first epoch (400 samples: well over a minute)
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 130, err)
            self.assertEqual(json.loads((out / "progress.json").read_text())["state"], "cancelled")
            self.assertFalse((out / PARENT.name).exists())
            # the same command, shorter, runs to the end
            r = subprocess.run(args(out, "--epochs", "1", "--samples-per-epoch", "4", "--eval-ids", "011"),
                               cwd=ROOT, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            prog = json.loads((out / "progress.json").read_text())
            self.assertEqual(prog["state"], "done")
            card = json.loads((out / "medsapiens-ceph19.card.json").read_text())
            parent = json.loads((ROOT / "models" / "medsapiens-ceph19.card.json").read_text())
            a = card["adaptation"]
            self.assertEqual(a["parent"]["sha256"], parent["sha256"])
            self.assertEqual(a["cases"], ["001", "004"])
            self.assertNotEqual(card["sha256"], parent["sha256"])
            self.assertTrue(card["version"].startswith(parent["version"] + "+lora-"))
            # the parent's graph with new weights computes the adapted PyTorch networks
            self.assertLess(a["parity"]["onnx_vs_torch_max_abs"], 1e-3)
            self.assertEqual(set(a["figures"]), {"eval_cases", "unit", "parent", "adapted", "cut_pct"})
            self.assertGreater(a["figures"]["parent"]["mre"], 0)
            # the orientation check travels with it
            self.assertTrue((out / "medsapiens-orient.onnx").exists())


if __name__ == "__main__":
    unittest.main()
