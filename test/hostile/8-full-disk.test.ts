import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, saveLabelMatrix } from '../../src/index.js';
import { fails, makeProject, REPO, runCli, type Project } from './project.js';

// Class 8 on real full and read-only disks. As root, chmod does not stop a write, so the outputs go to a tiny tmpfs
// (`mount -t tmpfs -o size=256k`) filled to the last page, or with a few pages free so the write fails mid-stream, and
// to a read-only tmpfs; `--out -` goes to /dev/full. A full disk must give one line naming the path, leave the
// previous output as it was, and leave no temp file; after space is freed the same command succeeds (the cache was
// not poisoned). The tmpfs cases are skipped, saying why, only when the OS refuses to mount (not root, no
// CAP_SYS_ADMIN, not Linux).
// Mounted in beforeAll (not at import), so collecting the tests (`vitest list`) mounts nothing.
let P: Project;
let full = '';
let ro = '';
let refused = '';
afterAll(() => {
  for (const d of [full, ro]) if (d) spawnSync('umount', [d]);
  P?.cleanup();
});

function mountOrReason(): string {
  full = P.p('full');
  ro = P.p('ro');
  mkdirSync(full);
  mkdirSync(ro);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full], { stdio: 'pipe' });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', ro], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return (
      String((e as { stderr?: Buffer }).stderr ?? (e as Error).message)
        .trim()
        .split('\n')[0] || 'mount failed'
    );
  }
}

/** Empties the tiny disk, writes `before` (name → content: the previous outputs), then fills it but for `freePages` 4 KiB pages. */
function fill(freePages: number, before: Record<string, string> = {}): void {
  for (const f of readdirSync(full)) rmSync(join(full, f), { recursive: true, force: true });
  for (const [name, text] of Object.entries(before)) writeFileSync(join(full, name), text);
  const fd = openSync(join(full, 'filler'), 'w');
  const page = new Uint8Array(4096);
  try {
    for (;;) writeSync(fd, page);
  } catch {
    /* full */
  }
  closeSync(fd);
  if (freePages > 0) {
    const size = readFileSync(join(full, 'filler')).length;
    writeFileSync(join(full, 'filler'), new Uint8Array(Math.max(0, size - freePages * 4096)));
  }
}

/** Every file under dir, relative, recursively (so a stray temp file anywhere shows). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const apply = (out: string, ...more: string[]) =>
  ['apply', '--lfs', P.p('lfs', 'spam.ts'), '--workers', '1', '--data', P.p('data.csv'), '--out', out, ...more] as const;

beforeAll(async () => {
  P = await makeProject('full-disk');
  refused = mountOrReason();
  if (refused) console.warn(`class 8 full-disk cases skipped: the OS refused mount -t tmpfs (${refused})`);
  // A 3,000-row matrix: its predictions (~90 kB of CSV) do not fit a few free pages, so the write fails mid-stream.
  const n = 3000;
  const votes = Int8Array.from({ length: n * 3 }, (_, i) => ((i * 7) % 3) - 1);
  const L = new LabelMatrix({ n, m: 3, votes, lfNames: ['a', 'b', 'c'], labels: ['HAM', 'SPAM'] });
  saveLabelMatrix(P.p('L.arrow'), L);
  const mv = new MajorityVote();
  mv.fit(L);
  writeFileSync(P.p('mv.json'), JSON.stringify(mv.toJSON()));
  const ok = await runCli(...apply(P.p('fresh.arrow'), '--no-cache'));
  expect(ok.err).toBe('');
}, 60_000);

/** Skips a tmpfs case, saying why, when the OS refused to mount. */
const needsMount = (ctx: { skip: (condition: boolean, note?: string) => void }) =>
  ctx.skip(refused !== '', `the OS refused mount -t tmpfs: ${refused}`);

describe('class 8: a full disk and a read-only one (tmpfs mounts)', () => {
  it('apply --out on a full disk (its cache beside it): one line naming the path; the old matrix stays; no temp file', async (ctx) => {
    needsMount(ctx);
    fill(0, { 'L.arrow': 'previous' });
    const msg = await fails(1, ...apply(join(full, 'L.arrow')));
    expect(msg).toContain(full);
    expect(msg).toMatch(/no space left on the device/);
    expect(readFileSync(join(full, 'L.arrow'), 'utf8')).toBe('previous');
    expect(filesUnder(full)).toEqual(['L.arrow', 'filler']);
    // Space freed: the same command succeeds and equals a fresh apply (nothing half-written was cached).
    rmSync(join(full, 'filler'));
    const ok = await runCli(...apply(join(full, 'L.arrow')));
    expect(ok.err).toBe('');
    expect(readFileSync(join(full, 'L.arrow'))).toEqual(readFileSync(P.p('fresh.arrow')));
  });

  it('apply --no-cache with a few pages free: the matrix fails mid-write, named; nothing else is left', async (ctx) => {
    needsMount(ctx);
    fill(0);
    const msg = await fails(1, ...apply(join(full, 'L.arrow'), '--no-cache'));
    expect(msg).toMatch(new RegExp(`^${join(full, 'L.arrow')}: cannot write: no space left on the device$`));
    expect(filesUnder(full)).toEqual(['filler']);
  });

  it('the cache on a full disk (--cache-dir): one line naming the cache path; the output and the cache stay whole', async (ctx) => {
    needsMount(ctx);
    writeFileSync(P.p('out-c.arrow'), 'previous');
    fill(0);
    const msg = await fails(1, ...apply(P.p('out-c.arrow'), '--cache-dir', join(full, 'cache')));
    expect(msg).toContain(join(full, 'cache'));
    expect(msg).toMatch(/no space left on the device/);
    expect(readFileSync(P.p('out-c.arrow'), 'utf8')).toBe('previous');
    expect(filesUnder(full)).toEqual(['filler']);
    // A little space: the cache fills up part way (some columns may be written); still one line, nothing half-written.
    fill(1);
    const again = await runCli(...apply(P.p('out-c.arrow'), '--cache-dir', join(full, 'cache')));
    if (again.code !== 0) expect(again.err).toMatch(/^ballot: [^\n]*no space left on the device[^\n]*\n$/);
    expect(filesUnder(full).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(join(full, 'filler'));
    const ok = await runCli(...apply(P.p('out-c.arrow'), '--cache-dir', join(full, 'cache')));
    expect(ok.err).toBe('');
    expect(readFileSync(P.p('out-c.arrow'))).toEqual(readFileSync(P.p('fresh.arrow')));
  });

  for (const ext of ['csv', 'jsonl', 'arrow']) {
    it(`predict --out .${ext} running out of space mid-stream: one line naming the path; the old file stays; no temp file`, async (ctx) => {
      needsMount(ctx);
      fill(3, { [`pred.${ext}`]: 'previous' });
      const msg = await fails(1, 'predict', '--model', P.p('mv.json'), '--L', P.p('L.arrow'), '--out', join(full, `pred.${ext}`));
      expect(msg).toBe(`${join(full, `pred.${ext}`)}: cannot write: no space left on the device`);
      expect(readFileSync(join(full, `pred.${ext}`), 'utf8')).toBe('previous');
      expect(filesUnder(full)).toEqual(['filler', `pred.${ext}`]);
    });
  }

  it('a read-only disk: apply, predict and the cache say so, naming the path', async (ctx) => {
    needsMount(ctx);
    const outs = [
      apply(join(ro, 'L.arrow')),
      apply(P.p('out-ro.arrow'), '--cache-dir', join(ro, 'cache')),
      ['predict', '--model', P.p('mv.json'), '--L', P.p('L.arrow'), '--out', join(ro, 'pred.csv')],
    ];
    for (const args of outs) {
      const msg = await fails(1, ...args);
      expect(msg, args.join(' ')).toContain(ro);
      expect(msg).toMatch(/read-only file system/);
    }
    expect(filesUnder(ro)).toEqual([]);
  });
});

describe('class 8: --out - on a full device (/dev/full)', () => {
  for (const args of [
    ['predict', '--model', 'mv.json', '--L', 'L.arrow', '--out', '-'],
    ['analyze', '--L', 'L.arrow', '--out', '-'],
    ['export', '--L', 'L.arrow', '--out', '-'],
  ]) {
    it(`${args[0]}: one line naming standard output, exit 1, no stack trace`, () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [join(REPO, 'bin', 'ballot.mjs'), ...args], {
          cwd: P.dir,
          stdio: ['ignore', fd, 'pipe'],
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines.at(-1)).toBe('ballot: standard output: cannot write: no space left on the device');
        expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
      } finally {
        closeSync(fd);
      }
    });
  }

  it('predict --out - writes the same CSV to stdout as to a file (the summary goes to stderr)', async () => {
    const r = await runCli('predict', '--model', P.p('mv.json'), '--L', P.p('L.arrow'), '--out', '-');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/3,000 rows/);
    await runCli('predict', '--model', P.p('mv.json'), '--L', P.p('L.arrow'), '--out', P.p('pred-file.csv'));
    expect(r.out).toBe(readFileSync(P.p('pred-file.csv'), 'utf8'));
  });
});
