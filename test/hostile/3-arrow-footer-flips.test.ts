import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelMatrix, saveLabelMatrix, writeRowStream } from '../../src/internal.js';
import { ensureBuilt, ROOT } from '../build-helper.js';

// Class 3, exhaustively: every footer byte of two small ballot-written Arrow files (a label matrix and a data file),
// each flipped 9 ways (the 8 single bits and XOR 0xff), read through the in-memory reader and the streaming reader.
// Every flip must be refused with one DataError line naming the file, or read back exactly. Before the footer's
// flatbuffer was verified, 3 of 570 0xff flips of the label matrix hung inside apache-arrow: the reads run in a worker
// thread, so a hang fails the test naming the byte instead of stalling the run.
const MASKS = [1, 2, 4, 8, 16, 32, 64, 128, 255];
let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ballot-footer-flips-'));
  const n = 20;
  const votes = Int8Array.from({ length: n * 2 }, (_, i) => (i % 3) - 1);
  saveLabelMatrix(join(dir, 'L.arrow'), new LabelMatrix({ n, m: 2, votes, lfNames: ['kw_a', 'kw_b'], labels: ['HAM', 'SPAM'] }));
  const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, text: `t${i}`, p: i / 3 }));
  writeRowStream(join(dir, 'd.arrow'), rows, { columns: ['id', 'text', 'p'], batchRows: 8 }); // 3 record batches
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  refused: number;
  exact: number;
  wrong: string[];
  crashed: string[];
}

/** Runs the flips in a worker; resolves with the outcome, or rejects naming the flip that stopped answering. */
function flipAll(file: string, kind: 'matrix' | 'rows'): Promise<Outcome> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { readFileSync, writeFileSync } = require('node:fs');
    (async () => {
      const B = await import(workerData.internal);
      const orig = readFileSync(workerData.file);
      const read = workerData.kind === 'matrix'
        ? (b) => { const L = B.labelMatrixFromIPC(b, 'flipped.arrow'); return JSON.stringify([L.n, L.lfNames, L.labels, Array.from(L.votes)]); }
        : (b) => JSON.stringify(B.parseArrow(b, 'flipped.arrow'));
      const stream = async (path) => { const out = []; for await (const b of B.arrowRecordBatches(path)) out.push(b.numRows, JSON.stringify(b.toArray())); return JSON.stringify(out); };
      const base = read(new Uint8Array(orig));
      const baseStream = await stream(workerData.file);
      const footerStart = orig.length - 10 - orig.readInt32LE(orig.length - 10);
      const o = { refused: 0, exact: 0, wrong: [], crashed: [] };
      const judge = (what, f, same) => {
        try { if (f() === same) o.exact++; else o.wrong.push(what); }
        catch (e) { if (e && e.name === 'DataError' && e.message.startsWith('flipped.arrow') && !e.message.includes('\\n')) o.refused++; else o.crashed.push(what + ': ' + (e && e.message)); }
      };
      for (let at = footerStart; at < orig.length; at++) for (const mask of workerData.masks) {
        parentPort.postMessage({ at, mask });
        const b = new Uint8Array(orig); b[at] ^= mask;
        judge(at + '^' + mask, () => read(b), base);
        if (mask === 255) {
          writeFileSync(workerData.tmp, b);
          let r;
          try { r = await stream(workerData.tmp); } catch (e) { r = e; }
          judge(at + '^255 streamed', () => { if (r instanceof Error) { r.message = r.message.replace(workerData.tmp, 'flipped.arrow'); throw r; } return r; }, baseStream);
        }
      }
      parentPort.postMessage({ done: o });
    })().catch((e) => parentPort.postMessage({ fatal: String(e && e.stack || e) }));`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, {
      eval: true,
      workerData: { file, kind, masks: MASKS, internal: join(ROOT, 'dist', 'src', 'internal.js'), tmp: join(dir, `flipped-${kind}.arrow`) },
    });
    let last = 'start';
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void w.terminate();
        reject(new Error(`reading ${file} with footer byte ${last} flipped hung`));
      }, 5000);
    };
    arm();
    w.on('message', (m) => {
      if (m.done || m.fatal) {
        clearTimeout(timer);
        void w.terminate();
        if (m.fatal) reject(new Error(m.fatal));
        else resolve(m.done);
      } else {
        last = `${m.at} ^ ${m.mask}`;
        arm();
      }
    });
    w.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('class 3: every footer byte flipped', () => {
  for (const [name, kind] of [
    ['L.arrow', 'matrix'],
    ['d.arrow', 'rows'],
  ] as const) {
    it(`${name}: each flip is refused in one line naming the file, or reads back exactly; none hangs`, async () => {
      const bytes = readFileSync(join(dir, name));
      const footer = bytes.readInt32LE(bytes.length - 10) + 10;
      const o = await flipAll(join(dir, name), kind);
      expect(o.crashed).toEqual([]);
      expect(o.wrong).toEqual([]);
      expect(o.refused + o.exact).toBe(footer * (MASKS.length + 1));
      expect(o.refused).toBeGreaterThan(o.exact); // most of a footer matters
    }, 40_000);
  }
});
