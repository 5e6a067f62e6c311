// One error taxonomy for every surface (CLI exit codes, HTTP status, UI messages), so a bad
// file reads the same everywhere and callers branch on `code`, never on message text.
import { z } from 'zod';

export const ERROR_CODES = [
  'not_found', // the path does not exist
  'unreadable', // exists but cannot be read (permissions, a directory, a device)
  'empty', // zero bytes
  'not_an_image', // neither DICOM nor a raster format we know
  'corrupt', // looks like a known format but cannot be decoded
  'missing_element', // DICOM without a required element (Rows, Columns, PixelData, ...)
  'unsupported', // valid but not handled: transfer syntax, multi-frame, colour model, ...
  'too_small', // smaller than a cephalogram can be
  'too_large', // declared dimensions beyond what we accept (decompression bombs)
  'model_invalid', // ONNX model or its card is missing or wrong
  'bad_request', // API input failed validation
  'conflict', // concurrent modification
  'image_missing', // a case's image file is gone (from the library and from where it came): relink or re-import
  'image_changed', // a case's image file no longer has the content it was imported with
  'unreachable', // a network peer (the PACS) does not answer, refuses the association, or fails the operation
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const AppErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorData = z.infer<typeof AppErrorSchema>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): AppErrorData {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new AppError('internal', msg);
}

/** HTTP status for each code (the loopback API). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  unreadable: 422,
  empty: 422,
  not_an_image: 415,
  corrupt: 422,
  missing_element: 422,
  unsupported: 415,
  too_small: 422,
  too_large: 413,
  model_invalid: 500,
  bad_request: 400,
  conflict: 409,
  image_missing: 410,
  image_changed: 409,
  unreachable: 502,
  internal: 500,
};
