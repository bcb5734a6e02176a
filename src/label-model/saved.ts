import { ConfigError } from '../util/errors.js';
import type { LabelModelJSON } from './types.js';

// Reading a saved model back: the envelope first, then each field with its shape and range, so a hand-edited or
// truncated file fails on load with the field and index named instead of predicting NaN later.

/** Validates the envelope of a saved model before a model class reads its own fields. */
export function checkModelJSON(json: LabelModelJSON, kind: string, version = 1): void {
  if (!json || typeof json !== 'object') throw new ConfigError(`expected a saved ${kind} model object`);
  if (json.model !== kind) throw new ConfigError(`expected a saved "${kind}" model, got "${String(json.model)}"`);
  if (json.version !== version)
    throw new ConfigError(`saved ${kind} model has version ${String(json.version)}; this ballot reads version ${version}`);
  if (!Array.isArray(json.labels) || !Array.isArray(json.lfNames)) throw new ConfigError(`saved ${kind} model lacks "labels" or "lfNames"`);
  for (const field of ['labels', 'lfNames'] as const) {
    const bad = json[field].findIndex((x) => typeof x !== 'string');
    if (bad >= 0) throw new ConfigError(`saved ${kind} model: ${field}[${bad}] must be a name (string), got ${JSON.stringify(json[field][bad])}`);
  }
}

/** Reads a numeric array field of a saved model, checking its length and that every entry is finite. */
export function readNumbers(json: LabelModelJSON, field: string, length: number): Float64Array {
  const v = json[field];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number')) {
    throw new ConfigError(`saved ${json.model} model: field "${field}" must be an array of ${length} numbers`);
  }
  const out = Float64Array.from(v as number[]);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new ConfigError(`saved ${json.model} model: ${field}[${bad}] is ${out[bad]}, expected a finite number`);
  return out;
}

/** A field of probabilities: every entry in [0, 1]. */
export function readProbabilities(json: LabelModelJSON, field: string, length: number): Float64Array {
  const out = readNumbers(json, field, length);
  const bad = out.findIndex((x) => !(x >= 0 && x <= 1));
  if (bad >= 0) throw new ConfigError(`saved ${json.model} model: ${field}[${bad}] is ${out[bad]}, expected a probability in [0, 1]`);
  return out;
}

/** A class balance: k entries > 0 summing to 1 (within 1e-6). */
export function readClassBalance(json: LabelModelJSON, field: string, k: number): Float64Array {
  const out = readNumbers(json, field, k);
  const bad = out.findIndex((x) => !(x > 0));
  if (bad >= 0) throw new ConfigError(`saved ${json.model} model: ${field}[${bad}] is ${out[bad]}; class balance entries must be > 0`);
  const sum = out.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new ConfigError(`saved ${json.model} model: ${field} sums to ${sum}, expected 1`);
  return out;
}
