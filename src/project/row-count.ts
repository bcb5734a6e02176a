import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { RecordBatchReader } from 'apache-arrow';

/**
 * A quick row count for the progress bar's percentage and ETA, read without parsing values: line breaks for
 * CSV/TSV/JSONL (an overestimate when quoted fields span lines), record-batch lengths for Arrow (one batch in
 * memory at a time). Undefined when the file cannot be scanned; the bar then shows rows and rows/s only.
 */
export async function estimateRowCount(path: string, format: string): Promise<number | undefined> {
  try {
    if (format === 'arrow') {
      const handle = await open(path, 'r');
      try {
        const reader = await RecordBatchReader.from(handle);
        await reader.open();
        let n = 0;
        for await (const batch of reader) n += batch.numRows;
        return n;
      } finally {
        await handle.close();
      }
    }
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let lines = 0;
      let last = 10;
      for (let pos = 0; ; ) {
        const got = readSync(fd, buf, 0, buf.length, pos);
        if (got === 0) break;
        for (let i = buf.indexOf(10, 0); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) lines++;
        last = buf[got - 1];
        pos += got;
      }
      if (last !== 10) lines++;
      return format === 'jsonl' ? lines : Math.max(0, lines - 1);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
