// Worker bootstrap: a .ts worker entry fails under tsx (ERR_UNKNOWN_FILE_EXTENSION), so every ballot worker
// starts here, registers tsx in its own thread (users' LF files are TypeScript), then imports the real entry
// (workerData.entry, a file URL). Run from the sources (src/), it also resolves 'ballot' to the sources.
import { register } from 'tsx/esm/api';
import { register as registerHooks } from 'node:module';
import { workerData } from 'node:worker_threads';

register();
globalThis.__ballotTsxRegistered = true;
if (import.meta.url.includes('/src/project/parallel/') && !import.meta.url.includes('/dist/')) {
  registerHooks(new URL('../../../bin/source-hooks.mjs', import.meta.url));
}
await import(workerData.entry);
