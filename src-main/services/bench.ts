// Benchmarks: what each stage costs, what the model's own share is, and how a batch compares
// with bare inference. Figures are medians after warm-up (onnxruntime's first runs are slow).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileReads, spacingOf, trace } from '../inference/trace.js';
import { readForModel, reducedSize } from '../inference/read-for-model.js';
import { constantInput, describeProvider, loadModel, modelLabel, type LoadedModel } from '../inference/model.js';
import { projectRoot, sharedDataDir } from '../util/paths.js';
import { runBatchPipeline } from './batch-pipeline.js';
import { startDetectPool } from './detect-pool.js';
import { createCaseStore, type CaseStore } from '../db/store.js';
import { imageRecord, modelPoints } from './import-service.js';
import sharp from 'sharp';
import { readJpegFrameHeader } from '../imaging/codecs/jpeg-markers.js';
import { readHead } from '../imaging/read-file.js';
import { fileDctScale, jpegDctScale, shrunkFileName } from '../imaging/raster/jpeg-reduced.js';
import { nativeJpeg, nativeJpegStatus } from '../imaging/codecs/native-jpeg.js';

export interface StageStats {
  median_ms: number;
  p90_ms: number;
  mean_ms: number;
  runs: number;
}

function stats(xs: number[]): StageStats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median_ms: q(0.5), p90_ms: q(0.9), mean_ms: xs.reduce((a, b) => a + b, 0) / xs.length, runs: xs.length };
}

export interface BenchOptions {
  files: string[];
  runs: number;
  batchFolder?: string;
  batchLimit: number;
  torch: boolean;
  log: (m: string) => void;
}

async function timeFile(model: LoadedModel, file: string, runs: number, store: CaseStore) {
  const stages: Record<string, number[]> = {
    decode: [],
    orientation_check: [],
    preprocess: [],
    inference: [],
    second_stage: [],
    decoding: [],
    shape_and_uncertainty: [],
    database: [],
    end_to_end: [],
    bare_inference: [],
  };
  const constant = constantInput(model.card);
  const floor = await jpegDecoderOnly(file, model);
  if (floor) stages.decoder_only = [];
  let imageId: number | null = null;
  // a skull framed unlike the training films is traced twice (framing.ts): the overhead is over that many inferences
  let reframeZoom: number | undefined;
  let refined = 0;
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const img = await readForModel(file, model.card);
    const t1 = performance.now();
    // the app's own path, checks included; it times its stages itself
    const t = await trace(model, img, { spacing: spacingOf(img), ...fileReads(model, file) });
    const det = t.detection;
    reframeZoom = det.modelFrame.reframeZoom;
    refined = det.refined;
    const t2 = performance.now();
    // what a detection writes: a new landmark set in one transaction (the image row exists after the first run)
    if (imageId === null) imageId = store.importImageRecord(imageRecord(img, file)).image.id;
    store.saveModelLandmarks(imageId, modelLabel(model).name, modelLabel(model).version, modelPoints(t.landmarks), t.check);
    const t3 = performance.now();
    // bare inference timed in the same loop: this VM's speed drifts by up to 2x over minutes,
    // so a baseline measured at another time would make the overhead meaningless
    await model.run(constant, 1);
    const t4 = performance.now();
    if (floor) await floor.run();
    const t5 = performance.now();
    if (i < 2) continue; // warm-up
    if (floor) stages.decoder_only.push(t5 - t4);
    stages.decode.push(t1 - t0);
    stages.preprocess.push(det.timingsMs.preprocess);
    stages.inference.push(det.timingsMs.inference);
    stages.second_stage.push(det.timingsMs.refine);
    stages.decoding.push(det.timingsMs.decode);
    stages.orientation_check.push(t.timingsMs.orientation);
    stages.shape_and_uncertainty.push(t.timingsMs.check);
    stages.database.push(t3 - t2);
    stages.end_to_end.push(t3 - t0);
    stages.bare_inference.push(t4 - t3);
  }
  const out: Record<string, StageStats> = {};
  for (const [k, v] of Object.entries(stages)) out[k] = stats(v);
  const e2e = out.end_to_end.median_ms;
  const passes = reframeZoom !== undefined ? 2 : 1;
  // the second stage (refine.ts: the file read in full, the crops, their network) is model work too
  const bare = out.bare_inference.median_ms * passes + out.second_stage.median_ms;
  return {
    file,
    stages: out,
    inference_passes: passes,
    second_stage_landmarks: refined,
    ...(reframeZoom !== undefined && { reframe_zoom: reframeZoom }),
    model_share_pct: (100 * out.inference.median_ms) / e2e,
    overhead_over_bare_inference_pct: (100 * (e2e - bare)) / bare,
    // what the engine adds once the file is decoded: preprocessing, heatmap decoding, database
    engine_overhead_pct: (100 * (e2e - out.decode.median_ms - bare)) / bare,
    ...(out.decoder_only && floor && { decoder_only_pct_of_bare_inference: (100 * out.decoder_only.median_ms) / bare, decoder_only_reader: floor.reader }),
  };
}

/**
 * For a JPEG file that the model path reads at reduced DCT scale: that decode alone, by the reader
 * the model path uses (native luma, else sharp to raw pixels), with no resampling, hashing or
 * checks. No read of the file can cost less here, so it bounds the overhead any change to the
 * rest could reach.
 */
async function jpegDecoderOnly(file: string, model: LoadedModel): Promise<{ reader: string; run: () => Promise<unknown> } | undefined> {
  const sof = readJpegFrameHeader(await readHead(file, 64 * 1024));
  if (!sof) return undefined;
  const native = nativeJpeg();
  const grey = native && reducedSize(model.card, sof.width, sof.height, 'jpeg-dct-grey-area');
  if (grey) {
    const f = jpegDctScale(sof.width, sof.height, grey.width, grey.height);
    const bytes = fs.readFileSync(file);
    if (f > 1) return { reader: native.library, run: () => native.decodeGreyScaled(bytes, f as 2 | 4 | 8, sof) };
  }
  const target = reducedSize(model.card, sof.width, sof.height, 'jpeg-dct-lanczos3');
  const f = target && fileDctScale(sof.width, sof.height, target.width, target.height);
  return f ? { reader: 'sharp', run: () => sharp(shrunkFileName(file, f)).raw().toBuffer() } : undefined;
}

async function bareInference(model: LoadedModel, runs: number) {
  const input = constantInput(model.card);
  for (let i = 0; i < 2; i++) await model.run(input, 1);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await model.run(input, 1);
    t.push(performance.now() - t0);
  }
  const s = stats(t);
  return { ...s, images_per_second: 1000 / s.mean_ms };
}

function torchEager(model: LoadedModel, runs: number): { median_ms: number } | { error: string } {
  const script = path.join(projectRoot(), 'training', 'bench_torch.py');
  try {
    const out = execFileSync(process.env.MEDSAPIENS_PYTHON ?? '/usr/bin/python3', [script, model.onnxPath.replace(/\.onnx$/, '.card.json'), String(runs)], {
      cwd: projectRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] };
  }
}

/** A batch over the first images of a folder in the app's detect pool, against bare inference
 *  in one session and in the pool. */
async function timeBatch(model: LoadedModel, folder: string, opts: BenchOptions) {
  const all = fs.readdirSync(folder).filter((f) => /\.(jpe?g|png|dcm|tiff?|bmp)$/i.test(f)).sort().slice(0, opts.batchLimit);
  opts.log(`bench: batch of ${all.length} images from ${folder}`);
  const tp = performance.now();
  const pool = await startDetectPool(model);
  const startSeconds = (performance.now() - tp) / 1000;
  try {
    // two baselines, each bracketing the batch (before and after), for the same reason as above:
    // the app's own session (all cores in one run), and the batch's pool of single-threaded
    // sessions running at once, which is the most inference this machine does per second
    const before = await bareInference(model, opts.runs);
    const pooledBefore = await pool.bareThroughput(opts.runs);
    const t0 = performance.now();
    const r = await runBatchPipeline(model, all.map((f) => path.join(folder, f)), { onResult: () => undefined, pool });
    const seconds = (performance.now() - t0) / 1000;
    const pooledAfter = await pool.bareThroughput(opts.runs);
    const after = await bareInference(model, opts.runs);
    const ips = r.done / seconds;
    const bareIps = (before.images_per_second + after.images_per_second) / 2;
    const pooledIps = (pooledBefore + pooledAfter) / 2;
    return {
      images: r.done,
      failed: r.failed,
      workers: pool.size,
      pool_start_seconds: startSeconds,
      seconds,
      images_per_second: ips,
      bare_inference_images_per_second: bareIps,
      vs_bare_inference_pct: (100 * ips) / bareIps,
      pooled_bare_inference_images_per_second: pooledIps,
      vs_pooled_bare_inference_pct: (100 * ips) / pooledIps,
    };
  } finally {
    await pool.close();
  }
}

export async function runBench(opts: BenchOptions) {
  const files = opts.files.length
    ? opts.files
    : [path.join(sharedDataDir(), 'data/isbi2015/images/151.jpg'), path.join(sharedDataDir(), 'data/dicom/dx-chest-j2k-lossless.dcm')];
  const model = await loadModel();
  opts.log(`bench: ${model.card.name} ${model.card.version} on ${describeProvider(model.provider)}, ${os.cpus().length} cores; ${nativeJpegStatus()}`);
  const perFile = [];
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-bench-'));
  const store = createCaseStore({ path: path.join(dbDir, 'bench.sqlite') });
  try {
    for (const f of files) {
      opts.log(`bench: ${path.basename(f)} x ${opts.runs}`);
      perFile.push(await timeFile(model, f, opts.runs, store));
    }
  } finally {
    store.close();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
  const bare = await bareInference(model, opts.runs);
  const batch = opts.batchFolder ? await timeBatch(model, opts.batchFolder, opts) : undefined;
  const torch = opts.torch ? torchEager(model, opts.runs) : undefined;
  await model.close();
  return {
    model: { name: model.card.name, version: model.card.version, provider: model.provider.name, input: [model.card.input.height, model.card.input.width] },
    jpeg_reader: nativeJpegStatus(),
    per_file: perFile,
    bare_inference: bare,
    batch,
    torch_eager: torch && 'median_ms' in torch ? { ...torch, onnx_speedup: torch.median_ms / bare.median_ms } : torch,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
}
