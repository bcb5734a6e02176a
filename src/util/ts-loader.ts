import { register } from 'node:module';

/**
 * Makes users' TypeScript files importable. Run from the sources, ballot itself already runs under tsx (or vitest);
 * the compiled package registers its own hooks (ts-hooks.ts: TypeScript's transpileModule) on first need only, so
 * commands that load no .ts file never pay for the compiler.
 */
export async function ensureTypeScriptLoader(file: string): Promise<void> {
  if (!/\.(c|m)?tsx?$/.test(file)) return;
  const g = globalThis as { __ballotTsHooks?: boolean };
  if (g.__ballotTsHooks || import.meta.url.endsWith('.ts')) return;
  register(new URL('./ts-hooks.js', import.meta.url));
  process.setSourceMapsEnabled(true);
  g.__ballotTsHooks = true;
}
