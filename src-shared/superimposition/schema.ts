// The API's shapes for a patient's timeline and a superimposition (checked on both transports).
import { z } from 'zod';

const Point = z.object({ x: z.number().finite(), y: z.number().finite() });
const Interval = z.number().finite().nullable();

export const RegistrationIdSchema = z.enum(['sn-at-s', 'cranial-base', 'maxilla', 'mandible']);

export const TimelineSchema = z.object({
  patient: z.object({ name: z.string().nullable(), externalId: z.string().nullable(), birthDate: z.string().nullable(), sex: z.string().nullable() }),
  /** the patient's studies in date order (undated last, by import), T0 first */
  entries: z.array(
    z.object({
      imageId: z.number().int(),
      label: z.string(),
      studyDate: z.string().nullable(),
      /** years at the study, where birth and study dates are known */
      ageYears: z.number().nullable(),
      fileName: z.string(),
      traced: z.boolean(),
      calibrated: z.boolean(),
    }),
  ),
});
export type Timeline = z.infer<typeof TimelineSchema>;

const Rigid = z.object({ c: z.number(), s: z.number(), tx: z.number(), ty: z.number() });

export const SuperimpositionSchema = z.object({
  imageIds: z.array(z.number().int()),
  registration: z.object({
    registration: RegistrationIdSchema,
    name: z.string(),
    description: z.string(),
    usedPoints: z.array(z.array(z.string())),
    toFrame: z.array(Rigid),
    residualMm: z.array(Interval),
  }),
  timePoints: z.array(z.object({ label: z.string(), date: z.string().nullable(), ageYears: z.number().nullable() })),
  analyses: z.array(z.string()),
  measures: z.array(
    z.object({ id: z.string(), name: z.string(), unit: z.enum(['deg', 'mm', 'ratio', 'percent']), values: z.array(Interval), changes: z.array(Interval) }),
  ),
  landmarks: z.array(
    z.object({
      id: z.string(),
      positions: z.array(Point.nullable()),
      displacements: z.array(z.object({ dx: z.number(), dy: z.number(), d: z.number() }).nullable()),
    }),
  ),
  /** per time point, its landmarks drawn on the first study's image (pixels) */
  onFirstImage: z.array(z.record(z.string(), Point)),
  /** per time point, its image's pixels -> the first image's pixels (x' = a x + b y + c, y' = d x + e y + f) */
  imageToFirst: z.array(z.object({ a: z.number(), b: z.number(), c: z.number(), d: z.number(), e: z.number(), f: z.number() })),
});
export type Superimposition = z.infer<typeof SuperimpositionSchema>;
