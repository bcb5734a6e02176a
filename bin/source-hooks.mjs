// Module hook used only when ballot runs from its TypeScript sources (a git checkout without an up-to-date dist/):
// resolve with the "ballot-source" export condition, so `import ... from 'ballot'` in LF files gets src/index.ts —
// the same module instances the CLI itself runs — instead of the compiled dist/.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('ballot-source') ? context.conditions : [...context.conditions, 'ballot-source'];
  return nextResolve(specifier, { ...context, conditions });
}
