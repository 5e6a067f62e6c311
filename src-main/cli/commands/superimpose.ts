// `medsapiens timeline` and `medsapiens superimpose`: a patient's studies in date order, and the
// tracings of some of them superimposed with the change table (text, JSON or CSV).
import type { Command } from 'commander';
import { ANALYSES } from '../../../src-shared/ceph/analyses.js';
import { AppError } from '../../../src-shared/errors.js';
import { REGISTRATIONS, type RegistrationId } from '../../../src-shared/superimposition/registration.js';
import type { Superimposition } from '../../../src-shared/superimposition/schema.js';
import { createApp } from '../../services/app.js';
import { patientTimeline, superimposeCases } from '../../services/superimposition.js';
import { changeTableCsv, superimpositionReport } from '../../reports/superimposition-report.js';
import { info, writeResult } from '../output.js';

const imageId = (v: string) => {
  if (!/^\d+$/.test(v)) throw new AppError('bad_request', `an image id is a number, not '${v}'`);
  return Number(v);
};

export function registerSuperimpose(program: Command): void {
  program
    .command('timeline')
    .description('a patient’s studies in date order (T0, T1 ...) with the age at each, from the case database')
    .argument('<imageId>', 'any of the patient’s cases')
    .option('--db <path>', 'case database (default: MEDSAPIENS_DB, else the one in the user data folder)')
    .option('--json <file>', 'write it as JSON')
    .action(async (id: string, opts: { db?: string; json?: string }) => {
      const app = createApp({ dbPath: opts.db, log: info });
      try {
        const t = patientTimeline(app.store, imageId(id));
        process.stdout.write(`${t.patient.name ?? '(no name)'} ${t.patient.externalId ?? ''}${t.patient.birthDate ? `, born ${t.patient.birthDate}` : ''}\n`);
        for (const e of t.entries) {
          process.stdout.write(`${e.label.padEnd(4)} image ${String(e.imageId).padEnd(6)} ${e.studyDate ?? 'undated   '} ${e.ageYears !== null ? `age ${e.ageYears.toFixed(1)}` : '        '}  ${e.traced ? 'traced' : 'not traced'}${e.calibrated ? '' : ', uncalibrated'}  ${e.fileName}\n`);
        }
        if (opts.json) writeResult(JSON.stringify(t, null, 2) + '\n', opts.json);
      } finally {
        await app.close();
      }
    });

  program
    .command('superimpose')
    .description('superimpose the tracings of one patient’s studies on the first and tabulate what changed')
    .argument('<imageIds...>', 'two or more cases of one patient, the reference (T0) first')
    .option('-r, --registration <id>', `${Object.entries(REGISTRATIONS).map(([k, r]) => `${k} (${r.name})`).join(', ')}`, 'sn-at-s')
    .option('-a, --analysis <ids>', `comma-separated analyses for the change table: ${Object.keys(ANALYSES).join(', ')}`, 'steiner')
    .option('--db <path>', 'case database (default: MEDSAPIENS_DB, else the one in the user data folder)')
    .option('--json <file>', 'write everything as JSON')
    .option('--csv <file>', 'write the change table as CSV')
    .option('--pdf <file>', 'write the printed superimposition (tracings over the first radiograph, tables)')
    .action(async (ids: string[], opts: { registration: string; analysis: string; db?: string; json?: string; csv?: string; pdf?: string }) => {
      if (!Object.hasOwn(REGISTRATIONS, opts.registration)) throw new AppError('bad_request', `unknown registration '${opts.registration}' (known: ${Object.keys(REGISTRATIONS).join(', ')})`);
      const analyses = opts.analysis.split(',').map((s) => s.trim()).filter(Boolean);
      const app = createApp({ dbPath: opts.db, log: info });
      try {
        const req = { imageIds: ids.map(imageId), registration: opts.registration as RegistrationId, analyses };
        const s = superimposeCases(app.store, req.imageIds, req.registration, req.analyses);
        process.stdout.write(formatChangeTable(s));
        if (opts.json) writeResult(JSON.stringify(s, null, 2) + '\n', opts.json);
        if (opts.csv) writeResult(changeTableCsv(s), opts.csv);
        if (opts.pdf) writeResult((await superimpositionReport(app, { ...req, format: 'pdf' })).bytes, opts.pdf);
      } finally {
        await app.close();
      }
    });
}

const num = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '-' : v.toFixed(d));

export function formatChangeTable(s: Superimposition): string {
  const tps = s.timePoints;
  const lines = [`registration: ${s.registration.name} (${s.registration.description})`];
  s.registration.usedPoints.forEach((pts, i) => lines.push(`  ${tps[i + 1].label} on ${tps[0].label}: ${pts.join(', ')}${s.registration.residualMm[i] !== null ? `, residual ${num(s.registration.residualMm[i])} mm` : ''}`));
  lines.push('', `measure                 unit ${tps.map((t) => t.label.padStart(18)).join('')}${tps.slice(1).map((t) => `   change ${t.label.split(' ')[0]}`.padStart(14)).join('')}`);
  for (const m of s.measures) lines.push(`${m.id.padEnd(24)}${m.unit.padEnd(5)}${m.values.map((v) => num(v).padStart(18)).join('')}${m.changes.slice(1).map((c) => num(c).padStart(14)).join('')}`);
  lines.push('', `landmark displacement from ${tps[0].label}, mm (x forward along the reference line, y down)`);
  for (const l of s.landmarks) lines.push(`${l.id.padEnd(28)}${l.displacements.slice(1).map((d) => (d ? `x ${num(d.dx).padStart(6)}  y ${num(d.dy).padStart(6)}  |${num(d.d)}|` : '-').padEnd(34)).join('')}`);
  return lines.join('\n') + '\n';
}
