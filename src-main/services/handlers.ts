// The API's capabilities, implemented once over the services; both transports call these.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ApiName, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { PacsConfigSchema } from '../../src-shared/api/contract.js';
import { AppError, toAppError } from '../../src-shared/errors.js';
import { MANUAL_SET_MODEL } from '../../src-shared/landmarks.js';
import type { CaseStore } from '../db/store.js';
import { traceFile } from '../inference/trace.js';
import { describeProvider, modelLabel, type LoadedModel } from '../inference/model.js';
import { caseDetailView, caseSummaryView, clinicView, landmarkSetView } from './case-views.js';
import { adaptFromDatabase, clinicStatus, useClinicModel } from '../adaptation/clinic-service.js';
import { etaSeconds, type EventBus } from './events.js';
import type { ImageLibrary } from './image-library.js';
import { importFile, modelPoints } from './import-service.js';
import { patientTimeline, superimposeCases } from './superimposition.js';
import { superimpositionReport } from '../reports/superimposition-report.js';
import { agreementFile } from '../reports/agreement-report.js';
import { tracingAgreement } from '../../src-shared/agreement/tracings.js';
import { modelVsClinicianPairs } from './agreement-pairs.js';
import { PRIVATE_FILE_MODE } from '../util/private-files.js';
import { createSemaphore } from '../util/semaphore.js';
import { refuseSystemFolder, refuseSystemPath } from './system-paths.js';
import { makeUploadDir } from './upload-dirs.js';

export const MAX_PARALLEL_IMPORTS = 2;
import type { WatchSetting } from './watch-setting.js';
import type { DicomReceiver } from '../dicom-net/receiver.js';
import type { PacsService } from '../dicom-net/pacs.js';
import type { DeepAdaptation } from '../adaptation/deep-job.js';

export type { EventBus } from './events.js';
export type ApiHandlers = { [N in ApiName]: (req: ApiRequest<N> & Record<string, any>) => Promise<ApiResponse<N>> };
export type PixelSource = (imageId: number) => Promise<{ width: number; height: number; pixels: Uint8Array }>;

export interface HandlerDeps {
  store: CaseStore;
  library: ImageLibrary;
  events: EventBus;
  model: () => Promise<LoadedModel>;
  modelStatus: () => { model: LoadedModel | null; error: string | null };
  version: string;
  startBatch: (folder: string) => string;
  watch: WatchSetting;
  /** the DICOM receiver (storage SCP) */
  dicom: DicomReceiver;
  /** the clinic's PACS: query, retrieve, send results */
  pacs: PacsService;
  createReport?: (req: ApiRequest<'reports.create'>) => Promise<ApiResponse<'reports.create'>>;
  /** the run's --model folder, where one was given */
  modelDir?: string;
  /** the deep level of clinic adaptation, run in the background */
  deep: DeepAdaptation;
  /** drops the loaded model; the next request loads the one the settings name (a LoRA clinic
   *  model is a network of its own) */
  switchModel: () => Promise<void>;
}

export function createPixelSource(store: CaseStore, library: ImageLibrary): PixelSource {
  return async (imageId) => {
    const c = store.getCase(imageId);
    const img = await library.load(c.image.sha256, c.image.sourcePath);
    return { width: img.width, height: img.height, pixels: img.pixels };
  };
}

export function createHandlers(d: HandlerDeps): ApiHandlers {
  const { store } = d;
  const clinic = (m: LoadedModel) => clinicView(clinicStatus(store, m), d.deep.status(), d.deep.unavailable());
  const view = (imageId: number) => caseDetailView(store.getCase(imageId));
  const by = (req: { clientId?: string; baseVersion?: number }) => ({ clientId: req.clientId, baseVersion: req.baseVersion });

  /** A new model set for the image, read as the import read it (so the same file gives the same
   *  points), in the orientation the user set or the check finds. */
  async function traceAgain(imageId: number) {
    const c = store.getCase(imageId);
    const model = await d.model();
    const file = d.library.pathFor(c.image.sha256, c.image.sourcePath);
    if (!fs.existsSync(file)) await d.library.load(c.image.sha256, c.image.sourcePath); // says image_missing
    const { img, tracing: t } = await traceFile(model, file, { orientation: c.image.orientationOverride ?? undefined });
    d.library.verify(img, c.image.sha256, c.image.sourcePath);
    return store.saveModelLandmarks(imageId, modelLabel(model).name, modelLabel(model).version, modelPoints(t.landmarks), t.check);
  }

  // files imported at once, over every request: each holds a decoded radiograph in memory
  const imports = createSemaphore(MAX_PARALLEL_IMPORTS);

  /** `named`: the path came from the caller (not an upload the server wrote itself) and must keep
   *  out of system folders. */
  async function importMany(files: { path: string; display?: string; named?: boolean }[], detectToo: boolean) {
    const taskId = crypto.randomUUID();
    const started = performance.now();
    const out: ApiResponse<'images.importPaths'> = [];
    let failed = 0;
    for (const [i, f] of files.entries()) {
      const shown = f.display ?? f.path;
      d.events.publish({ kind: 'progress', task: 'import', taskId, done: i, total: files.length, current: path.basename(shown), etaSeconds: etaSeconds(started, i, files.length), failed });
      try {
        if (f.named) refuseSystemPath(f.path);
        let warning: string | undefined;
        let model: (() => Promise<LoadedModel>) | undefined = d.model;
        if (detectToo) {
          // a missing or broken model must not stop the image from being imported and traced by hand
          await d.model().catch((e) => {
            warning = `imported without landmarks: ${toAppError(e).message}`;
            model = undefined;
          });
        }
        const r = await imports.run(() => importFile(f.path, { store, library: d.library, model }, { detect: detectToo && !!model, displayPath: f.display }));
        out.push({ ok: true, path: shown, imageId: r.imageId, duplicate: r.duplicate, ...(warning ? { warning } : {}) });
      } catch (e) {
        failed++;
        out.push({ ok: false, path: shown, error: toAppError(e).toJSON() });
      }
    }
    d.events.publish({ kind: 'progress', task: 'import', taskId, done: files.length, total: files.length, etaSeconds: 0, failed });
    return out;
  }

  return {
    async 'system.status'() {
      const s = d.modelStatus();
      return {
        version: d.version,
        model: s.model
          ? {
              name: s.model.card.name,
              version: s.model.card.version,
              landmarks: s.model.card.landmarks,
              provider: { name: s.model.provider.name, gpu: s.model.provider.gpu, description: describeProvider(s.model.provider) },
            }
          : null,
        modelError: s.error,
        database: store.path,
        imports: { running: imports.running, queued: imports.queued, limit: imports.limit },
      };
    },
    async 'cases.list'(req) {
      return store.listCases({ search: req.search, archived: req.archived ?? false }).map(caseSummaryView);
    },
    async 'patients.edit'(req) {
      store.editPatient(req.imageId, { name: req.name, externalId: req.patientId, birthDate: req.birthDate || null, sex: req.sex });
      return view(req.imageId);
    },
    async 'cases.archive'(req) {
      store.setArchived(req.imageId, req.archived);
      return view(req.imageId);
    },
    async 'cases.delete'(req) {
      if (req.confirm !== true) throw new AppError('bad_request', 'deleting a case needs confirm: true');
      const { sha256 } = store.deleteCase(req.imageId);
      d.library.remove(sha256);
      return { deleted: req.imageId };
    },
    async 'cases.get'(req) {
      return view(req.imageId);
    },
    async 'cases.thumbnail'(req) {
      const c = store.getCase(req.imageId);
      return { mimeType: 'image/jpeg', dataBase64: (await d.library.thumbnail(c.image.sha256, c.image.sourcePath)).toString('base64') };
    },
    async 'patients.timeline'(req) {
      return patientTimeline(store, req.imageId);
    },
    async 'superimposition.compute'(req) {
      return superimposeCases(store, req.imageIds, req.registration ?? 'sn-at-s', req.analyses ?? ['steiner']);
    },
    async 'superimposition.report'(req) {
      const r = await superimpositionReport(d, { imageIds: req.imageIds, registration: req.registration ?? 'sn-at-s', analyses: req.analyses ?? ['steiner'], format: req.format });
      return { fileName: r.fileName, mimeType: r.mimeType, dataBase64: r.bytes.toString('base64') };
    },
    async 'agreement.modelVsClinician'(req) {
      return tracingAgreement(modelVsClinicianPairs(store), req.analyses ?? ['steiner']);
    },
    async 'agreement.report'(req) {
      const r = tracingAgreement(modelVsClinicianPairs(store), req.analyses ?? ['steiner']);
      const file = await agreementFile(r, { a: 'model', b: 'clinician' }, req.format);
      return { fileName: `agreement-model-vs-clinician.${req.format}`, mimeType: file.mimeType, dataBase64: file.bytes.toString('base64') };
    },
    async 'images.importPaths'(req) {
      return importMany(req.paths.map((p: string) => ({ path: p, named: true })), req.detect ?? true);
    },
    async 'images.importBytes'(req) {
      const bytes = Buffer.from(req.dataBase64, 'base64');
      const dir = makeUploadDir();
      const safeName = uploadName(req.fileName);
      const tmp = path.join(dir, safeName);
      try {
        fs.writeFileSync(tmp, bytes, { mode: PRIVATE_FILE_MODE });
        const [r] = await importMany([{ path: tmp, display: req.fileName }], req.detect ?? true);
        return r;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async 'images.relink'(req) {
      refuseSystemPath(req.path);
      d.library.relink(req.path, store.getCase(req.imageId).image.sha256);
      return view(req.imageId);
    },
    async 'images.relinkBytes'(req) {
      const dir = makeUploadDir();
      try {
        const tmp = path.join(dir, 'original');
        fs.writeFileSync(tmp, Buffer.from(req.dataBase64, 'base64'), { mode: PRIVATE_FILE_MODE });
        d.library.relink(tmp, store.getCase(req.imageId).image.sha256, 'the file chosen');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return view(req.imageId);
    },
    async 'images.setRuler'(req) {
      store.setRuler(req.imageId, { x1: req.p1.x, y1: req.p1.y, x2: req.p2.x, y2: req.p2.y, lengthMm: req.lengthMm });
      return view(req.imageId);
    },
    async 'images.setOrientation'(req) {
      store.setOrientation(req.imageId, req.orientation);
      return view(req.imageId);
    },
    async 'landmarks.detect'(req) {
      // read as the import read it, so detecting again on the same file gives the same points
      return landmarkSetView(await traceAgain(req.imageId));
    },
    async 'images.setStoredOrientation'(req) {
      store.setOrientationOverride(req.imageId, req.orientation);
      if (store.getCase(req.imageId).landmarks) await traceAgain(req.imageId);
      return view(req.imageId);
    },
    async 'images.setTraceAnyway'(req) {
      store.setTraceAnyway(req.imageId, req.on);
      return view(req.imageId);
    },
    async 'landmarks.accept'(req) {
      return landmarkSetView(store.acceptPoint(req.setId, req.landmarkId));
    },
    async 'landmarks.setReviewed'(req) {
      const state = store.setReviewed(req.setId, req.reviewed);
      if (req.reviewed) d.pacs.reviewed(state.set.imageId);
      return landmarkSetView(state);
    },
    async 'landmarks.createSet'(req) {
      return landmarkSetView(store.createEmptySet(req.imageId, MANUAL_SET_MODEL, '1'));
    },
    async 'landmarks.move'(req) {
      return landmarkSetView(store.movePoint(req.setId, req.landmarkId, req.x, req.y, by(req)));
    },
    async 'landmarks.place'(req) {
      return landmarkSetView(store.placePoint(req.setId, req.landmarkId, req.x, req.y, by(req)));
    },
    async 'landmarks.reset'(req) {
      return landmarkSetView(store.resetPoint(req.setId, req.landmarkId, by(req)));
    },
    async 'landmarks.delete'(req) {
      return landmarkSetView(store.deletePoint(req.setId, req.landmarkId, by(req)));
    },
    async 'landmarks.undo'(req) {
      return landmarkSetView(store.undo(req.setId, by(req)));
    },
    async 'landmarks.redo'(req) {
      return landmarkSetView(store.redo(req.setId, by(req)));
    },
    async 'landmarks.history'(req) {
      return store.history(req.setId).entries.map((e) => ({ editId: e.id, at: e.at, landmarkId: e.landmarkId, kind: e.kind, undone: !e.applied }));
    },
    async 'landmarks.restore'(req) {
      return landmarkSetView(store.restoreTo(req.setId, req.editId, by(req)));
    },
    async 'reports.create'(req) {
      if (!d.createReport) throw new AppError('not_found', 'reports are not available in this build yet');
      return d.createReport(req);
    },
    async 'clinic.status'() {
      return clinic(await d.model());
    },
    async 'clinic.adapt'() {
      const m = await d.model();
      adaptFromDatabase(store, m);
      return clinic(m);
    },
    async 'clinic.use'(req) {
      const m = await d.model();
      if (d.modelDir) throw new AppError('bad_request', 'this run uses the model given with --model: clinic models cannot be switched here');
      const chosen = useClinicModel(store, m, req.id);
      // to or from a fine-tuned network the model itself changes; offsets ride on the shipped one
      if (chosen?.kind === 'lora' || m.card.adaptation) {
        await d.switchModel();
        return clinic(await d.model());
      }
      m.adaptation = chosen?.kind === 'offset' ? chosen.adaptation : undefined;
      return clinic(m);
    },
    async 'clinic.adaptDeep'(req) {
      await d.deep.start({ epochs: req.epochs, samplesPerEpoch: req.samplesPerEpoch });
      return clinic(await d.model());
    },
    async 'clinic.cancelDeep'() {
      d.deep.cancel();
      return clinic(await d.model());
    },
    async 'batch.start'(req) {
      // said now, not in a background task no one watches
      refuseSystemPath(req.folder);
      if (!fs.existsSync(req.folder) || !fs.statSync(req.folder).isDirectory()) throw new AppError('not_found', `${req.folder} is not a folder`, { path: req.folder });
      refuseSystemFolder(req.folder);
      return { taskId: d.startBatch(req.folder) };
    },
    async 'watch.status'() {
      return d.watch.status();
    },
    async 'watch.set'(req) {
      if (req.folder !== null) refuseSystemPath(req.folder);
      return d.watch.set(req.folder);
    },
    async 'dicom.receiver.status'() {
      return d.dicom.status();
    },
    async 'dicom.receiver.set'(req) {
      return d.dicom.set(req);
    },
    async 'pacs.status'() {
      return d.pacs.status();
    },
    async 'pacs.set'(req) {
      return d.pacs.set(req.config ? PacsConfigSchema.parse(req.config) : null);
    },
    async 'pacs.echo'() {
      return d.pacs.echo();
    },
    async 'pacs.query'(req) {
      return { studies: await d.pacs.query(req) };
    },
    async 'pacs.retrieve'(req) {
      return d.pacs.retrieve(req.studyUid);
    },
    async 'pacs.send'(req) {
      return { outcomes: await d.pacs.send(req) };
    },
  };
}

/** A browser's file name as a name to write in a private temporary folder: its own characters only
 *  (no path, not '.' or '..'), short enough for every file system, its extension kept. */
export function uploadName(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_');
  if (!base || /^\.+$/.test(base)) return 'upload';
  const ext = path.extname(base).slice(0, 16);
  const stem = base.slice(0, base.length - path.extname(base).length);
  // 100 characters of at most 4 bytes: far below the usual 255-byte limit
  return [...stem].slice(0, 100).join('') + ext;
}
