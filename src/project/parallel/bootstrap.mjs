// Worker bootstrap: every ballot worker starts here, then imports the real entry (workerData.entry, a file URL).
// Run from the sources (src/), that entry is TypeScript: register tsx in this thread and resolve 'ballot' to the
// sources. The compiled package needs nothing here: users' .ts LF files get ballot's own TypeScript hooks when the
// worker loads them (src/util/ts-loader.ts), as in the main thread.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

if (!/\/dist\/src\/project\/parallel\/bootstrap\.mjs$/.test(import.meta.url)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register(new URL('../../../bin/source-hooks.mjs', import.meta.url));
}
await import(workerData.entry);
