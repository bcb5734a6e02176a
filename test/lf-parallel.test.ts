import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyFile, applyLFs, applyLFsAsync, loadLFModules, readRows, createRng } from '../src/index.js';
import { rowsToArrowIPC } from '../src/internal.js';

const LFS = fileURLToPath(new URL('./fixtures/lfs/parallel/lfs.ts', import.meta.url));
const WORDS = ['good', 'bad', 'meh', 'great', 'awful', 'ok', 'the', 'movie', 'was', 'plot', 'actors', 'okay', 'fine'];
let dir: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-par-'));
  data = join(dir, 'rows.csv');
  const rng = createRng(7);
  const lines = ['id,text,score'];
  for (let i = 0; i < 3000; i++) {
    const len = 1 + rng.int(10);
    const text = Array.from({ length: len }, () => WORDS[rng.int(WORDS.length)]).join(' ');
    lines.push(`${i},"${text}",${rng.next().toFixed(3)}`);
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parallel and streaming apply', () => {
  it('writes the same matrix on 2 workers as in one thread, byte for byte', async () => {
    const common = { data, lfs: [LFS], onError: 'abstain' as const, batchSize: 250, cache: false, returnMatrix: true, progress: false };
    const serial = await applyFile({ ...common, out: join(dir, 'serial.arrow'), workers: 1 });
    // Every batch on the workers (by default this thread also applies batches while the workers start).
    const parallel = await applyFile({ ...common, out: join(dir, 'parallel.arrow'), workers: 2, applyWhileWorkersStart: false });
    expect(serial.workers).toBe(1);
    expect(parallel.workers).toBe(2);
    expect(parallel.workerBatches).toBe(12);
    expect(parallel.rows).toBe(3000);
    expect(Buffer.compare(readFileSync(join(dir, 'serial.arrow')), readFileSync(join(dir, 'parallel.arrow')))).toBe(0);
    expect(Array.from(parallel.matrix!.errorCounts)).toEqual(Array.from(serial.matrix!.errorCounts));
    const flaky = parallel.lfs.find((l) => l.name === 'flaky')!;
    expect(flaky.errors).toBe(Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 97 === 13).length);

    // And both equal the plain in-memory applier on the whole file.
    const { lfs, labels } = await loadLFModules([LFS]);
    const rows = readRows(data).rows;
    const direct = applyLFs(rows, lfs, labels!, { onError: 'abstain', progress: false });
    expect(parallel.matrix!.lfNames).toEqual(direct.lfNames);
    expect(Buffer.compare(Buffer.from(parallel.matrix!.votes), Buffer.from(direct.votes))).toBe(0);
    const viaAsync = await applyLFsAsync(rows, lfs, labels!, { onError: 'abstain', progress: false, batchSize: 333 });
    expect(Buffer.compare(Buffer.from(viaAsync.votes), Buffer.from(direct.votes))).toBe(0);

    // Arrow input goes to the workers as record-batch bytes: same matrix again.
    const arrow = join(dir, 'rows.arrow');
    writeFileSync(arrow, rowsToArrowIPC(rows, ['id', 'text', 'score'], arrow));
    const fromArrow = await applyFile({ ...common, data: arrow, out: join(dir, 'arrow.arrow'), workers: 2, applyWhileWorkersStart: false });
    expect(fromArrow.workerBatches).toBe(12);
    expect(Buffer.compare(readFileSync(join(dir, 'arrow.arrow')), readFileSync(join(dir, 'serial.arrow')))).toBe(0);
    // Mixed: this thread applies batches until the workers are up; the result cannot tell.
    await applyFile({ ...common, out: join(dir, 'mixed.arrow'), workers: 2 });
    expect(Buffer.compare(readFileSync(join(dir, 'mixed.arrow')), readFileSync(join(dir, 'serial.arrow')))).toBe(0);
  });

  it('stops with the first failing row in file order, like the serial path', async () => {
    const common = { data, lfs: [LFS], batchSize: 200, cache: false, progress: false };
    const first = 13; // the first id with id % 97 === 13
    // The message names the data file too (absolute here: the file is outside the working directory).
    await expect(applyFile({ ...common, out: join(dir, 'e1.arrow'), workers: 1 })).rejects.toThrow(
      `labeling function "flaky" failed on row ${first} of ${data}: cannot judge row ${first}`,
    );
    await expect(applyFile({ ...common, out: join(dir, 'e2.arrow'), workers: 2, applyWhileWorkersStart: false })).rejects.toThrow(
      `labeling function "flaky" failed on row ${first} of ${data}: cannot judge row ${first}`,
    );
  });
});
