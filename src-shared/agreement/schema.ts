// The API's shape of an agreement (src-shared/agreement/tracings.ts), checked on both transports.
import { z } from 'zod';
import type { TracingAgreement } from './tracings.js';

const Interval = z.object({ value: z.number(), lower: z.number(), upper: z.number() });

export const AgreementSchema = z.object({
  images: z.number().int(),
  distanceUnit: z.enum(['mm', 'px']),
  analyses: z.array(z.string()),
  landmarks: z.array(
    z.object({ id: z.string(), n: z.number().int(), unit: z.enum(['mm', 'px']), meanDistance: z.number(), sdDistance: z.number(), sdr: z.record(z.string(), z.number()).optional() }),
  ),
  measures: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      unit: z.enum(['deg', 'mm', 'ratio', 'percent']),
      n: z.number().int(),
      meanA: z.number(),
      meanB: z.number(),
      icc: z.object({ icc2: Interval, icc3: Interval }).optional(),
      blandAltman: z.object({ bias: z.number(), sd: z.number(), lower: z.number(), upper: z.number(), points: z.array(z.object({ mean: z.number(), difference: z.number() })) }),
      dahlberg: z.number(),
    }),
  ),
}) satisfies z.ZodType<TracingAgreement>;
