// Runs two ONNX models in ONNX Runtime on the same inputs and compares
// their outputs: the original model and a rewritten one (round-tripped or
// optimized by attic-onnx). The inputs come from a manifest written by
// ort_inputs.py. Prints one line per output, "<name>: max abs diff D: ok"
// or "... MISMATCH", and exits 1 on a mismatch (|a - b| > 1e-4 (1 + |a|)).
//
// Usage: node ort_compare.js MANIFEST.json ORIGINAL.onnx CANDIDATE.onnx
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const TYPES = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array,
  int32: Int32Array, bool: Uint8Array,
};

function tensor(input, dir) {
  const bytes = fs.readFileSync(path.join(dir, input.file));
  const Array = TYPES[input.type];
  const data = new Array(bytes.buffer, bytes.byteOffset,
                         bytes.byteLength / Array.BYTES_PER_ELEMENT);
  return new ort.Tensor(input.type, Array.from(data).length ? data.slice() : data,
                        input.dims);
}

async function run(model, feeds) {
  const session = await ort.InferenceSession.create(model);
  return session.run(feeds);
}

(async () => {
  const [manifestPath, original, candidate] = process.argv.slice(2);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const dir = path.dirname(manifestPath);
  const feeds = {};
  for (const input of manifest.inputs)
    feeds[input.name] = tensor(input, dir);
  const want = await run(original, feeds);
  const got = await run(candidate, feeds);
  let ok = true;
  for (const name of Object.keys(want)) {
    if (!(name in got)) {
      console.log(`${name}: MISSING from the candidate`);
      ok = false;
      continue;
    }
    const a = want[name].data, b = got[name].data;
    let worst = 0, bad = 0;
    for (let i = 0; i < a.length; ++i) {
      const x = Number(a[i]), y = Number(b[i]);
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      const d = Math.abs(x - y);
      worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
      if (!(d <= 1e-4 * (1 + Math.abs(x)))) ++bad;
    }
    if (a.length !== b.length) bad = Math.max(bad, 1);
    console.log(`${name}: max abs diff ${worst.toExponential(3)} over ` +
                `${a.length} elements: ${bad ? 'MISMATCH' : 'ok'}`);
    ok = ok && !bad;
  }
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.log(`error: ${e.message.split('\n')[0]}`);
  process.exit(2);
});
