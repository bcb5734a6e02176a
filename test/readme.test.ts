import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands that work on a fresh clone', () => {
    const firstBlock = readme.split('```bash')[1].split('```')[0];
    expect(firstBlock).toContain('npm ci && npx ballot demo');
    expect(firstBlock).toContain('npm test');
  });

  it("every name a code example imports from 'ballot' is exported by the package", () => {
    const imports = [...readme.matchAll(/import\s*\{([^}]+)\}\s*from\s*'ballot'/g)];
    expect(imports.length).toBeGreaterThan(5);
    const names = imports.flatMap((m) =>
      m[1]
        .split(',')
        .map((s) => s.trim().replace(/^type\s+/, ''))
        .filter(Boolean),
    );
    const missing = names.filter((n) => !(n in api));
    expect(missing).toEqual([]);
  });

  it('every `ballot <command>` it shows is a real command', async () => {
    const { commands } = await import('../src/cli/commands/index.js');
    const known = new Set(commands.map((c) => String(c.command).split(' ')[0]));
    const code = [...readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    const used = new Set([...code.matchAll(/(?:^|&& |npx )ballot ([a-z]+)/gm)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((c) => !known.has(c))).toEqual([]);
  });
});
