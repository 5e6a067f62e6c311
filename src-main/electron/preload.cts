// The preload bridge: one method per API capability and nothing else. It runs sandboxed, so it
// cannot import the contract; the list below is checked against the contract by a test.
import { contextBridge, ipcRenderer } from 'electron';

const METHODS = [
  'system.status',
  'cases.list',
  'cases.get',
  'cases.thumbnail',
  'patients.timeline',
  'superimposition.compute',
  'superimposition.report',
  'agreement.modelVsClinician',
  'agreement.report',
  'images.importPaths',
  'images.importBytes',
  'images.relink',
  'images.relinkBytes',
  'images.setRuler',
  'images.setOrientation',
  'images.setStoredOrientation',
  'images.setTraceAnyway',
  'landmarks.detect',
  'landmarks.createSet',
  'landmarks.move',
  'landmarks.place',
  'landmarks.reset',
  'landmarks.delete',
  'landmarks.accept',
  'landmarks.setReviewed',
  'landmarks.undo',
  'landmarks.redo',
  'landmarks.history',
  'landmarks.restore',
  'reports.create',
  'clinic.status',
  'clinic.adapt',
  'clinic.use',
  'clinic.adaptDeep',
  'clinic.cancelDeep',
  'batch.start',
  'watch.status',
  'watch.set',
  'dicom.receiver.status',
  'dicom.receiver.set',
  'pacs.status',
  'pacs.set',
  'pacs.echo',
  'pacs.query',
  'pacs.retrieve',
  'pacs.send',
  'patients.edit',
  'cases.archive',
  'cases.delete',
] as const;

const api: Record<string, unknown> = {};
for (const name of METHODS) api[name] = (req: unknown) => ipcRenderer.invoke(`api:${name}`, req);
api['pixels'] = (imageId: number) => ipcRenderer.invoke('api:pixels', imageId);
api['onProgress'] = (fn: (ev: unknown) => void) => {
  const listener = (_e: unknown, ev: unknown) => fn(ev);
  ipcRenderer.on('api:event', listener);
  return () => ipcRenderer.removeListener('api:event', listener);
};

contextBridge.exposeInMainWorld('medsapiens', Object.freeze(api));
export const PRELOAD_METHODS = METHODS;
