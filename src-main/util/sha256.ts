// The content hash that names an image in the library and checks a model against its card.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function fileSha256(file: string): string {
  return sha256Hex(fs.readFileSync(file));
}
