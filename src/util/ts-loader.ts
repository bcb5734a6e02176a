/**
 * Makes users' TypeScript files importable. Run from the sources, ballot itself already runs under tsx (or vitest);
 * the compiled package registers tsx on first need only, so commands that load no .ts file never pay for it.
 */
export async function ensureTypeScriptLoader(file: string): Promise<void> {
  if (!/\.(c|m)?tsx?$/.test(file)) return;
  const g = globalThis as { __ballotTsxRegistered?: boolean };
  if (g.__ballotTsxRegistered || import.meta.url.endsWith('.ts')) return;
  const { register } = await import('tsx/esm/api');
  register();
  g.__ballotTsxRegistered = true;
}
