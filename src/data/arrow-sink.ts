import { AsyncByteQueue, RecordBatchFileWriter, type Schema } from 'apache-arrow';
import type { AtomicFile } from './atomic.js';

/**
 * An Arrow IPC file writer whose bytes go to `file` as each record batch is encoded (Arrow's own sinks keep the whole
 * file in memory), so a streamed output holds one batch at a time. `finish()` it, then commit the file.
 */
export function arrowFileWriter(file: AtomicFile, schema: Schema): RecordBatchFileWriter {
  const writer = new RecordBatchFileWriter();
  writer.reset(new FileSink(file), schema);
  return writer;
}

class FileSink extends AsyncByteQueue {
  constructor(private readonly file: AtomicFile) {
    super();
  }
  override write(value: any): void {
    this.file.write(value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
}
