import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';

/**
 * The per-LF column cache behind incremental `ballot apply` (directory `.ballot-cache/` next to the output).
 *
 * Each applied LF column is one file `columns/<key>.i8`, where the key hashes everything the column depends on
 * (the LF's code fingerprint and name, the data file's bytes, the label space, read options, ballot's version;
 * not onError, since a column without errors is the same under both settings). A file
 * exists only complete: it is written under a temp name and renamed, so a crash mid-apply leaves the columns
 * finished before it valid and nothing half-written. `manifest.json` remembers data-file hashes (by size and
 * mtime) and, per output, which key each LF had on the last run and the one before (to say what changed and
 * to prune); it is only an index — losing it costs a re-apply, never a wrong column.
 */

const MAGIC = 0x43544c42; // "BLTC" little-endian
const FORMAT = 1;
/** magic u32, format u32, n (two u32 halves), errors u32, reserved u32. */
export const COLUMN_HEADER_BYTES = 24;

export interface CachedColumn {
  path: string;
  n: number;
  errors: number;
}

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
  private manifestCache?: Manifest;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private get columnsDir(): string {
    return join(this.dir, 'columns');
  }

  columnPath(key: string): string {
    return join(this.columnsDir, `${key}.i8`);
  }

  /** The cached column for a key if it is complete and has n rows, else undefined. */
  lookup(key: string, n?: number): CachedColumn | undefined {
    const path = this.columnPath(key);
    if (!existsSync(path)) return undefined;
    try {
      const head = readHeader(path);
      if (n !== undefined && head.n !== n) return undefined;
      return { path, ...head };
    } catch {
      return undefined; // a damaged file is a miss; it is overwritten when the LF is re-applied
    }
  }

  /** A writer for a new column file; `finish` publishes it under the key (atomically). */
  createWriter(key: string): ColumnWriter {
    mkdirSync(this.columnsDir, { recursive: true });
    return new ColumnWriter(this.columnPath(key), join(this.columnsDir, `.${key}.${process.pid}.${Date.now()}.tmp`));
  }

  readManifest(): Manifest {
    if (this.manifestCache) return this.manifestCache;
    const path = join(this.dir, 'manifest.json');
    let m: Manifest | undefined;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8'));
      if (parsed?.version === 1 && parsed.dataHashes && parsed.runs) m = parsed as Manifest;
    } catch {
      /* missing or unreadable: start fresh (the columns themselves stay valid) */
    }
    this.manifestCache = m ?? { version: 1, dataHashes: {}, runs: {} };
    return this.manifestCache;
  }

  /** sha256 of a data file, reusing the manifest's value while the file's size and mtime are unchanged. */
  dataHash(file: string): string {
    const abs = resolve(file);
    const st = statSync(abs);
    const m = this.readManifest();
    const known = m.dataHashes[abs];
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.sha256;
    const sha256 = hashFile(abs);
    m.dataHashes[abs] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
    return sha256;
  }

  lastRun(output: string): RunRecord | undefined {
    return this.readManifest().runs[resolve(output)]?.last;
  }

  /**
   * Records a finished run and deletes column files no run in the manifest refers to (keeping each output's last
   * two runs, so undoing the latest edit is still a cache hit), plus temp files of processes that are gone.
   */
  commit(output: string, run: RunRecord): void {
    const m = this.readManifest();
    const abs = resolve(output);
    const prev = m.runs[abs]?.last;
    m.runs[abs] = { last: run, previous: prev };
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(join(this.dir, 'manifest.json'), `${JSON.stringify(m, null, 1)}\n`);
    this.prune();
  }

  private prune(): void {
    const m = this.readManifest();
    const keep = new Set<string>();
    for (const r of Object.values(m.runs)) {
      for (const rec of [r.last, r.previous]) for (const e of Object.values(rec?.lfs ?? {})) if (e.key) keep.add(`${e.key}.i8`);
    }
    if (!existsSync(this.columnsDir)) return;
    for (const f of readdirSync(this.columnsDir)) {
      if (f.endsWith('.tmp')) {
        const pid = Number(f.split('.').at(-3));
        if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(this.columnsDir, f), { force: true });
        continue;
      }
      if (f.endsWith('.i8') && !keep.has(f)) rmSync(join(this.columnsDir, f), { force: true });
    }
  }
}

/** Writes one column at row positions (batches may finish out of order), then publishes it with a rename. */
export class ColumnWriter {
  private fd: number;
  private done = false;

  constructor(readonly path: string, readonly tmp: string) {
    this.fd = openSync(tmp, 'w');
  }

  /** Writes votes for rows [row, row + votes.length). */
  write(row: number, votes: Int8Array): void {
    let off = 0;
    const bytes = new Uint8Array(votes.buffer, votes.byteOffset, votes.byteLength);
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, COLUMN_HEADER_BYTES + row + off);
  }

  /** Writes the header, checks the size, closes and renames into place; returns the final path. */
  finish(n: number, errors: number): string {
    const head = new DataView(new ArrayBuffer(COLUMN_HEADER_BYTES));
    head.setUint32(0, MAGIC, true);
    head.setUint32(4, FORMAT, true);
    head.setUint32(8, n % 2 ** 32, true);
    head.setUint32(12, Math.floor(n / 2 ** 32), true);
    head.setUint32(16, errors, true);
    writeSync(this.fd, new Uint8Array(head.buffer), 0, COLUMN_HEADER_BYTES, 0);
    const size = fstatSync(this.fd).size;
    closeSync(this.fd);
    this.done = true;
    if (size !== COLUMN_HEADER_BYTES + n) {
      rmSync(this.tmp, { force: true });
      throw new Error(`column file ${this.tmp} has ${size - COLUMN_HEADER_BYTES} votes, expected ${n}`);
    }
    renameSync(this.tmp, this.path);
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

export function readHeader(path: string): { n: number; errors: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(COLUMN_HEADER_BYTES);
    if (readSync(fd, buf, 0, COLUMN_HEADER_BYTES, 0) !== COLUMN_HEADER_BYTES) throw new Error(`${path}: truncated column header`);
    const v = new DataView(buf.buffer);
    if (v.getUint32(0, true) !== MAGIC || v.getUint32(4, true) !== FORMAT) throw new Error(`${path}: not a ballot column file`);
    const n = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
    if (fstatSync(fd).size !== COLUMN_HEADER_BYTES + n) throw new Error(`${path}: size does not match its header`);
    return { n, errors: v.getUint32(16, true) };
  } finally {
    closeSync(fd);
  }
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
