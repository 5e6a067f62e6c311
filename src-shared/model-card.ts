// The model card: everything the app needs to run a model exactly as it was trained, plus what
// a clinician or auditor needs to trust it. Written by training/export.py, validated at load.
import { z } from 'zod';

const REDUCED_DECODES = ['jpeg-dct-grey-area', 'jpeg-dct-lanczos3', 'jpeg2000-lowpass-area'] as const;
export type ReducedDecode = (typeof REDUCED_DECODES)[number];

const Sdr = z.record(z.string(), z.number());
const Figures = z.object({ n_images: z.number().int(), mre_mm: z.number(), sd_mm: z.number(), sdr: Sdr });
const ReducedFigures = z.object({ mean: Figures, full_decode_mean: Figures, how: z.string() });

const CodecSchema = z.object({
  name: z.literal('gaussian-softmax-newton'),
  input_size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  heatmap_size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  stride: z.number().int().positive(),
  sigma: z.number().positive(),
  confidence_radius: z.number().positive(),
  refine_clamp: z.number().nonnegative(),
});

export const ModelCardSchema = z.object({
  schema_version: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  landmark_set: z.string(),
  landmarks: z.array(z.string()).min(1),
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    channels: z.literal(1),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    dtype: z.literal('float32'),
    scale: z.number().positive(),
    mean: z.number(),
    std: z.number().positive(),
    resize: z.literal('letterbox-area'),
    /** cheaper reads the app may use instead of a full decode and area averaging, each listed only
     *  for a model whose accuracy was measured with it (metrics.app_test1*):
     *  'jpeg-dct-grey-area': a JPEG (a file, or a grey 8-bit DICOM frame) whose luma alone is
     *  decoded by libjpeg at the smallest DCT scale still covering the letterbox, then area
     *  averaged to the letterbox size (src-main/imaging/raster/jpeg-grey-area.ts; needs the native
     *  reader, native/jpeg-reduced; where it is absent the next JPEG read listed is used);
     *  'jpeg-dct-lanczos3': a JPEG (a file, or a grey 8-bit DICOM frame) decoded at reduced scale
     *  in the DCT domain (a file at the smallest scale still covering the letterbox, a frame in
     *  memory at sharp's own choice) and resampled by libvips' Lanczos-3 straight to the letterbox
     *  size (src-main/imaging/raster/jpeg-reduced.ts);
     *  'jpeg2000-lowpass-area': a JPEG 2000 DICOM decoded only down to the wavelet low-pass band
     *  at least as large as the letterbox, then area averaged (src-main/imaging/dicom/reduced-frame.ts) */
    reduced_decode: z.array(z.enum(REDUCED_DECODES)).optional(),
    pad_value: z.number(),
    orientation: z.enum(['facing-right', 'facing-left']),
    /** reframing (src-main/inference/framing.ts, training/framing.py): a skull whose first tracing's
     *  size is more than min_log_ratio (natural log) from the training tracings' is traced again,
     *  the input resampled to their mean size and centre (model-input pixels) */
    reframe: z
      .object({
        centroid: z.tuple([z.number(), z.number()]),
        size: z.number().positive(),
        log_size_sd: z.number().nonnegative(),
        min_log_ratio: z.number().nonnegative(),
        fitted_on: z.string(),
        figures: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
  output: z.object({
    name: z.string(),
    kind: z.literal('logits'),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    stride: z.number().int().positive(),
    /** further outputs holding per-channel reductions of the heatmaps (argmax as a flat index,
     *  log-sum-exp), computed inside the model run; without them the decoder computes both */
    reductions: z
      .object({
        peak_index: z.string().min(1),
        log_mass: z.string().min(1),
        /** an ensemble's members' own peaks (batch x members x K flat indices): how much they disagree
         *  is one of the signs of a point that may be wrong (training/member_peaks.py) */
        member_peak_index: z.string().min(1).optional(),
        /** each member's density moments (batch x members x K x [mean x, mean y, mean x^2+y^2],
         *  input pixels): sub-pixel centroids whose scatter is the members' disagreement */
        member_moments: z.string().min(1).optional(),
      })
      .optional(),
  }),
  codec: CodecSchema,
  backbone: z.object({
    type: z.string(),
    model: z.string(),
    pretrained: z.boolean(),
    finetune: z.string(),
    lora: z.unknown().nullable(),
  }),
  pretrained_source: z.object({ description: z.string(), package: z.string(), licence: z.string() }),
  training: z.object({
    dataset: z.string(),
    train_split: z.string(),
    validation_ids: z.array(z.string()),
    ground_truth: z.string(),
    epochs: z.number().int(),
    best_epoch: z.number().int(),
    val_mre_mm: z.number().nullable().optional(),
    minutes: z.number().nullable().optional(),
    hardware: z.string(),
    commit: z.string(),
    exported_at: z.string(),
    config: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().optional(),
  }),
  parity: z.object({
    onnx_vs_torch_max_abs: z.number().max(1e-4),
    onnx_vs_torch_fp32_max_abs: z.number().optional(),
    log_mass_max_abs: z.number().max(1e-3).optional(),
    reference: z.string().optional(),
  }),
  /** several trained networks exported as one graph whose heatmaps are the mean of theirs
   *  (training/ensemble.py); the app runs it like any single model */
  ensemble: z
    .object({
      combine: z.string(),
      members: z.array(z.object({ checkpoint: z.string(), seed: z.number().int(), epoch: z.number().int(), val_mre_mm: z.number().nullable().optional() })).min(2),
    })
    .optional(),
  metrics: z
    .object({
      test1: z.object({ mean: Figures, senior: Figures, junior: Figures }),
      /** test1 (JPEG files) through the app's own reading and preprocessing (`medsapiens eval`),
       *  by the reduced read it used (input.reduced_decode): which one depends on the machine
       *  (the native JPEG reader, where built, else sharp) */
      app_test1: z.partialRecord(z.enum(REDUCED_DECODES), z.object({ mean: Figures, senior: Figures, junior: Figures, how: z.string() })).optional(),
      /** test1 re-encoded as DICOMs (lossless JPEG 2000; grey baseline JPEG), read by the app
       *  with each reduced read (mean) and in full (full_decode_mean) */
      app_test1_dicom: z.partialRecord(z.enum(REDUCED_DECODES), ReducedFigures).optional(),
    })
    .optional(),
  /** the second stage (src-main/inference/refine.ts, training/refine.py): a network with its own
   *  card beside this one (SecondStageCardSchema), run by src-main/inference/model.ts */
  refine: z.object({ card: z.string().min(1) }).optional(),
  /** the safety net: what the app checks about an image and a tracing before it trusts them */
  checks: z
    .object({
      /** the orientation and polarity check: a small network with its own card beside this one
       *  (OrientationCardSchema), run by src-main/inference/model.ts */
      orientation: z.object({ card: z.string().min(1) }).optional(),
      /** src-main/inference/uncertainty.ts: log sigma = intercept[landmark] + sum of weight x feature
       *  (input pixels); the stated radius is sigma x radius_scale (90 % of held-out errors within) */
      uncertainty: z
        .object({
          coverage: z.number().gt(0).lt(1),
          intercept: z.array(z.number()),
          weights: z.partialRecord(z.enum(['log_spread', 'log_members', 'log_shape', 'image_log_spread', 'image_log_members']), z.number()),
          radius_scale: z.number().positive(),
          /** a point is flagged for review when the chance that it is off by more than flag_beyond_mm
           *  (flag_beyond_px input pixels where the image has no spacing) exceeds flag_probability */
          flag_beyond_mm: z.number().positive(),
          flag_beyond_px: z.number().positive(),
          flag_probability: z.number().gt(0).lt(1),
          fitted_on: z.string(),
          figures: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
      /** whether the image is a lateral cephalogram at all, from the tracing the model makes of it */
      cephalogram: z
        .object({
          /** above this shape distance (squared Mahalanobis, shape-model.ts) it is not a cephalogram */
          max_shape_d2: z.number().positive(),
          /** above this the tracing is a cephalogram's but implausible as a whole: flagged */
          warn_shape_d2: z.number().positive(),
          /** below this mean heatmap confidence it is not a cephalogram */
          min_mean_confidence: z.number().min(0).max(1),
          fitted_on: z.string(),
          figures: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
    })
    .optional(),
  licence: z.string(),
  /** a clinic model made by LoRA fine-tuning (training/adapt_lora.py): its parent, the cases it
   *  learnt from, and its held-out figures */
  adaptation: z
    .object({
      method: z.literal('lora'),
      parent: z.object({ name: z.string(), version: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
      cases: z.array(z.string()).min(1),
      created: z.string(),
      seconds: z.number(),
      figures: z.record(z.string(), z.unknown()),
    })
    .passthrough()
    .optional(),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

/** The card of the orientation check's network (training/orient.py writes it at export): which of
 *  8 turns and mirrors a film is stored in (class = 4 * mirrored + clockwise quarter turns) and
 *  whether it is a negative, from a thumbnail. */
export const OrientationCardSchema = z.object({
  schema_version: z.literal(1),
  kind: z.literal('orientation-check'),
  name: z.string().min(1),
  version: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  input: z.object({ name: z.string(), size: z.number().int().positive() }),
  outputs: z.object({ geometry: z.string(), inverted: z.string() }),
  /** below this probability of its best class the check says it is unsure and leaves the image as it is */
  min_probability: z.number().min(0).max(1),
  training: z.string(),
  validation: z.record(z.string(), z.number()).optional(),
  /** test1 and hamedan-dev stored mirrored, turned and negative: MRE and orientation found */
  transforms: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string()]))).optional(),
  licence: z.string(),
});
export type OrientationCard = z.infer<typeof OrientationCardSchema>;

/** The card of the second stage's network (training/refine.py writes it at export): it places each
 *  landmark named in `landmarks` again in a crop x crop window of the full-resolution image centred
 *  on the first stage's point, `factor` times finer than the first stage's input; its output holds
 *  every landmark's channel, crop i is read in the channel of the landmark it was cut for. */
export const SecondStageCardSchema = z.object({
  schema_version: z.literal(1),
  kind: z.literal('second-stage'),
  name: z.string().min(1),
  version: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  input: z.string().min(1),
  output: z.string().min(1),
  crop: z.number().int().positive(),
  factor: z.number().positive(),
  codec: CodecSchema,
  landmarks: z.array(z.string()).min(1),
  trained_on: z.string(),
  parity: z.record(z.string(), z.unknown()).optional(),
  figures: z.record(z.string(), z.unknown()).optional(),
  licence: z.string(),
});
export type SecondStageCard = z.infer<typeof SecondStageCardSchema>;
