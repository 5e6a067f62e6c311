// `medsapiens`: the app's services without a window.
import { protectStdout } from './output.js';
import { privateUmask } from '../util/private-files.js';
protectStdout();
privateUmask();

const { Command } = await import('commander');
const { toAppError } = await import('../../src-shared/errors.js');
const { registerDetect } = await import('./commands/detect.js');
const { registerEval } = await import('./commands/eval.js');
const { registerBench } = await import('./commands/bench.js');
const { registerBatch } = await import('./commands/batch.js');
const { registerServe } = await import('./commands/serve.js');
const { registerImportExport } = await import('./commands/import-export.js');
const { registerClassify } = await import('./commands/classify.js');
const { registerReport } = await import('./commands/report.js');
const { registerWatch } = await import('./commands/watch.js');
const { registerAdapt } = await import('./commands/adapt.js');
const { registerAgreement } = await import('./commands/agreement.js');
const { registerSuperimpose } = await import('./commands/superimpose.js');
const { registerPacs } = await import('./commands/pacs.js');
const { registerBenchDicom } = await import('./commands/bench-dicom.js');
const { appVersion } = await import('../services/app.js');

const program = new Command();
program.name('medsapiens').description('Cephalometric landmark detection and analysis, offline.').version(appVersion());
registerDetect(program);
registerEval(program);
registerBench(program);
registerBatch(program);
registerServe(program);
registerImportExport(program);
registerClassify(program);
registerReport(program);
registerWatch(program);
registerAdapt(program);
registerAgreement(program);
registerSuperimpose(program);
registerPacs(program);
registerBenchDicom(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = toAppError(e);
  process.stderr.write(`medsapiens: ${err.code}: ${err.message}\n`);
  process.exitCode = 2;
}
