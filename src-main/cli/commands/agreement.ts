import path from 'node:path';
import type { Command } from 'commander';
import { agreementCsv, agreementFile } from '../../reports/agreement-report.js';
import { ANALYSES } from '../../../src-shared/ceph/analyses.js';
import { AppError } from '../../../src-shared/errors.js';
import { tracingAgreement, type TracingAgreement } from '../../../src-shared/agreement/tracings.js';
import type { TracingPair } from '../../../src-shared/agreement/tracings.js';
import { createApp } from '../../services/app.js';
import { csvPairs, isbiAnnotatorPairs, modelVsClinicianPairs } from '../../services/agreement-pairs.js';
import { info, writeResult } from '../output.js';

interface Opts {
  a?: string;
  b?: string;
  isbi?: string;
  split: string;
  modelVsClinician?: boolean;
  db?: string;
  mmPerPx?: number;
  analyses: string;
  json?: string;
  csv?: string;
  pdf?: string;
}

export function registerAgreement(program: Command): void {
  program
    .command('agreement')
    .description('agreement between two sets of tracings of the same images (two clinicians, a clinician twice, the model and a clinician): per landmark the radial distance and SDR; per measure ICC(2,1) and ICC(3,1) with 95 % CIs, Bland-Altman bias and limits, Dahlberg error')
    .option('--a <csv>', 'first tracing CSV `id,x1,y1,...` (pixels, ISBI landmark order)')
    .option('--b <csv>', 'second tracing CSV, same layout')
    .option('--mm-per-px <x>', 'with --a/--b: the images’ pixel spacing (without it: distances in pixels, no mm measures)', parseFloat)
    .option('--isbi <dir>', 'instead of --a/--b: ISBI 2015’s senior (a) vs junior (b) annotations')
    .option('--split <name>', 'with --isbi: the split', 'test1')
    .option('--model-vs-clinician', 'instead: the case database’s model tracings (a) against what clinicians made of them (b), on every reviewed or corrected case')
    .option('--db <path>', 'with --model-vs-clinician: case database (default: MEDSAPIENS_DB, else the one in the user data folder)')
    .option('--analyses <ids>', `comma-separated, of: ${Object.keys(ANALYSES).join(', ')}`, 'steiner')
    .option('--json <file>', 'write everything (Bland-Altman points included) as JSON')
    .option('--csv <file>', 'write the landmark and measure tables as CSV')
    .option('--pdf <file>', 'write the printed report: tables and a Bland-Altman plot per measure')
    .action(async (opts: Opts) => {
      const analyses = opts.analyses.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = analyses.filter((id) => !Object.hasOwn(ANALYSES, id));
      if (unknown.length) throw new AppError('bad_request', `unknown analysis ${unknown.join(', ')} (known: ${Object.keys(ANALYSES).join(', ')})`);
      let pairs: TracingPair[];
      let names: { a: string; b: string };
      if (opts.modelVsClinician) {
        const app = createApp({ dbPath: opts.db, log: info });
        try {
          pairs = modelVsClinicianPairs(app.store);
        } finally {
          await app.close();
        }
        names = { a: 'model', b: 'clinician' };
      } else if (opts.isbi) {
        pairs = isbiAnnotatorPairs(opts.isbi, opts.split);
        names = { a: `ISBI 2015 senior (${opts.split})`, b: 'junior' };
      } else if (opts.a && opts.b) {
        pairs = csvPairs(opts.a, opts.b, opts.mmPerPx);
        names = { a: path.basename(opts.a), b: path.basename(opts.b) };
      } else throw new AppError('bad_request', 'give --a and --b tracing CSVs, --isbi with an ISBI 2015 folder, or --model-vs-clinician');
      const r = tracingAgreement(pairs, analyses);
      process.stdout.write(formatAgreement(r));
      if (opts.json) writeResult((await agreementFile(r, names, 'json')).bytes, opts.json);
      if (opts.csv) writeResult(agreementCsv(r), opts.csv);
      if (opts.pdf) writeResult((await agreementFile(r, names, 'pdf')).bytes, opts.pdf);
    });
}

const f = (v: number, d = 2) => v.toFixed(d);

export function formatAgreement(r: TracingAgreement): string {
  const u = r.distanceUnit;
  const lines = [`${r.images} images; analyses: ${r.analyses.join(', ')}`, '', `landmark                      n   mean ${u}   SD   ${u === 'mm' ? 'SDR2  SDR2.5 SDR3  SDR4' : ''}`];
  for (const l of r.landmarks) {
    const sdr = l.sdr ? Object.values(l.sdr).map((v) => f(v, 1).padStart(5)).join(' ') : '';
    lines.push(`${l.id.padEnd(28)}${String(l.n).padStart(3)}  ${f(l.meanDistance).padStart(7)} ${f(l.sdDistance).padStart(5)}  ${sdr}`);
  }
  lines.push('', 'measure                 unit   n   mean a   mean b   ICC(2,1) [95% CI]       ICC(3,1) [95% CI]       bias   limits of agreement   Dahlberg');
  for (const m of r.measures) {
    const ci = (i?: { value: number; lower: number; upper: number }) => (i ? `${f(i.value, 3)} [${f(i.lower, 3)}, ${f(i.upper, 3)}]` : '-').padEnd(24);
    const ba = m.blandAltman;
    lines.push(
      `${m.id.padEnd(24)}${m.unit.padEnd(5)}${String(m.n).padStart(4)} ${f(m.meanA).padStart(8)} ${f(m.meanB).padStart(8)}   ${ci(m.icc?.icc2)}${ci(m.icc?.icc3)}${f(ba.bias).padStart(6)}   ${`[${f(ba.lower)}, ${f(ba.upper)}]`.padEnd(20)}${f(m.dahlberg).padStart(7)}`,
    );
  }
  return lines.join('\n') + '\n';
}
