import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { DataError } from '../util/errors.js';

/**
 * Writes a file atomically: the bytes go to a temp file in the same directory, then one rename replaces the target.
 * A crash mid-write leaves the old file (or none), never a truncated one. Failures are a DataError naming the target
 * (never the temp file) and the reason in words.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const file = new AtomicFile(path);
  try {
    file.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
}

/**
 * An output written in pieces (streamed rows, Arrow record batches): the bytes go to a temp file beside the target,
 * and `commit()` renames it over the target, so readers see the old file or the whole new one; `abort()` (call it on
 * any error) removes the temp file and leaves the target as it was. Errors are a DataError naming the target.
 */
export class AtomicFile {
  readonly path: string;
  private readonly tmp: string;
  private readonly fd: number;
  private open = true;

  constructor(path: string) {
    this.path = path;
    prepareOutput(path);
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.floor(performance.now() * 1000) % 1e9}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw outputError(path, e);
    }
  }

  /** Appends bytes to the temp file. */
  write(bytes: Uint8Array): void {
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      throw outputError(this.path, e);
    }
  }

  /** Closes the temp file and renames it over the target. */
  commit(): void {
    try {
      closeSync(this.fd);
      this.open = false;
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw outputError(this.path, e);
    }
  }

  /** Drops the temp file (idempotent); the target is left as it was. */
  abort(): void {
    if (this.open) {
      this.open = false;
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    rmSync(this.tmp, { force: true });
  }
}

/**
 * Checks an output path before anything is computed for it: creates its directory, and refuses a path that is a
 * directory or lies under a file. Long runs (apply) call it first, so they never fail only at the end.
 */
export function prepareOutput(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw outputError(path, e);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    /* does not exist yet: fine */
  }
  if (isDir) throw new DataError(path, 'cannot write: it is a directory');
}

/** A filesystem error while writing `path`, as one line that names the file and says why. */
export function outputError(path: string, e: unknown): Error {
  if (e instanceof DataError) return e;
  let code = (e as NodeJS.ErrnoException)?.code;
  // Node's recursive mkdir reports ENOENT when the real cause is a read-only (or forbidden) parent: ask the parent.
  if (code === 'ENOENT' && (e as NodeJS.ErrnoException).syscall === 'mkdir') code = mkdirBlocker((e as NodeJS.ErrnoException).path ?? path) ?? code;
  let why: string;
  if (code === 'EISDIR') why = 'it is a directory';
  else if (code === 'ENOTDIR' || code === 'EEXIST') why = `${blockingFile(path) ?? 'a parent path'} is a file, not a directory`;
  else if (code === 'EACCES' || code === 'EPERM') why = 'permission denied';
  else if (code === 'ENOSPC') why = 'no space left on the device';
  else if (code === 'EROFS') why = 'read-only file system';
  else why = e instanceof Error ? e.message : String(e);
  return new DataError(path, `cannot write: ${why}`, {}, { cause: e });
}

/** Why the nearest existing ancestor of path refuses new entries (EROFS, EACCES), if it does. */
function mkdirBlocker(path: string): string | undefined {
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) {
    if (!existsSync(d)) continue;
    try {
      accessSync(d, constants.W_OK);
      return undefined;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code;
    }
  }
  return undefined;
}

/** The nearest ancestor of path that exists as a file (what stops mkdir), if any. */
function blockingFile(path: string): string | undefined {
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) return d;
      return undefined;
    } catch {
      /* missing: look further up */
    }
  }
  return undefined;
}

/** Writes a value as pretty-printed JSON, atomically (a saved model, a report). */
export function writeJSONFile(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
