import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { outputError, writeFileAtomic } from '../data/atomic.js';
import { DataError } from '../util/errors.js';

/**
 * The per-LF column cache behind incremental `ballot apply` (directory `.ballot-cache/` next to the output).
 *
 * Each applied LF column is one file `columns/<key>.i8`, where the key hashes everything the column depends on
 * (the LF's code fingerprint and name, the data file's bytes, the label space, read options, ballot's version;
 * not onError, since a column without errors is the same under both settings). A file
 * exists only complete: it is written under a temp name and renamed, so a crash mid-apply leaves the columns
 * finished before it valid and nothing half-written. Each column's header holds a CRC-32 of its votes, checked
 * before the column is used: a damaged file is re-applied and reported, never served.
 *
 * The index is one small file per entry, each written atomically, so concurrent applies sharing the folder never
 * drop each other's records (a single manifest rewritten by both lost one side's runs, and pruning then deleted its
 * columns): `runs/<hash of output>.json` holds which key each LF had on that output's last run and the one before (to
 * say what changed and to prune), `data-hashes/<hash of path>.json` a data file's sha256 by size and mtime. Pruning
 * keeps every column some run file names and any column touched in the last PRUNE_GRACE_MS (a concurrent run's
 * fresh columns or hits, whose run file is not written yet). The index only saves work — losing it costs a re-apply,
 * never a wrong column.
 */

const MAGIC = 0x43544c42; // "BLTC" little-endian
const FORMAT = 2;
/** magic u32, format u32, n (two u32 halves), errors u32, CRC-32 of the votes u32. */
export const COLUMN_HEADER_BYTES = 24;

export interface CachedColumn {
  path: string;
  n: number;
  errors: number;
}

/** How long a column file stays safe from pruning after it was written or used (covers a concurrent run). */
export const PRUNE_GRACE_MS = 10 * 60 * 1000;

/** A cache lookup: a verified column, a damaged one (with why; it is re-applied), or nothing. */
export type CacheLookup = { hit: CachedColumn } | { damaged: string } | { miss: true };

export interface RunRecord {
  /** LF name → its cache key and the parts that changed the key, on the last run. */
  lfs: Record<string, { key: string | null; code: string | null; data: string }>;
  at: string;
}

export interface Manifest {
  version: 1;
  dataHashes: Record<string, { size: number; mtimeMs: number; sha256: string }>;
  /** Output path → its last run and the one before. */
  runs: Record<string, { last: RunRecord; previous?: RunRecord }>;
}

export class ColumnCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private get columnsDir(): string {
    return join(this.dir, 'columns');
  }

  columnPath(key: string): string {
    return join(this.columnsDir, `${key}.i8`);
  }

  /** The cached column for a key if it is complete, has n rows and its checksum matches, else undefined. */
  lookup(key: string, n?: number): CachedColumn | undefined {
    const r = this.check(key, n);
    return 'hit' in r ? r.hit : undefined;
  }

  /**
   * Looks a key up and verifies the column (size, header, CRC-32 of every vote): a file that fails is `damaged`, so
   * the caller re-applies the LF and says why. A hit is touched, so a concurrent run's prune keeps it.
   */
  check(key: string, n?: number): CacheLookup {
    const path = this.columnPath(key);
    if (!existsSync(path)) return { miss: true };
    try {
      const head = readHeader(path, { verify: true });
      if (n !== undefined && head.n !== n) return { damaged: `it has ${head.n} rows, expected ${n}` };
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        /* read-only cache: still usable */
      }
      return { hit: { path, ...head } };
    } catch (e) {
      return { damaged: (e as Error).message.replace(`${path}: `, '') };
    }
  }

  /** A writer for a new column file; `finish` publishes it under the key (atomically). */
  createWriter(key: string): ColumnWriter {
    const path = this.columnPath(key);
    try {
      mkdirSync(this.columnsDir, { recursive: true });
    } catch (e) {
      throw outputError(this.columnsDir, e);
    }
    return new ColumnWriter(path, join(this.columnsDir, `.${key}.${process.pid}.${Date.now()}.tmp`));
  }

  private entryPath(kind: 'runs' | 'data-hashes', of: string): string {
    return join(this.dir, kind, `${createHash('sha256').update(of).digest('hex').slice(0, 32)}.json`);
  }

  private readEntry<T>(path: string): T | undefined {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      return undefined; // missing or unreadable: start fresh (the columns themselves are verified on use)
    }
  }

  /** sha256 of a data file, reusing the recorded value while the file's size and mtime are unchanged. */
  dataHash(file: string): string {
    const abs = resolve(file);
    const st = statSync(abs);
    const entry = this.entryPath('data-hashes', abs);
    const known = this.readEntry<{ path: string; size: number; mtimeMs: number; sha256: string }>(entry);
    if (known && known.path === abs && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.sha256;
    const sha256 = hashFile(abs);
    this.writeEntry(entry, { path: abs, size: st.size, mtimeMs: st.mtimeMs, sha256 });
    return sha256;
  }

  private writeEntry(path: string, value: unknown): void {
    try {
      writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
    } catch (e) {
      throw new DataError(
        path,
        `cannot write the cache index (pass --no-cache or another --cache-dir): ${(e as Error).message.replace(`${path}: `, '')}`,
        {},
        { cause: e },
      );
    }
  }

  private runEntry(output: string): { output: string; last: RunRecord; previous?: RunRecord } | undefined {
    const abs = resolve(output);
    const r = this.readEntry<{ output: string; last: RunRecord; previous?: RunRecord }>(this.entryPath('runs', abs));
    return r?.output === abs && r.last ? r : undefined;
  }

  lastRun(output: string): RunRecord | undefined {
    return this.runEntry(output)?.last;
  }

  /** The index as one object (for tools and tests): every output's runs and every data file's hash. */
  readManifest(): Manifest {
    const m: Manifest = { version: 1, dataHashes: {}, runs: {} };
    for (const f of listJSON(join(this.dir, 'runs'))) {
      const r = this.readEntry<{ output: string; last: RunRecord; previous?: RunRecord }>(f);
      if (r?.output && r.last) m.runs[r.output] = { last: r.last, previous: r.previous };
    }
    for (const f of listJSON(join(this.dir, 'data-hashes'))) {
      const d = this.readEntry<{ path: string; size: number; mtimeMs: number; sha256: string }>(f);
      if (d?.path) m.dataHashes[d.path] = { size: d.size, mtimeMs: d.mtimeMs, sha256: d.sha256 };
    }
    return m;
  }

  /**
   * Records a finished run (its own file: other outputs' runs are untouched) and deletes column files no run refers
   * to (keeping each output's last two runs, so undoing the latest edit is still a cache hit) that have not been used
   * for PRUNE_GRACE_MS, plus temp files of processes that are gone.
   */
  commit(output: string, run: RunRecord): void {
    const abs = resolve(output);
    const prev = this.runEntry(abs)?.last;
    this.writeEntry(this.entryPath('runs', abs), { output: abs, last: run, previous: prev });
    this.prune();
  }

  private prune(): void {
    const keep = new Set<string>();
    for (const r of Object.values(this.readManifest().runs)) {
      for (const rec of [r.last, r.previous]) for (const e of Object.values(rec?.lfs ?? {})) if (e.key) keep.add(`${e.key}.i8`);
    }
    if (!existsSync(this.columnsDir)) return;
    const now = Date.now();
    for (const f of readdirSync(this.columnsDir)) {
      const path = join(this.columnsDir, f);
      if (f.endsWith('.tmp')) {
        const pid = Number(f.split('.').at(-3));
        if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(path, { force: true });
        continue;
      }
      if (!f.endsWith('.i8') || keep.has(f)) continue;
      try {
        if (now - statSync(path).mtimeMs < PRUNE_GRACE_MS) continue;
      } catch {
        continue; // already gone
      }
      rmSync(path, { force: true });
    }
  }
}

function listJSON(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Writes one column at row positions (batches may finish out of order), then publishes it with a rename. */
export class ColumnWriter {
  private fd: number;
  private done = false;

  constructor(
    readonly path: string,
    readonly tmp: string,
  ) {
    try {
      this.fd = openSync(tmp, 'w+'); // read back at finish for the checksum
    } catch (e) {
      throw cacheWriteError(path, e);
    }
  }

  /** Writes votes for rows [row, row + votes.length). */
  write(row: number, votes: Int8Array): void {
    let off = 0;
    const bytes = new Uint8Array(votes.buffer, votes.byteOffset, votes.byteLength);
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, COLUMN_HEADER_BYTES + row + off);
    } catch (e) {
      throw cacheWriteError(this.path, e);
    }
  }

  /** Writes the header (with the votes' CRC-32), checks the size, closes and renames into place; returns the final path. */
  finish(n: number, errors: number): string {
    try {
      const head = new DataView(new ArrayBuffer(COLUMN_HEADER_BYTES));
      head.setUint32(0, MAGIC, true);
      head.setUint32(4, FORMAT, true);
      head.setUint32(8, n % 2 ** 32, true);
      head.setUint32(12, Math.floor(n / 2 ** 32), true);
      head.setUint32(16, errors, true);
      head.setUint32(20, crcOfVotes(this.fd, n), true);
      writeSync(this.fd, new Uint8Array(head.buffer), 0, COLUMN_HEADER_BYTES, 0);
      const size = fstatSync(this.fd).size;
      closeSync(this.fd);
      this.done = true;
      if (size !== COLUMN_HEADER_BYTES + n) {
        rmSync(this.tmp, { force: true });
        throw new Error(`column file ${this.tmp} has ${size - COLUMN_HEADER_BYTES} votes, expected ${n}`);
      }
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw cacheWriteError(this.path, e);
    }
    return this.path;
  }

  abort(): void {
    if (!this.done) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.done = true;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** A column file's header; with `verify`, also checks the CRC-32 of every vote against it. */
export function readHeader(path: string, options: { verify?: boolean } = {}): { n: number; errors: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(COLUMN_HEADER_BYTES);
    if (readSync(fd, buf, 0, COLUMN_HEADER_BYTES, 0) !== COLUMN_HEADER_BYTES) throw new Error(`${path}: truncated column header`);
    const v = new DataView(buf.buffer);
    if (v.getUint32(0, true) !== MAGIC) throw new Error(`${path}: not a ballot column file`);
    if (v.getUint32(4, true) !== FORMAT) throw new Error(`${path}: column format ${v.getUint32(4, true)}, expected ${FORMAT}`);
    const n = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
    if (fstatSync(fd).size !== COLUMN_HEADER_BYTES + n) throw new Error(`${path}: size does not match its header (truncated)`);
    if (options.verify && crcOfVotes(fd, n) !== v.getUint32(20, true))
      throw new Error(`${path}: checksum mismatch (the file was changed or damaged)`);
    return { n, errors: v.getUint32(16, true) };
  } finally {
    closeSync(fd);
  }
}

/** CRC-32 of a column file's n votes, read in 1 MiB chunks. */
function crcOfVotes(fd: number, n: number): number {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, n)));
  let crc = 0;
  for (let pos = 0; pos < n; ) {
    const got = readSync(fd, buf, 0, Math.min(buf.length, n - pos), COLUMN_HEADER_BYTES + pos);
    if (got === 0) throw new Error('column file ended early');
    crc = crc32(buf.subarray(0, got), crc);
    pos += got;
  }
  return crc;
}

// zlib.crc32 exists from Node 20.15; older Node 20 gets the same CRC from a table.
const nativeCrc = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
let table: Uint32Array | undefined;
function crc32(data: Uint8Array, value = 0): number {
  if (nativeCrc) return nativeCrc(data, value);
  if (!table) {
    table = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[i] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** A filesystem error while writing a cache column, naming the column file and what to do. */
function cacheWriteError(path: string, e: unknown): Error {
  const base = outputError(path, e);
  return new DataError(
    path,
    `${base.message.replace(`${path}: `, '')} (writing an LF's cache column; pass --no-cache or another --cache-dir)`,
    {},
    { cause: e },
  );
}

/** Reads votes of rows [start, start + out.length) of a column file into out. */
export function readColumnRange(fd: number, start: number, out: Int8Array): void {
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let off = 0;
  while (off < bytes.length) {
    const got = readSync(fd, bytes, off, bytes.length - off, COLUMN_HEADER_BYTES + start + off);
    if (got === 0) throw new Error('column file ended early');
    off += got;
  }
}

export function hashFile(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; ; ) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) break;
      h.update(buf.subarray(0, got));
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
