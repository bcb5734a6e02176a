import { readFileSync } from 'node:fs';
import { DataError } from './errors.js';

export interface ReadErrorOptions {
  /** What the file is, for `cannot read <what>: …` (a recipe); default a plain `cannot read: …` / `no such file`. */
  what?: string;
  /** Said after `no such file`, in parentheses: what to pass instead (`pass a model saved by ballot fit`). */
  hint?: string;
  /** What a directory given instead was expected to be (default `a file`). */
  expected?: string;
}

/**
 * A failure to read `path` as one DataError naming the file: `no such file`, `is a directory, expected …`, else
 * `cannot read: <why>`. A DataError passes through, and so does an error that is not the filesystem's (a parser's).
 */
export function readError(path: string, e: unknown, o: ReadErrorOptions = {}): Error {
  if (e instanceof DataError) return e;
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return e as Error;
  const prefix = o.what ? `cannot read ${o.what}: ` : '';
  let why: string;
  if (err.code === 'ENOENT') why = `${prefix}no such file${o.hint ? ` (${o.hint})` : ''}`;
  else if (err.code === 'EISDIR') why = `${prefix}is a directory, expected ${o.expected ?? 'a file'}`;
  else why = `${prefix || 'cannot read: '}${err.message}`;
  return new DataError(path, why, {}, { cause: e });
}

/** The bytes of a file; a failure is readError's DataError naming the file. */
export function readFileOrFail(path: string, o: ReadErrorOptions = {}): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw readError(path, e, o);
  }
}

/** The UTF-8 text of a file (as readFileSync decodes it); a failure is readError's DataError naming the file. */
export function readTextOrFail(path: string, o: ReadErrorOptions = {}): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw readError(path, e, o);
  }
}
