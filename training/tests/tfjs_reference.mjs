// Runs a TFJS graph model on the pure-JS CPU backend and dumps named nodes, as a reference
// for the PyTorch converter (training/tfjs_backbone.py).
// usage: node tfjs_reference.mjs MODEL_JSON INPUT_F32 N,H,W,C OUT_DIR NODE...
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [modelJson, inputPath, shapeArg, outDir, ...nodes] = process.argv.slice(2);
const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
const dir = path.dirname(modelJson);
const weightSpecs = model.weightsManifest.flatMap((g) => g.weights);
const shards = model.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
const all = Buffer.concat(shards);
const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);

await tf.setBackend('cpu');
const graph = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs, weightData, format: model.format }));
const shape = shapeArg.split(',').map(Number);
const raw = fs.readFileSync(inputPath);
const input = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), shape);
const outs = graph.execute(input, nodes);
const list = Array.isArray(outs) ? outs : [outs];
fs.mkdirSync(outDir, { recursive: true });
list.forEach((t, i) => {
  fs.writeFileSync(path.join(outDir, `${i}.f32`), Buffer.from(t.dataSync().buffer));
  fs.writeFileSync(path.join(outDir, `${i}.json`), JSON.stringify(t.shape));
});
