// Runs an ONNX model in onnxruntime-node (CPU) on a raw float32 input and writes its outputs.
// usage: node onnx_reference.mjs MODEL.onnx INPUT_F32 N,C,H,W OUT_F32
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

const [modelPath, inputPath, shapeArg, outPath] = process.argv.slice(2);
const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: process.env.ORT_OPT ?? 'all' });
const raw = fs.readFileSync(inputPath);
const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const input = new ort.Tensor('float32', data, shapeArg.split(',').map(Number));
const result = await session.run({ [session.inputNames[0]]: input });
const out = result[session.outputNames[0]];
fs.writeFileSync(outPath, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
// any further outputs go beside it, named OUT_F32.<output name>
for (const name of session.outputNames.slice(1)) {
  const d = result[name].data;
  fs.writeFileSync(`${outPath}.${name}`, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
}
