// Child process for stdout.test.ts: imports one file and prints exactly one JSON line.
import { importImage } from '../../../src-main/imaging/import.js';

const img = await importImage(process.argv[2]!);
process.stdout.write(JSON.stringify({ width: img.width, height: img.height, format: img.format }) + '\n');
