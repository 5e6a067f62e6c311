// The deep level of clinic adaptation: LoRA fine-tuning of the shipped networks by training/adapt_lora.py,
// run as a child process that reports progress in progress.json. The app prepares the cases the way
// it traces them (decoded by its own readers, whatever the format, straightened by the orientation
// check, a negative made positive), so the Python side reads only plain PNGs and a tracing CSV.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { AppError } from '../../src-shared/errors.js';
import type { Pt } from '../../src-shared/metrics.js';
import { importImage } from '../imaging/import.js';
import type { LoadedModel } from '../inference/model.js';
import { toUpright, uprightPixels, uprightSize, UPRIGHT } from '../inference/orientation.js';
import { checkOrientation } from '../inference/trace.js';
import { projectRoot } from '../util/paths.js';
import { makePrivateDir } from '../util/private-files.js';

export const LoraProgressSchema = z.object({
  state: z.enum(['preparing', 'training', 'exporting', 'done', 'cancelled', 'failed']),
  member: z.number().int(),
  members: z.number().int(),
  epoch: z.number().int().optional(),
  epochs: z.number().int().optional(),
  fraction: z.number().optional(),
  eta_s: z.number().optional(),
  message: z.string().optional(),
});
export type LoraProgress = z.infer<typeof LoraProgressSchema>;

export function pythonCommand(): string {
  return process.env.MEDSAPIENS_PYTHON ?? '/usr/bin/python3';
}

/** Whether this machine can fine-tune; where it cannot, what is needed (the instant level works anyway). */
export function loraAvailable(python = pythonCommand()): { ok: true } | { ok: false; message: string } {
  const training = path.join(projectRoot(), 'training', 'adapt_lora.py');
  if (!fs.existsSync(training)) return { ok: false, message: `LoRA adaptation needs the training/ folder of MedSapiens (${training} is missing); the instant level (--method offset) works without it` };
  const r = spawnSync(python, ['-c', 'import torch, onnx, cv2, PIL, numpy'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return {
      ok: false,
      message:
        `LoRA adaptation needs Python 3 with PyTorch, onnx, OpenCV and Pillow (${python}: ${r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop()}). ` +
        'On Debian: apt-get install python3-torch python3-onnx python3-opencv python3-pil python3-scipy; or set MEDSAPIENS_PYTHON to such a Python. ' +
        'The instant level (--method offset) works without it.',
    };
  }
  return { ok: true };
}

/** Each case decoded, straightened and written as PNG with its tracing (moved the same way) into dir. */
export async function prepareCases(model: LoadedModel, cases: { id: string; file: string; truth: Pt[] }[], dir: string, onCase?: (i: number) => void): Promise<string> {
  makePrivateDir(dir);
  const rows: string[] = [];
  for (const [i, c] of cases.entries()) {
    const img = await importImage(c.file);
    // how the film is stored is all that is needed of it: the orientation check, not a tracing
    const o = (await checkOrientation(model, img))?.orientation ?? UPRIGHT;
    const { width, height } = uprightSize(o, img.width, img.height);
    let px = o.rotation || o.mirrored ? uprightPixels(o, img.pixels, img.width, img.height) : img.pixels;
    if (o.inverted) px = px.map((v) => 255 - v);
    await sharp(Buffer.from(px.buffer, px.byteOffset, px.length), { raw: { width, height, channels: 1 } }).png().toFile(path.join(dir, `${c.id}.png`));
    const pts = c.truth.map((p) => toUpright(o, p, img.width, img.height));
    rows.push([c.id, ...pts.flatMap((p) => [p.x.toFixed(2), p.y.toFixed(2)])].join(','));
    onCase?.(i + 1);
  }
  const k = cases[0]?.truth.length ?? 0;
  const csv = path.join(dir, 'tracings.csv');
  fs.writeFileSync(csv, ['id', ...Array.from({ length: k }, (_, j) => `x${j + 1},y${j + 1}`)].join(',') + '\n' + rows.join('\n') + '\n');
  return csv;
}

export interface LoraRun {
  model: LoadedModel;
  casesDir: string;
  tracingsCsv: string;
  /** the cases to train on (default: every case of the CSV) */
  ids?: string[];
  out: string;
  mmPerPx?: number;
  epochs?: number;
  samplesPerEpoch?: number;
  evalIds?: string[];
  onProgress?: (p: LoraProgress) => void;
  /** aborting cancels the run (resumable: the same run again continues) */
  signal?: AbortSignal;
}

/** Runs training/adapt_lora.py to the end; resolves with the final progress (done or cancelled). */
export function runLora(r: LoraRun): Promise<LoraProgress> {
  const args = ['-m', 'training.adapt_lora', '--parent', r.model.onnxPath, '--images', r.casesDir, '--tracings', r.tracingsCsv, '--out', r.out];
  if (r.ids?.length) args.push('--ids', r.ids.join(','));
  if (r.mmPerPx) args.push('--mm-per-px', String(r.mmPerPx));
  if (r.epochs) args.push('--epochs', String(r.epochs));
  if (r.samplesPerEpoch) args.push('--samples-per-epoch', String(r.samplesPerEpoch));
  if (r.evalIds?.length) args.push('--eval-ids', r.evalIds.join(','));
  const progressFile = path.join(r.out, 'progress.json');
  return new Promise((resolve, reject) => {
    const child = spawn(pythonCommand(), args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout.resume();
    const read = (): LoraProgress | undefined => {
      try {
        return LoraProgressSchema.parse(JSON.parse(fs.readFileSync(progressFile, 'utf8')));
      } catch {
        return undefined;
      }
    };
    const timer = setInterval(() => {
      const p = read();
      if (p) r.onProgress?.(p);
    }, 1000);
    const abort = () => child.kill('SIGTERM');
    r.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(new AppError('internal', `could not start ${pythonCommand()}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      r.signal?.removeEventListener('abort', abort);
      const p = read();
      if (code === 0 && p?.state === 'done') resolve(p);
      else if (p?.state === 'cancelled') resolve(p);
      else reject(new AppError('internal', `LoRA adaptation failed (exit ${code}): ${p?.message ?? stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
