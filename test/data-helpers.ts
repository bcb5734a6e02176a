import { expect } from 'vitest';
import { DataError } from '../src/index.js';

/** The DataError thrown by f (fails the test if f throws something else or nothing). */
export function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}
