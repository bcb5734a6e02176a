import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
const REDIS = '/usr/bin/redis-server';

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Starts a real redis-server on 127.0.0.1 (no persistence); fails with a clear message when it is not installed. */
export async function startRedis(): Promise<{ url: string; port: number; proc: ChildProcess }> {
  const bin = existsSync(REDIS) ? REDIS : spawnSync('sh', ['-c', 'command -v redis-server']).stdout?.toString().trim();
  if (!bin) throw new Error('redis-server is not installed: apt-get install -y redis-server (the distributed tests need a real Redis)');
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`redis-server did not start: ${out}`)), 10_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(t);
        res();
      }
    });
    proc.once('exit', (code) => rej(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}/0`, port, proc };
}

export interface WorkerProc {
  proc: ChildProcess;
  /** stdout and stderr. */
  out: () => string;
  stdout: () => string;
  /** Resolves when stdout matches. */
  waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** `node bin/ballot.mjs <args>` as a child process, with stdout collected. */
export function spawnBallot(args: string[], env: Record<string, string> = {}, cwd = REPO): WorkerProc {
  const proc = spawn(process.execPath, [join(REPO, 'bin/ballot.mjs'), ...args], {
    cwd,
    env: { ...process.env, ...env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; res: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.res(m);
      }
    }
  };
  proc.stdout!.on('data', (d) => {
    out += d;
    check();
  });
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    out: () => out + err,
    stdout: () => out,
    waitFor: (re, ms = 30_000) =>
      new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`timed out waiting for ${re}; output:\n${out}\n${err}`)), ms);
        waiters.push({ re, res: (m) => (clearTimeout(t), res(m)) });
        check();
      }),
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/**
 * A project with `rows` rows (id, text, x) and 12 LFs. On the worker side, env BALLOT_TEST_SLOW="id,id:ms" makes the
 * `slow` LF sleep on those rows and the `poison` LF throws on a row whose text is POISON (not in
 * this data): the code (and fingerprint) is the same as in the single-process run, which sleeps nowhere.
 */
export function writeProject(root: string, rows: number, lfTweak = ''): { data: string; lfs: string } {
  mkdirSync(join(root, 'lfs'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  if (!existsSync(join(root, 'node_modules'))) {
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(REPO, join(root, 'node_modules', 'ballot'), 'dir');
  }
  const words = ['free', 'win', 'money', 'check', 'subscribe', 'song', 'love', 'video', 'http', 'great'];
  const lines = ['id,text,x'];
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < rows; i++) {
    const t = [0, 1, 2].map(() => words[Math.floor(rnd() * words.length)]).join(' ');
    // Some quoted fields with commas and line breaks, so shard cuts must respect quotes.
    const text = i % 97 === 0 ? `"${t}, said ""someone""\nnext line"` : t;
    lines.push(`${i},${text},${Math.floor(rnd() * 100)}`);
  }
  const data = join(root, 'data.csv');
  writeFileSync(data, `${lines.join('\n')}\n`);
  const lf = [
    "import { defineLabels, keywordLF, labelingFunction, ABSTAIN } from 'ballot';",
    "export const labels = defineLabels(['HAM', 'SPAM'] as const);",
    ...words.map(
      (w, i) => `export const kw${i} = keywordLF({ name: 'kw_${w}', keywords: ['${w}'], label: '${i < 5 ? 'SPAM' : 'HAM'}', field: 'text' });`,
    ),
    // Declared in export-name order: tsx (the CLI) lists a module's exports sorted, vitest in declaration order.
    "export const poison = labelingFunction({ name: 'poison', vote: (r: { id: string; text: string; x: string }) => {",
    "  if (r.text === 'POISON') throw new Error('poisoned row ' + r.id);",
    "  return Number(r.x) < 20 ? 'HAM' : ABSTAIN; } });",
    "const slowRows = new Map((process.env.BALLOT_TEST_SLOW ?? '').split(',').filter(Boolean).map((p) => [p.split(':')[0], Number(p.split(':')[1] ?? 1500)]));",
    "export const slow = labelingFunction({ name: 'slow', vote: (r: { id: string; x: string }) => {",
    '  const ms = slowRows.get(r.id); if (ms) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);',
    `  return Number(r.x) > ${lfTweak ? 80 : 70} ? 'SPAM' : ABSTAIN; } });`,
  ];
  writeFileSync(join(root, 'lfs', 'lfs.ts'), `${lf.join('\n')}\n`);
  return { data, lfs: join(root, 'lfs', 'lfs.ts') };
}
