// `medsapiens report`: a clinical report for a case in the database (by image id), for an image
// file (imported and detected first, then reported like any case), or for every case that has
// landmarks (--all, one file each into a folder). Report bytes go to --out or stdout; messages to
// stderr.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ANALYSES } from '../../../src-shared/ceph/index.js';
import { AppError, toAppError } from '../../../src-shared/errors.js';
import type { CaseSummary } from '../../db/cases.js';
import { REPORT_FORMATS } from '../../reports/create-report.js';
import { reportForCase } from '../../reports/case-report.js';
import type { ReportFormat } from '../../reports/file-name.js';
import { checkAnalysisIds } from '../../reports/report-data.js';
import type { DatePrecision } from '../../reports/anonymise.js';
import { createApp, type App } from '../../services/app.js';
import { info } from '../output.js';
import { makePrivateDir, writePrivateFile } from '../../util/private-files.js';

interface ReportOptions {
  analysis: string;
  out?: string;
  format?: string;
  anonymise?: boolean;
  anonymiseDates: string;
  normSet?: string;
  db?: string;
  all?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a clinical report (PDF, CSV or JSON) for a case, an image file, or every case')
    .argument('[target]', 'image id of a case in the database, or an image file to import and detect first')
    .option('-a, --analysis <ids>', `comma-separated analyses: ${Object.keys(ANALYSES).join(', ')}`, 'steiner')
    .option('-o, --out <path>', 'file to write, or a folder (the report gets its own name there); with --all, a folder')
    .option('-f, --format <format>', 'pdf, csv or json (default: from the --out extension, else pdf)')
    .option('--anonymise', 'leave out patient name, patient ID, birth date and study UID, and dates beyond the year (also from the file name, the description and PDF metadata); text burnt into the image is not removed')
    .option('--anonymise-dates <precision>', 'with --anonymise: year (dates kept to the year) or none', 'year')
    .option('--norm-set <id>', 'norm set for every analysis (default: each analysis its own)')
    .option('--db <path>', 'case database (default: MEDSAPIENS_DB, else the one in the user data folder)')
    .option('--all', 'one report for every case with landmarks, written into the --out folder')
    .action(async (target: string | undefined, opts: ReportOptions) => {
      const analyses = checkAnalysisIds(
        opts.analysis
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      const format = resolveFormat(opts.format, opts.all ? undefined : opts.out);
      if (opts.all && target) throw new AppError('bad_request', 'give either a case/file or --all, not both');
      if (!opts.all && !target) throw new AppError('bad_request', 'name a case (image id) or an image file, or use --all');
      if (opts.all && !opts.out) throw new AppError('bad_request', '--all needs --out FOLDER');

      const app = createApp({ dbPath: opts.db, log: info });
      try {
        if (!['year', 'none'].includes(opts.anonymiseDates)) throw new AppError('bad_request', `--anonymise-dates is year or none, not ${opts.anonymiseDates}`);
        const req = { analyses, format, anonymise: opts.anonymise ?? false, anonymiseDates: opts.anonymiseDates as DatePrecision, normSet: opts.normSet };
        if (opts.all) {
          await reportAll(app, req, opts.out!);
          return;
        }
        const imageId = await resolveTarget(app, target!);
        const r = await reportForCase(app, { imageId, ...req });
        writeReport(r.bytes, r.fileName, opts.out, format);
      } finally {
        await app.close();
      }
    });
}

function resolveFormat(explicit: string | undefined, out: string | undefined): ReportFormat {
  if (explicit !== undefined) {
    const f = explicit.toLowerCase();
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new AppError('bad_request', `--format must be one of ${REPORT_FORMATS.join(', ')}`);
    return f as ReportFormat;
  }
  const ext = out ? path.extname(out).slice(1).toLowerCase() : '';
  return (REPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ReportFormat) : 'pdf';
}

/** An existing file is imported (with detection); otherwise digits are an image id. */
async function resolveTarget(app: App, target: string): Promise<number> {
  if (fs.existsSync(target) && fs.statSync(target).isFile()) {
    info(`importing ${target} and detecting landmarks`);
    const [r] = await app.handlers['images.importPaths']({ paths: [path.resolve(target)], detect: true });
    if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.detail);
    // e.g. the model could not run: the image is in the database but has no landmarks to report
    if ('warning' in r && r.warning) info(String(r.warning));
    info(`${r.duplicate ? 'already in the database' : 'imported'} as case ${r.imageId}`);
    return r.imageId;
  }
  if (/^\d+$/.test(target)) return Number(target);
  throw new AppError('not_found', `${target} is neither an image file nor a case id`);
}

function writeReport(bytes: Buffer, fileName: string, out: string | undefined, format: ReportFormat): void {
  if (!out) {
    if (format === 'pdf' && process.stdout.isTTY) {
      // a PDF dumped on a terminal helps no one: write it under its own name instead
      writePrivateFile(fileName, bytes);
      info(`wrote ${fileName}`);
    } else {
      process.stdout.write(bytes);
    }
    return;
  }
  const file = isFolder(out) ? path.join(out, fileName) : out;
  writePrivateFile(file, bytes);
  info(`wrote ${file}`);
}

async function reportAll(app: App, req: { analyses: string[]; format: ReportFormat; anonymise: boolean; anonymiseDates: DatePrecision; normSet?: string }, folder: string): Promise<void> {
  if (fs.existsSync(folder) && !fs.statSync(folder).isDirectory()) throw new AppError('bad_request', `--out ${folder} is a file; --all needs a folder`);
  makePrivateDir(folder);
  const cases = allCases(app).filter((c) => c.currentSetId !== null);
  if (cases.length === 0) {
    info('no case in the database has landmarks: nothing to report');
    return;
  }
  let failed = 0;
  for (const [i, c] of cases.entries()) {
    try {
      const r = await reportForCase(app, { imageId: c.imageId, ...req });
      const file = path.join(folder, r.fileName);
      writePrivateFile(file, r.bytes);
      process.stdout.write(file + '\n');
      info(`[${i + 1}/${cases.length}] case ${c.imageId}: ${r.fileName}`);
    } catch (e) {
      failed++;
      const err = toAppError(e);
      info(`[${i + 1}/${cases.length}] case ${c.imageId}: ${err.code}: ${err.message}`);
    }
  }
  info(`${cases.length - failed} of ${cases.length} reports written to ${folder}`);
  if (failed) process.exitCode = failed === cases.length ? 2 : 1;
}

function allCases(app: App): CaseSummary[] {
  const out: CaseSummary[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = app.store.listCases({ limit, offset });
    out.push(...page);
    if (page.length < limit) return out;
  }
}

function isFolder(p: string): boolean {
  return /[\\/]$/.test(p) || (fs.existsSync(p) && fs.statSync(p).isDirectory());
}

