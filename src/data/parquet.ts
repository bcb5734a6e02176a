// Parquet in with hyparquet (out with hyparquet-writer: rows in write.ts, label-matrix exports in
// label-matrix-export.ts): pure JavaScript, ~1.5 MB installed, no WebAssembly (parquet-wasm is 15 MB and took longer
// to import here; see /work/shared/notes/dependencies.md). Loaded only when a .parquet file is used.
import { DataError } from '../util/errors.js';
import { readFileOrFail } from '../util/read-file.js';
import type { Row } from './types.js';

/** Reads a whole Parquet file into rows (BigInt int64 values become numbers when exact). Errors name the file. */
export async function readParquetRows(path: string): Promise<{ columns: string[]; rows: Row[] }> {
  const bytes = readFileOrFail(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (file.byteLength < 12 || bytes.toString('latin1', 0, 4) !== 'PAR1' || bytes.toString('latin1', bytes.length - 4) !== 'PAR1') {
    throw new DataError(path, 'not a complete Parquet file (no PAR1 magic at both ends: cut short or not Parquet)');
  }
  const { parquetMetadata, parquetReadObjects, parquetSchema } = await import('hyparquet');
  try {
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata).children.map((c) => c.element.name);
    const raw = (await parquetReadObjects({ file, metadata })) as Row[];
    for (const r of raw) for (const k in r) if (typeof r[k] === 'bigint') r[k] = toNumber(r[k] as bigint);
    return { columns, rows: raw };
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(path, `cannot read Parquet (a damaged file?): ${(e as Error).message}`, {}, { cause: e });
  }
}

function toNumber(b: bigint): number | string {
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b.toString();
}
