import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyFile } from '../src/index.js';
import { ColumnCache, readHeader } from '../src/internal.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SPAM = join(REPO, 'examples/spam/data/Youtube01-Psy.csv');
const KEYWORDS = ['check', 'subscribe', 'channel', 'http', 'free', 'win', 'money', 'please', 'video', 'follow'];

let root: string;
let step = 0;

/** An LF file with 50 keyword LFs; `override` replaces the keywords of some LFs. */
function lfSource(override: Record<number, string> = {}, extra = ''): string {
  const lines = ["import { defineLabels, keywordLF } from 'ballot';", "export const labels = defineLabels(['HAM', 'SPAM'] as const);"];
  for (let i = 0; i < 50; i++) {
    const kw = override[i] ?? `${KEYWORDS[i % KEYWORDS.length]}${i < 10 ? '' : i}`;
    lines.push(
      `export const lf${i} = keywordLF({ name: 'kw_${i}', keywords: ['${kw}'], label: '${i % 3 ? 'SPAM' : 'HAM'}', field: 'CONTENT', match: 'substring' });`,
    );
  }
  return `${lines.join('\n')}\n${extra}`;
}

/**
 * Writes the LF file into a fresh directory per step: a module is imported once per process, so a new path is how
 * a test process sees an edit. Fingerprints depend on code, not paths, so the cache still applies across steps.
 */
function writeLFs(source: string): string {
  const dir = join(root, `step${step++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'lfs.ts'), source);
  return join(dir, 'lfs.ts');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ballot-cache-'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(REPO, join(root, 'node_modules', 'ballot'), 'dir');
  copyFileSync(SPAM, join(root, 'data.csv'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const out = () => join(root, 'out', 'L.arrow');
const run = (lfs: string, extra: Partial<Parameters<typeof applyFile>[0]> = {}) =>
  applyFile({ data: join(root, 'data.csv'), lfs: [lfs], out: out(), workers: 1, progress: false, ...extra });

describe('incremental apply', () => {
  it('re-applies only the LFs whose code or data changed', async () => {
    const first = await run(writeLFs(lfSource()));
    expect(first.applied).toHaveLength(50);
    expect(new Set(first.lfs.map((l) => l.reason))).toEqual(new Set(['new']));
    const bytes = readFileSync(out());

    const again = await run(writeLFs(lfSource()));
    expect(again.applied).toEqual([]);
    expect(again.cached).toHaveLength(50);
    expect(Buffer.compare(readFileSync(out()), bytes)).toBe(0);

    // Editing one LF of the fifty re-applies that one only, and the result equals a full re-apply.
    const edited = writeLFs(lfSource({ 7: 'song' }));
    const one = await run(edited);
    expect(one.applied).toEqual(['kw_7']);
    expect(one.lfs.find((l) => l.name === 'kw_7')).toMatchObject({ status: 'applied', reason: 'code changed' });
    const incremental = readFileSync(out());
    const full = await applyFile({
      data: join(root, 'data.csv'),
      lfs: [edited],
      out: join(root, 'full', 'L.arrow'),
      workers: 1,
      progress: false,
      cache: false,
    });
    expect(full.applied).toHaveLength(50);
    expect(Buffer.compare(readFileSync(join(root, 'full', 'L.arrow')), incremental)).toBe(0);
    expect(Buffer.compare(incremental, bytes)).not.toBe(0);

    // Undoing the edit is a cache hit: the previous run's columns are kept.
    const undo = await run(writeLFs(lfSource()));
    expect(undo.applied).toEqual([]);

    // New data invalidates every column.
    writeFileSync(join(root, 'data.csv'), readFileSync(SPAM, 'utf8').replace(/\n[^\n]*\n$/, '\n'));
    const data = await run(writeLFs(lfSource()));
    expect(data.applied).toHaveLength(50);
    expect(new Set(data.lfs.map((l) => l.reason))).toEqual(new Set(['data changed']));
    expect(data.rows).toBe(first.rows - 1);
    copyFileSync(SPAM, join(root, 'data.csv'));

    // --on-error does not change a column without errors: ballot watch (abstain) and ballot apply (error) share them.
    const abstain = await run(writeLFs(lfSource()), { onError: 'abstain' });
    expect(abstain.applied).toEqual([]);
    // A different label space is a different column.
    const relabelled = await run(writeLFs(lfSource().replace("['HAM', 'SPAM']", "['HAM', 'SPAM', 'OTHER']")));
    expect(relabelled.applied).toHaveLength(50);
  });

  it('re-applies a column that recorded errors when --on-error is error, so the error is reported', async () => {
    const throwing =
      "\nexport const picky = keywordLF({ name: 'picky', keywords: ['x'], label: 'SPAM', field: (r: any) => { if (r.CONTENT.length > 100) throw new Error('too long'); return r.CONTENT; } });\n";
    const file = writeLFs(lfSource({}, throwing));
    const tolerant = await run(file, { onError: 'abstain' });
    expect(tolerant.lfs.find((l) => l.name === 'picky')!.errors).toBeGreaterThan(0);
    await expect(run(writeLFs(lfSource({}, throwing)))).rejects.toThrow(/labeling function "picky" failed on row \d+ of .*data\.csv: too long/);
    const again = await run(writeLFs(lfSource({}, throwing)), { onError: 'abstain' });
    expect(again.applied).toEqual([]); // the failed strict run cached nothing, the tolerant column is still there
  });

  it('treats a damaged column file as a miss', async () => {
    await run(writeLFs(lfSource()));
    const cols = join(root, 'out', '.ballot-cache', 'columns');
    const manifest = new ColumnCache(join(root, 'out', '.ballot-cache')).readManifest();
    const victim = `${manifest.runs[out()].last.lfs.kw_3.key}.i8`;
    writeFileSync(join(cols, victim), readFileSync(join(cols, victim)).subarray(0, 30)); // truncated
    const r = await run(writeLFs(lfSource()));
    expect(r.applied).toHaveLength(1);
    expect(r.lfs.find((l) => l.status === 'applied')!.reason).toMatch(/^cache entry damaged \(size does not match its header/);
  });

  it('survives a crash mid-apply: finished columns stay valid, nothing half-written is used', async () => {
    await run(writeLFs(lfSource()));
    // A run that changes ten LFs and makes one of them slow, killed while it applies.
    const slow =
      '\nconst until = (ms: number) => { const t = Date.now() + ms; while (Date.now() < t); };\n' +
      "export const slowLF = keywordLF({ name: 'slow', keywords: ['x'], label: 'SPAM', field: (r: any) => (until(20), r.CONTENT) });\n";
    const changed = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, `edit${i}`]));
    const crashing = writeLFs(lfSource(changed, slow));
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin/ballot.mjs'), 'apply', '--data', join(root, 'data.csv'), '--lfs', crashing, '--out', out(), '--workers', '1'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Kill it once it is applying (the slow LF takes 20 ms a row, 350 rows): wait for its temp column files.
    for (let t = 0; t < 200 && !readdirSync(join(root, 'out', '.ballot-cache', 'columns')).some((f) => f.endsWith('.tmp')); t++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    const code = await exited;
    expect(code, `the apply should still be running when killed; stderr: ${stderr}`).toBeNull();

    // Every column file present is complete; temp files of the dead process are never read as columns.
    const cols = join(root, 'out', '.ballot-cache', 'columns');
    for (const f of readdirSync(cols).filter((x) => x.endsWith('.i8'))) expect(() => readHeader(join(cols, f))).not.toThrow();
    expect(existsSync(out())).toBe(true); // the previous matrix is still whole

    const r = await run(writeLFs(lfSource(changed)));
    expect(r.applied.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `kw_${i}`).sort());
    expect(readdirSync(cols).filter((f) => f.endsWith('.tmp'))).toEqual([]); // cleaned once their process is gone
  });
});
