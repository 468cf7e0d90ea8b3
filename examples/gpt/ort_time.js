// Times models in ONNX Runtime (CPU, its default threads) on the inputs of
// a manifest written by export.py: one warm-up run, then RUNS timed runs;
// prints "<model>: median M ms (min m ms) over RUNS runs; <output> = v".
//
// Usage: node ort_time.js MANIFEST.json RUNS MODEL.onnx...
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

(async () => {
  const [manifestPath, runs, ...models] = process.argv.slice(2);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const feeds = {};
  for (const input of manifest.inputs) {
    const bytes = fs.readFileSync(path.join(path.dirname(manifestPath), input.file));
    const data = new BigInt64Array(bytes.buffer.slice(
        bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    feeds[input.name] = new ort.Tensor(input.type, data, input.dims);
  }
  for (const model of models) {
    const session = await ort.InferenceSession.create(model);
    let out = await session.run(feeds);
    const ms = [];
    for (let r = 0; r < Number(runs); ++r) {
      const start = process.hrtime.bigint();
      out = await session.run(feeds);
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const name = session.outputNames[0];
    console.log(`${path.basename(model)}: median ${ms[ms.length >> 1].toFixed(2)} ms ` +
                `(min ${ms[0].toFixed(2)} ms) over ${runs} runs; ${name} = ` +
                `${out[name].data[0].toFixed(6)}`);
  }
})().catch((e) => { console.error(`ort_time.js: ${e.message}`); process.exit(1); });
