/**
 * Writes examples/onnx/spam-logreg.onnx: a softmax (multinomial logistic) regression over the features in
 * examples/onnx/features.ts, trained by full-batch gradient descent on four of the five YouTube spam CSVs
 * (the fifth, Shakira, is held out). Deterministic: no randomness, fixed iterations, so the bytes reproduce.
 *
 *   node bin/run-ts.mjs scripts/make-onnx-model.ts [out.onnx]
 *
 * The graph is MatMul → Add → Softmax written with onnx-proto (a dev dependency); no Python needed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import protoPkg from 'onnx-proto';
import { spamFeatures, SPAM_FEATURE_NAMES } from '../examples/onnx/features.js';
import { readRows } from '../src/index.js';

const { onnx } = protoPkg;

/** ONNX bytes of probs = softmax(X·W + b) with X [N, d], W [d, k] (row-major), b [k]; input "X", output "probs". */
export function logisticRegressionONNX(W: Float32Array, b: Float32Array, d: number, k: number, docString = ''): Uint8Array {
  if (W.length !== d * k || b.length !== k) throw new Error(`W must be ${d}×${k} and b ${k} long`);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, dims: (string | number)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((x) => (typeof x === 'string' ? { dimParam: x } : { dimValue: x })) } } },
    });
  const tensor = (name: string, dims: number[], values: Float32Array) =>
    onnx.TensorProto.create({
      name,
      dims,
      dataType: FLOAT,
      rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    });
  const graph = onnx.GraphProto.create({
    name: 'logreg',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['X', 'W'], output: ['XW'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['XW', 'b'], output: ['logits'] }),
      onnx.NodeProto.create({
        opType: 'Softmax',
        input: ['logits'],
        output: ['probs'],
        attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 })],
      }),
    ],
    initializer: [tensor('W', [d, k], W), tensor('b', [k], b)],
    input: [valueInfo('X', ['N', d])],
    output: [valueInfo('probs', ['N', k])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'ballot scripts/make-onnx-model.ts',
    docString,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Softmax regression by full-batch gradient descent with a small L2 penalty; returns W (d×k) and b (k). */
export function trainSoftmaxRegression(X: Float32Array, y: Int32Array, d: number, k: number, iterations = 400, lr = 1, l2 = 1e-3) {
  const n = y.length;
  const W = new Float64Array(d * k);
  const b = new Float64Array(k);
  const p = new Float64Array(k);
  for (let it = 0; it < iterations; it++) {
    const gW = new Float64Array(d * k);
    const gb = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let z = b[c];
        for (let f = 0; f < d; f++) z += X[i * d + f] * W[f * k + c];
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[c] = Math.exp(p[c] - max);
      for (let c = 0; c < k; c++) {
        const g = p[c] / sum - (y[i] === c ? 1 : 0);
        gb[c] += g;
        for (let f = 0; f < d; f++) gW[f * k + c] += g * X[i * d + f];
      }
    }
    for (let j = 0; j < d * k; j++) W[j] -= lr * (gW[j] / n + l2 * W[j]);
    for (let c = 0; c < k; c++) b[c] -= lr * (gb[c] / n);
  }
  return { W: Float32Array.from(W), b: Float32Array.from(b) };
}

function featuresOf(files: string[]): { X: Float32Array; y: Int32Array } {
  const rows = files.flatMap((f) => readRows(f).rows);
  const d = SPAM_FEATURE_NAMES.length;
  const X = new Float32Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    X.set(spamFeatures(String(r.CONTENT ?? '')), i * d);
    y[i] = Number(r.CLASS);
  });
  return { X, y };
}

function accuracy(X: Float32Array, y: Int32Array, W: Float32Array, b: Float32Array, d: number): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let z0 = b[0];
    let z1 = b[1];
    for (let f = 0; f < d; f++) {
      z0 += X[i * d + f] * W[f * 2];
      z1 += X[i * d + f] * W[f * 2 + 1];
    }
    if ((z1 > z0 ? 1 : 0) === y[i]) right++;
  }
  return right / y.length;
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const data = (name: string) => resolve(root, 'examples/spam/data', name);
  const train = featuresOf(['Youtube01-Psy.csv', 'Youtube02-KatyPerry.csv', 'Youtube03-LMFAO.csv', 'Youtube04-Eminem.csv'].map(data));
  const test = featuresOf([data('Youtube05-Shakira.csv')]);
  const d = SPAM_FEATURE_NAMES.length;
  const { W, b } = trainSoftmaxRegression(train.X, train.y, d, 2);
  const out = resolve(process.argv[2] ?? resolve(root, 'examples/onnx/spam-logreg.onnx'));
  const doc = `softmax regression over [${SPAM_FEATURE_NAMES.join(', ')}] → [HAM, SPAM]; trained on YouTube spam 01-04`;
  const bytes = logisticRegressionONNX(W, b, d, 2, doc);
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
  console.log(
    `train accuracy ${accuracy(train.X, train.y, W, b, d).toFixed(3)} (n=${train.y.length}), held-out Shakira ${accuracy(test.X, test.y, W, b, d).toFixed(3)} (n=${test.y.length})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
