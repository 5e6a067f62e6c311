// Builds the app's services once: the case store, the image library, the model (loaded lazily,
// its failure remembered and reported), the handlers, the batch runner. Electron, the loopback
// server and the CLI all start from here.
import fs from 'node:fs';
import path from 'node:path';
import { removeStaleUploadDirs } from './upload-dirs.js';
import { createCaseStore, type CaseStore } from '../db/store.js';
import { describeProvider, loadModel, modelLabel, type LoadedModel, type LoadOptions } from '../inference/model.js';
import { loadModelOrAdaptation } from '../adaptation/clinic-model.js';
import { listClinicModels } from '../adaptation/clinic-service.js';
import { createDeepAdaptation } from '../adaptation/deep-job.js';
import { AppError } from '../../src-shared/errors.js';
import { projectRoot } from '../util/paths.js';
import { runFolderBatch } from './batch.js';
import { createEventBus, type EventBus } from './events.js';
import { createHandlers, createPixelSource, type ApiHandlers, type PixelSource } from './handlers.js';
import { createImageLibrary, type ImageLibrary } from './image-library.js';
import { reportForCase } from '../reports/index.js';
import { createWatchSetting } from './watch-setting.js';
import { createDicomReceiver } from '../dicom-net/receiver.js';
import { createPacsService } from '../dicom-net/pacs.js';
import type { DicomReceiverConfig, DicomReceiverStatus, PacsConfig } from '../../src-shared/api/contract.js';
import { nativeJpegStatus } from '../imaging/codecs/native-jpeg.js';

export interface AppOptions {
  dbPath?: string;
  model?: LoadOptions;
  /** `--model DIR`: a clinic model folder (adaptation.json) or a model folder with its own card */
  modelDir?: string;
  log?: (msg: string) => void;
  /** a folder to watch for this run (the command line): files an X-ray device writes there are
   *  imported and traced as they land. It overrides the saved setting without changing it. */
  watch?: string;
  /** watch the folder saved in the settings and start the DICOM receiver if it is enabled there:
   *  hosts of the UI (serve, Electron), not one-shot commands */
  resumeWatch?: boolean;
  /** the DICOM receiver's setup for this run (the command line), in place of the saved one */
  dicom?: DicomReceiverConfig;
  /** the PACS for this run (the command line), in place of the saved one */
  pacs?: PacsConfig;
}

export interface App {
  store: CaseStore;
  library: ImageLibrary;
  events: EventBus;
  handlers: ApiHandlers;
  pixels: PixelSource;
  model(): Promise<LoadedModel>;
  /** resolves once the DICOM receiver has started (or was found off, or could not start) */
  dicomStarted: Promise<DicomReceiverStatus>;
  close(): Promise<void>;
}

export function appVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}

export function createApp(opts: AppOptions = {}): App {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const store = createCaseStore({ path: opts.dbPath });
  for (const dir of removeStaleUploadDirs()) log(`removed ${dir}, an upload left by an earlier run`);
  const library = createImageLibrary(path.join(path.dirname(store.path), 'images'));
  const events = createEventBus();
  let loaded: LoadedModel | null = null;
  let loadError: string | null = null;
  let loading: Promise<LoadedModel> | null = null;
  const model = () => {
    loading ??= (opts.modelDir ? loadModelOrAdaptation(opts.modelDir, opts.model) : loadModel(opts.model)).then(
      async (m) => {
        // the clinic model in use, when the run names no model of its own
        if (!opts.modelDir) {
          const id = store.getSetting('clinic.model');
          const found = id ? listClinicModels(store, m).find((x) => x.id === id && x.beatsParent) : undefined;
          if (found?.kind === 'offset') m.adaptation = found.adaptation;
          else if (found?.kind === 'lora') {
            // a fine-tuned network of its own, in place of the shipped one it adapts
            const clinicModel = await loadModel({ ...opts.model, cardPath: found.cardPath });
            await m.close();
            m = clinicModel;
          } else if (id) log(`clinic model ${id} is not usable with ${m.card.name} ${m.card.version}: the shipped model is used`);
        }
        loaded = m;
        log(`model ${modelLabel(m).name} ${modelLabel(m).version} runs on ${describeProvider(m.provider)}; ${nativeJpegStatus()}`);
        return m;
      },
      (e) => {
        loadError = String((e as Error).message ?? e);
        log(`model failed to load: ${loadError}`);
        loading = null; // a later request tries again (e.g. after the model file is restored)
        throw e;
      },
    );
    return loading;
  };
  const running = new Set<Promise<unknown>>();
  const deep = createDeepAdaptation({ store, library, model, log });
  const switchModel = async () => {
    if (running.size) throw new AppError('bad_request', 'a batch is running: switch the model when it has finished');
    const old = loaded ?? (loading ? await loading.catch(() => null) : null);
    loaded = null;
    loading = null;
    await old?.close();
  };
  const watch = createWatchSetting({ store, library, model, events, log });
  const dicom = createDicomReceiver({ store, library, model, events, log });
  const pacs = createPacsService({ store, library, receiver: dicom, log, override: opts.pacs });
  const handlers = createHandlers({
    watch,
    dicom,
    pacs,
    store,
    library,
    events,
    model,
    modelStatus: () => ({ model: loaded, error: loaded ? null : loadError }),
    version: appVersion(),
    modelDir: opts.modelDir,
    deep,
    switchModel,
    createReport: async (req) => {
      const r = await reportForCase({ store, library }, { imageId: req.imageId, analyses: req.analyses, format: req.format, anonymise: req.anonymise });
      return { fileName: r.fileName, mimeType: r.mimeType, dataBase64: r.bytes.toString('base64') };
    },
    startBatch: (folder) => {
      const { taskId, done } = runFolderBatch({ root: folder, store, library, model, events });
      running.add(done);
      done.finally(() => running.delete(done)).catch(() => undefined);
      return taskId;
    },
  });
  if (opts.watch || opts.resumeWatch) void watch.resume(opts.watch);
  const dicomStarted = opts.dicom || opts.resumeWatch ? dicom.resume(opts.dicom) : Promise.resolve(dicom.status());
  return {
    store,
    library,
    events,
    handlers,
    pixels: createPixelSource(store, library),
    model,
    dicomStarted,
    async close() {
      await deep.close();
      await pacs.idle();
      await dicom.close();
      await watch.close();
      await Promise.allSettled([...running]);
      // a model still loading is closed once it is there
      const m = loaded ?? (loading ? await loading.catch(() => null) : null);
      if (m) await m.close();
      store.close();
    },
  };
}
