import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * onnxruntime-node's `InferenceSession.SessionOptions`. Declared here, not imported, so ballot's types do not need
 * onnxruntime-node (an optional peer dependency) installed.
 */
export type OnnxSessionOptions = Record<string, unknown>;

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node, imported on first use; a clear error with the install line when it is not installed. */
function loadOnnxRuntime(lf: string): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((e: unknown) => {
    ortModule = undefined;
    const missing = (e as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' && /onnxruntime-node/.test(String((e as Error).message));
    throw new ConfigError(
      missing
        ? `onnxLabelingFunction "${lf}" needs onnxruntime-node, an optional dependency of ballot: npm install onnxruntime-node`
        : `onnxLabelingFunction "${lf}": cannot load onnxruntime-node: ${(e as Error).message}`,
      { cause: e },
    );
  });
  return ortModule;
}
import type { Abstain } from '../matrix/labels.js';
import type { Preprocessor } from './preprocessor.js';
import { batchedOnlyVote, type BatchedLabelingFunction } from './batched.js';
import { ConfigError } from '../util/errors.js';

export interface OnnxLFOptions<Row, V extends string | Abstain> {
  name: string;
  /** Path of the .onnx file (relative paths resolve against the working directory) or a file URL, e.g. `new URL('./m.onnx', import.meta.url)`. */
  model: string | URL;
  /** The model input for one row: a fixed-length feature vector. */
  features: (row: Row) => Float32Array | readonly number[];
  /** Turns the model's output for one row (e.g. class probabilities) into a vote. */
  vote: (scores: Float32Array, row: Row) => V;
  /** Rows per model run (default 256); the applier's batch is split into runs of this size. */
  runSize?: number;
  /** Model input and output names; default the model's first input and first output. */
  inputName?: string;
  outputName?: string;
  /** onnxruntime session options. Default: CPU execution provider, one intra-op thread (ballot parallelizes across workers). */
  sessionOptions?: OnnxSessionOptions;
  pre?: readonly Preprocessor[];
  description?: string;
}

/**
 * A model-based labeling function: runs an ONNX model on onnxruntime-node (CPU), batching rows.
 * The session is created on first use, once per process (or worker), and onnxruntime is imported only then.
 *
 * ```ts
 * export const lfModel = onnxLabelingFunction({
 *   name: 'logreg', model: new URL('./spam.onnx', import.meta.url),
 *   features: (r: Row) => Float32Array.of(r.links, r.exclamations),
 *   vote: (p) => (p[1] > 0.8 ? 'SPAM' : p[0] > 0.8 ? 'HAM' : ABSTAIN),
 * });
 * ```
 */
export function onnxLabelingFunction<Row = any, const V extends string | Abstain = Abstain>(
  o: OnnxLFOptions<Row, V>,
): BatchedLabelingFunction<Row, Exclude<V, Abstain>, undefined> {
  type L = Exclude<V, Abstain>;
  if (typeof o.features !== 'function' || typeof o.vote !== 'function') {
    throw new ConfigError(`onnxLabelingFunction "${o.name}" needs features(row) and vote(scores) functions`);
  }
  const modelPath = o.model instanceof URL ? fileURLToPath(o.model) : resolve(o.model);
  if (!existsSync(modelPath)) throw new ConfigError(`onnxLabelingFunction "${o.name}": model file not found: ${modelPath}`);
  const runSize = o.runSize ?? 256;
  if (!Number.isInteger(runSize) || runSize < 1) throw new ConfigError(`onnxLabelingFunction "${o.name}": runSize must be a positive integer`);

  let session: Promise<InferenceSession> | undefined;
  const open = (): Promise<InferenceSession> => {
    session ??= (async () => {
      const ort = await loadOnnxRuntime(o.name);
      try {
        return await ort.InferenceSession.create(
          modelPath,
          (o.sessionOptions as InferenceSession.SessionOptions | undefined) ?? { executionProviders: ['cpu'], intraOpNumThreads: 1 },
        );
      } catch (e) {
        throw new ConfigError(`onnxLabelingFunction "${o.name}": cannot load model ${modelPath}: ${(e as Error).message}`, { cause: e });
      }
    })();
    return session;
  };

  const voteBatch = async (rows: readonly Row[]): Promise<(L | Abstain | Error)[]> => {
    const sess = await open();
    const ort = await loadOnnxRuntime(o.name);
    const inputName = o.inputName ?? sess.inputNames[0];
    const outputName = o.outputName ?? sess.outputNames[0];
    const out: (L | Abstain | Error)[] = new Array(rows.length);
    let dim = -1;
    for (let a = 0; a < rows.length; a += runSize) {
      const end = Math.min(rows.length, a + runSize);
      // Features row by row; a row whose features fail is an Error entry and stays out of the model input.
      const feats: (Float32Array | readonly number[])[] = [];
      const at: number[] = [];
      for (let i = a; i < end; i++) {
        try {
          const f = o.features(rows[i]);
          if (!f || typeof f.length !== 'number') throw new Error(`features() returned ${f === null ? 'null' : typeof f}, expected a Float32Array`);
          if (dim < 0) dim = f.length;
          if (f.length !== dim) throw new Error(`features() returned ${f.length} values, expected ${dim} like the rows before`);
          feats.push(f);
          at.push(i);
        } catch (e) {
          out[i] = e instanceof Error ? e : new Error(String(e));
        }
      }
      if (at.length === 0) continue;
      const x = new Float32Array(at.length * dim);
      feats.forEach((f, r) => x.set(f, r * dim));
      const result = await sess.run({ [inputName]: new ort.Tensor('float32', x, [at.length, dim]) }, [outputName]);
      const tensor = result[outputName] as unknown as { data: ArrayLike<number>; dims: readonly number[] };
      const scores = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data as ArrayLike<number>);
      const width = scores.length / at.length;
      if (!Number.isInteger(width) || width < 1) {
        throw new Error(`model output "${outputName}" has shape [${tensor.dims.join(', ')}], expected one row of scores per input row`);
      }
      at.forEach((i, r) => {
        try {
          out[i] = o.vote(scores.subarray(r * width, (r + 1) * width), rows[i]) as L | Abstain;
        } catch (e) {
          out[i] = e instanceof Error ? e : new Error(String(e));
        }
      });
    }
    return out;
  };

  return Object.freeze({
    name: o.name,
    pre: Object.freeze([...(o.pre ?? [])]),
    resources: undefined,
    description: o.description ?? `ONNX model ${modelPath}`,
    batched: true as const,
    inputFiles: Object.freeze([modelPath]),
    vote: batchedOnlyVote(o.name) as (row: Row) => L | Abstain,
    voteBatch,
  });
}
