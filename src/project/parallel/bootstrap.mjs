// Worker bootstrap: a .ts worker entry fails under tsx (ERR_UNKNOWN_FILE_EXTENSION), so every ballot worker
// starts here, registers tsx in its own thread, then imports the real entry (workerData.entry, a file URL).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
