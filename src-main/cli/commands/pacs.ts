// `medsapiens pacs echo|query|retrieve|send`: the clinic's PACS from the command line, through the
// same services the app uses. The PACS is the one saved in the case database, or --pacs for the run.
import fs from 'node:fs';
import type { Command } from 'commander';
import { DicomReceiverConfigSchema, PacsConfigSchema, PacsQuerySchema, type PacsConfig } from '../../../src-shared/api/contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { DEFAULT_RECEIVER } from '../../dicom-net/receiver.js';
import { buildResults, RESULT_KINDS, type ResultKind, writeResults } from '../../dicom-net/results.js';
import { createApp, type App } from '../../services/app.js';
import { info, writeResult } from '../output.js';

/** AET@host:port */
export function parsePeer(spec: string): PacsConfig {
  const m = /^([^@]{1,16})@(.+):(\d{1,5})$/.exec(spec.trim());
  if (!m) throw new AppError('bad_request', `--pacs takes AET@host:port (e.g. ORTHANC@192.168.1.20:4242), not ${JSON.stringify(spec)}`);
  const r = PacsConfigSchema.safeParse({ aeTitle: m[1], host: m[2], port: Number(m[3]), sendAfterReview: false });
  if (!r.success) throw new AppError('bad_request', `--pacs ${spec}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

interface Common {
  db?: string;
  pacs?: string;
  aeTitle?: string;
}

function withPeer(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'case database file')
    .option('--pacs <AET@host:port>', 'the PACS for this run (default: the one saved in the app)')
    .option('--ae-title <title>', `our AE title when calling (default: the receiver's, ${DEFAULT_RECEIVER.aeTitle} unless changed)`);
}

async function open(opts: Common, dicomPort?: number): Promise<App> {
  const saved = opts.aeTitle ? { ...DEFAULT_RECEIVER, aeTitle: opts.aeTitle } : undefined;
  const dicom = dicomPort !== undefined ? DicomReceiverConfigSchema.parse({ ...(saved ?? DEFAULT_RECEIVER), enabled: true, port: dicomPort }) : saved ? { ...saved, enabled: false } : undefined;
  const app = createApp({ dbPath: opts.db, log: info, dicom, pacs: opts.pacs ? parsePeer(opts.pacs) : undefined });
  await app.dicomStarted;
  return app;
}

export function registerPacs(program: Command): void {
  const pacs = program.command('pacs').description("the clinic's PACS over DICOM: echo, query, retrieve a study, send results back");

  withPeer(pacs.command('echo').description('C-ECHO: does the PACS answer us?')).action(async (opts: Common) => {
    const app = await open(opts);
    try {
      const r = await app.handlers['pacs.echo']({});
      info(`the PACS answers (${Math.round(r.ms)} ms)`);
    } finally {
      await app.close();
    }
  });

  withPeer(pacs.command('query').description('search studies (C-FIND); JSON on stdout'))
    .option('--patient-name <name>', 'matches as a prefix')
    .option('--patient-id <id>')
    .option('--from <YYYYMMDD>')
    .option('--to <YYYYMMDD>')
    .option('--modality <code>', 'e.g. DX, CR, OT')
    .action(async (opts: Common & { patientName?: string; patientId?: string; from?: string; to?: string; modality?: string }) => {
      const q = PacsQuerySchema.safeParse({ patientName: opts.patientName, patientId: opts.patientId, dateFrom: opts.from, dateTo: opts.to, modality: opts.modality });
      if (!q.success) throw new AppError('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const app = await open(opts);
      try {
        const { studies } = await app.handlers['pacs.query'](q.data);
        info(`${studies.length} stud${studies.length === 1 ? 'y' : 'ies'} found`);
        writeResult(JSON.stringify(studies, null, 2) + '\n');
      } finally {
        await app.close();
      }
    });

  withPeer(pacs.command('retrieve').description('pull a study (C-MOVE to a receiver started for the run), import and trace it'))
    .requiredOption('--study <uid>', 'StudyInstanceUID')
    .requiredOption('--dicom-port <n>', 'port the receiver listens on for the PACS to send to (the PACS must know our AE title at this port)', (v) => parseInt(v, 10))
    .action(async (opts: Common & { study: string; dicomPort: number }) => {
      const app = await open(opts, opts.dicomPort);
      try {
        const receiving = await app.dicomStarted;
        if (!receiving.listening) throw new AppError('bad_request', `the receiver cannot listen: ${receiving.error}`);
        const before = new Set(app.store.listCases({ limit: 10000 }).map((c) => c.imageId));
        const r = await app.handlers['pacs.retrieve']({ studyUid: opts.study });
        info(`${r.completed} image(s) sent by the PACS, ${r.failed} failed; importing and tracing`);
        // every object received is imported (or fails) before the run ends
        for (;;) {
          const s = await app.handlers['dicom.receiver.status']({});
          if (s.imported + s.failed >= s.received && s.waiting === 0) break;
          await new Promise((res) => setTimeout(res, 200));
        }
        const added = app.store.listCases({ limit: 10000 }).filter((c) => !before.has(c.imageId));
        writeResult(JSON.stringify({ ...r, cases: added.map((c) => ({ imageId: c.imageId, patientName: c.patientName, traced: c.currentSetId !== null })) }, null, 2) + '\n');
        if (r.failed) process.exitCode = 1;
      } finally {
        await app.close();
      }
    });

  withPeer(pacs.command('send').description("store a case's tracing (DICOM SR) and report (Encapsulated PDF) to the PACS"))
    .requiredOption('--image <id>', 'the case (image id)', (v) => parseInt(v, 10))
    .option('--analyses <ids>', 'analyses to report, comma separated', 'steiner')
    .option('--kinds <kinds>', `what to send: ${RESULT_KINDS.join(',')}`, RESULT_KINDS.join(','))
    .option('--out <dir>', 'write the objects as DICOM files into this folder instead of sending them')
    .action(async (opts: Common & { image: number; analyses: string; kinds: string; out?: string }) => {
      const kinds = opts.kinds.split(',').map((k) => k.trim());
      const bad = kinds.filter((k) => !(RESULT_KINDS as readonly string[]).includes(k));
      if (bad.length) throw new AppError('bad_request', `--kinds: unknown ${bad.join(', ')} (known: ${RESULT_KINDS.join(', ')})`);
      const analyses = opts.analyses.split(',').map((a) => a.trim()).filter(Boolean);
      const app = await open(opts);
      try {
        if (opts.out) {
          fs.mkdirSync(opts.out, { recursive: true, mode: 0o700 });
          const files = writeResults(await buildResults(app, { imageId: opts.image, analyses, kinds: kinds as ResultKind[] }), opts.out);
          for (const f of files) info(`wrote ${f}`);
          writeResult(JSON.stringify(files, null, 2) + '\n');
          return;
        }
        const { outcomes } = await app.handlers['pacs.send']({ imageId: opts.image, analyses, kinds: kinds as ResultKind[] });
        for (const o of outcomes) info(`${o.kind}: ${o.message}`);
        writeResult(JSON.stringify(outcomes, null, 2) + '\n');
        if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
      } finally {
        await app.close();
      }
    });
}
