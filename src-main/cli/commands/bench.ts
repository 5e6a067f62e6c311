import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { runBench } from '../../services/bench.js';
import { info, writeResult } from '../output.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('latency per stage, end to end, bare inference and batch throughput, peak memory')
    .argument('[files...]', 'images to time (default: an ISBI JPEG and a JPEG 2000 DICOM from ../shared)')
    .option('--runs <n>', 'timed runs per file after warm-up', (v) => parseInt(v, 10), 20)
    .option('--batch-folder <dir>', 'also time a batch over this folder')
    .option('--batch-limit <n>', 'images from the batch folder', (v) => parseInt(v, 10), 20)
    .option('--torch', 'also time the same model in PyTorch eager (needs python3 with torch)')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (files: string[], opts: { runs: number; batchFolder?: string; batchLimit: number; torch?: boolean; json?: string }) => {
      const r = await runBench({ files, runs: opts.runs, batchFolder: opts.batchFolder, batchLimit: opts.batchLimit, torch: !!opts.torch, log: info });
      const text = JSON.stringify({ ...r, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version } }, null, 2) + '\n';
      for (const f of r.per_file) {
        const st = f.stages;
        info(
          `bench: ${path.basename(f.file)}: end to end ${st.end_to_end.median_ms.toFixed(1)} ms (decode ${st.decode.median_ms.toFixed(1)}, orientation check ${st.orientation_check.median_ms.toFixed(1)}, ` +
            `preprocess ${st.preprocess.median_ms.toFixed(1)}, inference ${st.inference.median_ms.toFixed(1)}${f.inference_passes > 1 ? ` in ${f.inference_passes} passes (reframed ×${f.reframe_zoom!.toFixed(2)})` : ''}, second stage ${st.second_stage.median_ms.toFixed(1)} (${f.second_stage_landmarks} landmarks, the file read again for their crops), heatmap decoding and uncertainty features ${st.decoding.median_ms.toFixed(1)}, shape check and radii ${st.shape_and_uncertainty.median_ms.toFixed(1)}, ` +
            `database ${st.database.median_ms.toFixed(1)}); bare inference ${st.bare_inference.median_ms.toFixed(1)} ms; ` +
            `overhead ${f.inference_passes > 1 ? `over ${f.inference_passes} bare inferences` : 'over bare inference'}${f.second_stage_landmarks ? ' and the second stage' : ''} ${f.overhead_over_bare_inference_pct.toFixed(0)} % (${f.engine_overhead_pct.toFixed(0)} % without file decoding)` +
            (st.decoder_only ? `; the JPEG decoder alone (${f.decoder_only_reader}) ${st.decoder_only.median_ms.toFixed(1)} ms = ${f.decoder_only_pct_of_bare_inference!.toFixed(0)} % of bare inference` : ''),
        );
      }
      if (r.batch) {
        const b = r.batch;
        info(
          `bench: batch ${b.images_per_second.toFixed(1)} img/s with ${b.workers} workers = ${b.vs_bare_inference_pct.toFixed(0)} % of bare inference in one session ` +
            `(${b.bare_inference_images_per_second.toFixed(1)} img/s), ${b.vs_pooled_bare_inference_pct.toFixed(0)} % of bare inference in the pool (${b.pooled_bare_inference_images_per_second.toFixed(1)} img/s)`,
        );
      }
      if (opts.json) writeResult(text, opts.json);
      else process.stdout.write(text);
    });
}
