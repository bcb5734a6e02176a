import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFile, findDuplicates, createRng } from '../../src/index.js';
import { ColumnCache } from '../../src/internal.js';
import { makeProject, REPO, type Project } from './project.js';

// Class 9: work stays bounded on adversarial text, and nothing is left behind or lost between runs.
let P: Project;
beforeAll(async () => {
  P = await makeProject('leftovers');
}, 60_000);
afterAll(() => P.cleanup());

const scratchDirs = (pid?: number) => readdirSync(tmpdir()).filter((f) => f.startsWith(pid ? `ballot-apply-${pid}-` : 'ballot-apply-'));

describe('class 9: scale and leftovers', () => {
  it('dedupe on short low-vocabulary text compares each row with a bounded number of kept rows', () => {
    const rng = createRng(3);
    const words = ['ok', 'yes', 'no', 'lol', 'hi', 'thx', 'good', 'bad'];
    const rows = Array.from({ length: 6000 }, () => ({ text: Array.from({ length: 2 + rng.int(4) }, () => words[rng.int(words.length)]).join(' ') }));
    const capped = findDuplicates(rows, { threshold: 0.8, bucketCap: 4 });
    const full = findDuplicates(rows, { threshold: 0.8, bucketCap: Infinity });
    expect(capped.cappedRows).toBeGreaterThan(0); // the cap was hit: the work is bounded
    expect(full.cappedRows).toBe(0);
    expect(capped.exact).toBe(full.exact);
    // Every near-duplicate the capped run reports is a real one (same rule, fewer comparisons).
    expect(capped.near).toBeLessThanOrEqual(full.near + (full.exact - capped.exact));
  });

  it('apply --no-cache leaves no scratch folder, and removes those of dead processes', async () => {
    const orphan = join(tmpdir(), 'ballot-apply-999999999-test');
    mkdirSync(orphan, { recursive: true });
    await applyFile({ data: P.p('data.csv'), lfs: [P.p('lfs', 'spam.ts')], out: P.p('out', 'n.arrow'), cache: false, workers: 1, progress: false });
    expect(existsSync(orphan)).toBe(false);
    expect(scratchDirs(process.pid)).toEqual([]);
  }, 30_000);

  it('the scratch folder of an apply --no-cache killed mid-run is removed by the next apply', async () => {
    writeFileSync(
      P.p('lfs', 'slow.ts'),
      "import { ABSTAIN, labelingFunction } from 'ballot';\nexport const labels = ['HAM', 'SPAM'];\nexport const slow = labelingFunction({ name: 'slow', vote: () => { const t = Date.now() + 1000; while (Date.now() < t); return ABSTAIN; } });\n",
    );
    const child = spawn(
      process.execPath,
      [
        join(REPO, 'bin', 'ballot.mjs'),
        'apply',
        '--lfs',
        P.p('lfs', 'slow.ts'),
        '--workers',
        '1',
        '--no-cache',
        '--data',
        P.p('data.csv'),
        '--out',
        P.p('out', 's.arrow'),
      ],
      { stdio: 'ignore', cwd: P.dir },
    );
    for (let t = 0; t < 300 && scratchDirs(child.pid).length === 0; t++) await new Promise((r) => setTimeout(r, 50));
    expect(scratchDirs(child.pid)).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(scratchDirs(child.pid)).toHaveLength(1); // the killed run could not clean up
    await applyFile({ data: P.p('data.csv'), lfs: [P.p('lfs', 'spam.ts')], out: P.p('out', 'n2.arrow'), cache: false, workers: 1, progress: false });
    expect(scratchDirs(child.pid)).toEqual([]);
  }, 30_000);

  it("two applies sharing a cache folder keep each other's entries", async () => {
    const cacheDir = P.p('shared-cache');
    const run = (out: string) =>
      applyFile({ data: P.p('data.csv'), lfs: [P.p('lfs', 'spam.ts')], out: P.p('out', out), cacheDir, workers: 1, progress: false });
    writeFileSync(P.p('data2.csv'), 'id,text,label\n1,free stuff,SPAM\n2,see you,HAM\n');
    const other = () =>
      applyFile({ data: P.p('data2.csv'), lfs: [P.p('lfs', 'spam.ts')], out: P.p('out', 'b.arrow'), cacheDir, workers: 1, progress: false });
    await Promise.all([run('a.arrow'), other()]);
    const m = new ColumnCache(cacheDir).readManifest();
    expect(Object.keys(m.runs).sort()).toEqual([P.p('out', 'a.arrow'), P.p('out', 'b.arrow')]);
    // Both re-runs are full cache hits: neither run pruned the other's columns.
    const [a, b] = await Promise.all([run('a.arrow'), other()]);
    expect(a.applied).toEqual([]);
    expect(b.applied).toEqual([]);
  }, 30_000);
});
