// What the app found out about an image before trusting a tracing of it (src-main/inference/trace.ts):
// kept with each landmark set, shown by the viewer and the case list, printed in reports.
import { z } from 'zod';

export const OrientationSchema = z.object({
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  mirrored: z.boolean(),
  inverted: z.boolean(),
});

export const CheckWarningSchema = z.object({
  code: z.enum(['not_cephalogram', 'implausible_shape', 'reoriented', 'orientation_unsure', 'orientation_overridden']),
  message: z.string(),
});

export const ImageCheckSchema = z.object({
  isCephalogram: z.boolean(),
  orientation: OrientationSchema.extend({
    source: z.enum(['auto', 'user', 'none']),
    probability: z.number().min(0).max(1).optional(),
    description: z.string(),
  }),
  shapeD2: z.number().nonnegative().optional(),
  /** traced a second time with the skull resampled to the training films' size: by this factor */
  reframeZoom: z.number().positive().optional(),
  meanConfidence: z.number().min(0).max(1),
  warnings: z.array(CheckWarningSchema),
});
export type ImageCheckData = z.infer<typeof ImageCheckSchema>;

/** Where a case stands in review, for the case list. */
export const ReviewStateSchema = z.enum(['not_traced', 'refused', 'to_review', 'not_reviewed', 'reviewed']);
export type ReviewState = z.infer<typeof ReviewStateSchema>;

export function reviewStateOf(c: { hasLandmarks: boolean; check: ImageCheckData | null; traceAnyway: boolean; reviewedAt: string | null; toReview: number }): ReviewState {
  if (!c.hasLandmarks) return 'not_traced';
  if (c.check && !c.check.isCephalogram && !c.traceAnyway) return 'refused';
  if (c.reviewedAt) return 'reviewed';
  return c.toReview > 0 ? 'to_review' : 'not_reviewed';
}
