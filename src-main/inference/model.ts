// Loads an ONNX model with its card, picks an execution provider, and runs it. One session is
// shared by all callers; runs are queued so concurrent requests never oversubscribe the CPU.
import fs from 'node:fs';
import { fileSha256 } from '../util/sha256.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../src-shared/errors.js';
import { ModelCardSchema, OrientationCardSchema, SecondStageCardSchema, type ModelCard, type OrientationCard, type SecondStageCard } from '../../src-shared/model-card.js';
import type { z } from 'zod';
import { defaultModelDir } from '../util/paths.js';
import type { HeatmapReductions } from './codec.js';
import type { Adaptation } from '../adaptation/clinic-model.js';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

export interface ProviderChoice {
  name: ProviderName;
  gpu: boolean;
  /** why the GPU providers that were tried are not in use */
  fallbacks: { name: ProviderName; error: string }[];
}

export interface ModelOutput {
  heatmaps: Float32Array;
  /** present when the model computes them (card output.reductions); batch x K values each */
  reductions?: HeatmapReductions;
  /** an ensemble's members' peaks, members x K flat indices, where the card names them */
  memberPeaks?: number[][];
  /** an ensemble's members' centroids (input pixels), members x K */
  memberCentroids?: { x: number; y: number }[][];
}

export interface LoadedModel {
  card: ModelCard;
  cardPath: string;
  onnxPath: string;
  provider: ProviderChoice;
  run(input: Float32Array, batch: number): Promise<ModelOutput>;
  /** the orientation check the card names (checks.orientation), where it names one: its card, and
   *  a thumbnail -> probabilities of the 8 geometry classes and of a negative film */
  orientationCard?: OrientationCard;
  orient?: (thumbnail: Float32Array) => Promise<{ geometry: number[]; inverted: number }>;
  /** the second stage the card names (refine.card), where it names one: its card, and n crops ->
   *  heatmaps (n x K x h x w) */
  secondStage?: { card: SecondStageCard; run: (crops: Float32Array, n: number) => Promise<Float32Array> };
  /** a clinic's instant adaptation of this model (src-main/adaptation), applied by every tracing */
  adaptation?: Adaptation;
  close(): Promise<void>;
}

export function gpuProvidersFor(platform: NodeJS.Platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml'];
  if (platform === 'darwin') return ['coreml'];
  return ['cuda'];
}

export function findModelCard(dir = defaultModelDir()): string {
  if (!fs.existsSync(dir)) throw new AppError('model_invalid', `model folder ${dir} does not exist`);
  // companion networks' cards (the orientation check's, the second stage's) lie beside the landmark model's
  const cards = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.card.json') && !isCompanionCard(path.join(dir, f)))
    .sort();
  if (cards.length === 0) throw new AppError('model_invalid', `no *.card.json model card in ${dir}`);
  return path.join(dir, cards[cards.length - 1]);
}

function isCompanionCard(file: string): boolean {
  try {
    // a companion network's card says what kind it is; the landmark model's says nothing
    return typeof (JSON.parse(fs.readFileSync(file, 'utf8')) as { kind?: unknown }).kind === 'string';
  } catch {
    return false; // unreadable: let readModelCard say so
  }
}

export function readModelCard(cardPath: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(cardPath, 'utf8'));
  } catch (e) {
    throw new AppError('model_invalid', `model card ${cardPath} is not readable JSON: ${(e as Error).message}`);
  }
  const parsed = ModelCardSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('model_invalid', `model card ${path.basename(cardPath)} is invalid at ${first.path.join('.') || '(root)'}: ${first.message}`, {
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const card = parsed.data;
  if (card.codec.heatmap_size[0] !== card.output.height || card.codec.heatmap_size[1] !== card.output.width) {
    throw new AppError('model_invalid', 'model card: codec heatmap size differs from output size');
  }
  return card;
}

export interface LoadOptions {
  cardPath?: string;
  /** 'auto' tries the platform's GPU providers first; env MEDSAPIENS_EP overrides */
  provider?: ProviderName | 'auto';
  threads?: number;
  verifyHash?: boolean;
  /** a clinic's adaptation of this model (already read and checked against it) */
  adaptation?: Adaptation;
}

export async function loadModel(opts: LoadOptions = {}): Promise<LoadedModel> {
  const cardPath = opts.cardPath ?? findModelCard();
  const card = readModelCard(cardPath);
  const a = opts.adaptation;
  // the card's hash is the file's (checked below): an adaptation names the very model it adapts
  if (a && (a.parent.sha256 !== card.sha256 || a.parent.version !== card.version || a.offsets.length !== card.landmarks.length)) {
    throw new AppError('model_invalid', `the clinic model adapts ${a.parent.name} ${a.parent.version}, not the model installed here (${card.name} ${card.version}): adapt again`);
  }
  const onnxPath = path.join(path.dirname(cardPath), card.file);
  if (!fs.existsSync(onnxPath)) throw new AppError('model_invalid', `model file ${onnxPath} named by its card is missing`);
  if (opts.verifyHash !== false) {
    const sha = fileSha256(onnxPath);
    if (sha !== card.sha256) throw new AppError('model_invalid', `model file ${card.file} does not match its card (sha256 differs)`);
  }
  const wanted = (process.env.MEDSAPIENS_EP as ProviderName | undefined) ?? opts.provider ?? 'auto';
  const threads = opts.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Idle intra-op threads would otherwise spin after each run and take the cores that the
    // batch's detect workers and the UI need; it costs ~3 ms a run.
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
  const candidates: ProviderName[] = wanted === 'auto' ? [...gpuProvidersFor(process.platform), 'cpu'] : [wanted];
  const fallbacks: ProviderChoice['fallbacks'] = [];
  let session: ort.InferenceSession | undefined;
  let chosen: ProviderName = 'cpu';
  for (const name of candidates) {
    try {
      const missing = name === 'cuda' ? missingCudaProvider() : undefined;
      if (missing) {
        fallbacks.push({ name, error: missing });
        continue;
      }
      session = await ort.InferenceSession.create(onnxPath, { ...base, executionProviders: [name] });
      chosen = name;
      break;
    } catch (e) {
      fallbacks.push({ name, error: String((e as Error).message ?? e).split('\n')[0].slice(0, 200) });
    }
  }
  if (!session) throw new AppError('model_invalid', `could not start the model on ${candidates.join(', ')}: ${fallbacks.map((f) => f.error).join('; ')}`);
  const s = session;
  const provider: ProviderChoice = { name: chosen, gpu: chosen !== 'cpu', fallbacks };
  const { height, width } = card.input;
  const red = card.output.reductions;
  const fetches = [card.output.name, ...(red ? [red.peak_index, red.log_mass] : []), ...(red?.member_peak_index ? [red.member_peak_index] : []), ...(red?.member_moments ? [red.member_moments] : [])];
  const absent = [card.input.name].filter((n) => !s.inputNames.includes(n)).concat(fetches.filter((n) => !s.outputNames.includes(n)));
  if (absent.length) {
    await s.release();
    throw new AppError('model_invalid', `model ${card.file} has no ${absent.join(', ')} that its card names (it has inputs ${s.inputNames.join(', ')}; outputs ${s.outputNames.join(', ')})`);
  }
  const verify = opts.verifyHash !== false;
  // tiny: one thread, on the CPU whatever runs the landmark model
  const orientation = card.checks?.orientation
    ? await loadCompanion(path.join(path.dirname(cardPath), card.checks.orientation.card), OrientationCardSchema, 'orientation check', { ...base, intraOpNumThreads: Math.min(threads, 1) }, verify, [s])
    : undefined;
  // the second stage shares the landmark model's provider and threads
  const refiner = card.refine
    ? await loadCompanion(path.join(path.dirname(cardPath), card.refine.card), SecondStageCardSchema, 'second stage', { ...base, executionProviders: [chosen] }, verify, [s, orientation?.session])
    : undefined;
  // both sessions' runs go through one queue: they share the cores
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const job = queue.then(fn);
    queue = job.catch(() => undefined);
    return job;
  };
  return {
    card,
    cardPath,
    onnxPath,
    provider,
    ...(opts.adaptation ? { adaptation: opts.adaptation } : {}),
    ...(orientation
      ? {
          orientationCard: orientation.card,
          orient: (thumb: Float32Array) =>
            serial(async () => {
              const oc = orientation.card;
              const r = await orientation.session.run({ [oc.input.name]: new ort.Tensor('float32', thumb, [1, 1, oc.input.size, oc.input.size]) });
              const g = Array.from(r[oc.outputs.geometry].data as Float32Array);
              const top = Math.max(...g);
              const e = g.map((v) => Math.exp(v - top));
              const sum = e.reduce((a, b) => a + b, 0);
              const v = (r[oc.outputs.inverted].data as Float32Array)[0];
              return { geometry: e.map((x) => x / sum), inverted: 1 / (1 + Math.exp(-v)) };
            }),
        }
      : {}),
    ...(refiner
      ? {
          secondStage: {
            card: refiner.card,
            run: (crops: Float32Array, n: number) =>
              serial(async () => {
                const rc = refiner.card;
                const r = await refiner.session.run({ [rc.input]: new ort.Tensor('float32', crops, [n, 1, rc.crop, rc.crop]) });
                return r[rc.output].data as Float32Array;
              }),
          },
        }
      : {}),
    run(input: Float32Array, batch: number) {
      return serial(async () => {
        const tensor = new ort.Tensor('float32', input, [batch, 1, height, width]);
        const result = await s.run({ [card.input.name]: tensor }, fetches);
        const heatmaps = result[card.output.name].data as Float32Array;
        if (!red) return { heatmaps };
        const peaks = result[red.peak_index].data as BigInt64Array | Int32Array;
        const out: ModelOutput = { heatmaps, reductions: { peakIndex: Array.from(peaks, Number), logMass: result[red.log_mass].data as Float32Array } };
        if (red.member_peak_index && batch === 1) {
          const mp = result[red.member_peak_index];
          const [, m, k] = mp.dims;
          const flat = Array.from(mp.data as BigInt64Array, Number);
          out.memberPeaks = Array.from({ length: m }, (_, i) => flat.slice(i * k, (i + 1) * k));
        }
        if (red.member_moments && batch === 1) {
          const mm = result[red.member_moments];
          const [, m, k] = mm.dims;
          const d = mm.data as Float32Array;
          out.memberCentroids = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => ({ x: d[(i * k + j) * 3], y: d[(i * k + j) * 3 + 1] })));
        }
        return out;
      });
    },
    async close() {
      await queue;
      await s.release();
      await orientation?.session.release();
      await refiner?.session.release();
    },
  };
}

/** A companion network (the orientation check, the second stage) from its own card beside the
 *  landmark model's, which names it. Where it cannot be loaded, the sessions loaded so far are
 *  released and the model is invalid. */
async function loadCompanion<T extends { file: string; sha256: string }>(
  cardFile: string,
  schema: z.ZodType<T>,
  what: string,
  options: ort.InferenceSession.SessionOptions,
  verify: boolean,
  loaded: (ort.InferenceSession | undefined)[],
): Promise<{ card: T; session: ort.InferenceSession }> {
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(cardFile, 'utf8'));
    } catch (e) {
      throw new Error(`${what} card ${cardFile} named by the model card is not readable JSON: ${(e as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${what} card ${path.basename(cardFile)} is invalid at ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const card = parsed.data;
    const file = path.join(path.dirname(cardFile), card.file);
    if (!fs.existsSync(file)) throw new Error(`${what} model ${file} named by its card is missing`);
    if (verify && fileSha256(file) !== card.sha256) throw new Error(`${what} model ${card.file} does not match its card (sha256 differs)`);
    const session = await ort.InferenceSession.create(file, options);
    return { card, session };
  } catch (e) {
    for (const l of loaded) await l?.release();
    throw new AppError('model_invalid', (e as Error).message.split('\n')[0]);
  }
}

/** One mid-grey input of the card's size: what bare-inference timings run on. */
export function constantInput(card: ModelCard): Float32Array {
  return new Float32Array(card.input.height * card.input.width).fill(0.5);
}

/** Why the CUDA provider cannot load, when its library is not installed beside onnxruntime's
 *  binding (the npm package fetches it only on request). Asking onnxruntime to try anyway costs
 *  nothing but prints a red error dump on stderr, in the middle of CLI output. */
function missingCudaProvider(): string | undefined {
  let dir: string;
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    dir = path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined; // unknown layout: let onnxruntime decide
  }
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return fs.existsSync(path.join(dir, lib)) ? undefined : `the CUDA provider library (${lib}) is not installed with onnxruntime-node`;
}

/** The name and version a tracing records as what made it: the model, and the clinic's correction
 *  where one is applied. */
export function modelLabel(m: LoadedModel): { name: string; version: string } {
  const a = m.adaptation;
  return { name: m.card.name, version: a ? `${m.card.version} + clinic offsets ${a.created_at.slice(0, 16)} (${a.cases.length} cases)` : m.card.version };
}

export function describeProvider(p: ProviderChoice): string {
  if (p.gpu) return `GPU (${p.name})`;
  const tried = p.fallbacks.map((f) => f.name).join(', ');
  return tried ? `CPU (no GPU provider available: tried ${tried})` : 'CPU';
}
