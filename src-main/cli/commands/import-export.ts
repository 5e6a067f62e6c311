import type { Command } from 'commander';
import { toAppError } from '../../../src-shared/errors.js';
import { createApp } from '../../services/app.js';
import { info, toCsv, writeResult, formatFromPath } from '../output.js';

export function registerImportExport(program: Command): void {
  program
    .command('import')
    .description('import image files into the case database (with landmark detection unless --no-detect)')
    .argument('<files...>')
    .option('--db <file>', 'case database file')
    .option('--no-detect', 'only import, do not run the model')
    .action(async (files: string[], opts: { db?: string; detect: boolean }) => {
      const app = createApp({ dbPath: opts.db, log: info });
      try {
        const r = await app.handlers['images.importPaths']({ paths: files, detect: opts.detect });
        for (const x of r) info(x.ok ? `${x.path}: image ${x.imageId}${x.duplicate ? ' (already imported)' : ''}` : `${x.path}: ${x.error.code}: ${x.error.message}`);
        writeResult(JSON.stringify(r, null, 2) + '\n');
        if (r.some((x) => !x.ok)) process.exitCode = r.every((x) => !x.ok) ? 2 : 1;
      } finally {
        await app.close();
      }
    });

  program
    .command('relink')
    .description('give a case whose image file is missing or changed its original file again (checked by its content hash)')
    .argument('<imageId>')
    .argument('<file>')
    .option('--db <file>', 'case database file')
    .action(async (id: string, file: string, opts: { db?: string }) => {
      const app = createApp({ dbPath: opts.db, log: info });
      try {
        await app.handlers['images.relink']({ imageId: Number(id), path: file });
        info(`image ${id}: relinked to ${file} (kept in the image library)`);
      } finally {
        await app.close();
      }
    });

  program
    .command('export')
    .description('export the landmarks of cases from the case database (CSV or JSON)')
    .argument('[imageIds...]', 'image ids (default: every case)')
    .option('--db <file>', 'case database file')
    .option('-o, --out <file>', 'output file (.csv or .json); default JSON on stdout')
    .option('--anonymise', 'leave out patient name, ID and birth date')
    .action(async (ids: string[], opts: { db?: string; out?: string; anonymise?: boolean }) => {
      const app = createApp({ dbPath: opts.db, log: info });
      try {
        const chosen = ids.length ? ids.map(Number) : app.store.listCases({ limit: 10000 }).map((c) => c.imageId);
        const cases = [];
        for (const id of chosen) {
          try {
            const c = app.store.getCase(id);
            cases.push({
              imageId: id,
              patient: opts.anonymise ? { sex: c.patient.sex } : { name: c.patient.name, id: c.patient.externalId, birthDate: c.patient.birthDate, sex: c.patient.sex },
              studyDate: c.study.studyDate,
              file: opts.anonymise ? undefined : c.image.sourcePath,
              width: c.image.width,
              height: c.image.height,
              spacing: c.image.spacing,
              model: c.landmarks ? { name: c.landmarks.set.modelName, version: c.landmarks.set.modelVersion } : null,
              landmarks: c.landmarks?.points.map((p) => ({ id: p.landmarkId, x: p.x, y: p.y, confidence: p.confidence, source: p.source })) ?? [],
            });
          } catch (e) {
            info(`case ${id}: ${toAppError(e).message}`);
            process.exitCode = 1;
          }
        }
        if (formatFromPath(opts.out, 'json') === 'csv') {
          const rows = cases.flatMap((c) => c.landmarks.map((l) => ({ image_id: c.imageId, patient_id: opts.anonymise ? '' : c.patient.id, landmark: l.id, x: l.x, y: l.y, confidence: l.confidence, source: l.source })));
          writeResult(toCsv(rows, ['image_id', ...(opts.anonymise ? [] : ['patient_id']), 'landmark', 'x', 'y', 'confidence', 'source']), opts.out);
        } else writeResult(JSON.stringify(cases, null, 2) + '\n', opts.out);
      } finally {
        await app.close();
      }
    });
}
