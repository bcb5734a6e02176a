import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabelMatrix, saveLabelMatrix, readRows, writeRows, LabelMatrix, applyFile } from '../../src/index.js';
import { makeProject, type Project } from './project.js';

// Class 3: damaged or tampered artifacts are refused (Arrow files) or recomputed and reported (cache columns), never
// trusted. (Saved label-model parameters are validated by the label-model code.)
let P: Project;
beforeAll(async () => {
  P = await makeProject('tamper');
}, 60_000);
afterAll(() => P.cleanup());

/** The same bytes with byte `at` (from the end when negative) XOR 0xff. */
const flip = (bytes: Uint8Array, at: number) => {
  const c = Uint8Array.from(bytes);
  c[at < 0 ? c.length + at : at] ^= 0xff;
  return c;
};
/** Offset of the first occurrence of an ASCII string inside the footer (the last footerLength bytes before the tail). */
const inFooter = (bytes: Uint8Array, s: string) => {
  const b = Buffer.from(bytes);
  const footerStart = b.length - 10 - b.readInt32LE(b.length - 10);
  return b.indexOf(Buffer.from(s), footerStart);
};

describe('class 3: Arrow files', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i, text: `t${i}` }));

  it('a flipped byte in a column name in the footer of a ballot-written file is refused', () => {
    writeRows(P.p('a.arrow'), rows);
    const bytes = readFileSync(P.p('a.arrow'));
    writeFileSync(P.p('a-name.arrow'), flip(bytes, inFooter(bytes, 'text')));
    expect(() => readRows(P.p('a-name.arrow'))).toThrow(/a-name\.arrow: damaged Arrow IPC file: its schema .* does not match the fingerprint/);
  });

  it('the streaming reader refuses it too', async () => {
    const { readRowBatches } = await import('../../src/data/read.js');
    const it = readRowBatches(P.p('a-name.arrow'), { batchSize: 100 });
    await expect(it.next()).rejects.toThrow(/damaged Arrow IPC file/);
  });

  it('flips in the schema part of the footer of a foreign file (no fingerprint) are refused or leave every value intact', () => {
    const bytes = tableToIPC(tableFromArrays({ id: Int32Array.from(rows, (r) => r.id), text: rows.map((r) => r.text) }), 'file');
    // The Utf8 type of "text" is a one-byte union tag just before the field name table; try the footer bytes
    // around the name and require that every flip is refused or reads back exactly.
    const at = inFooter(bytes, 'text');
    let refused = 0;
    for (let d = -48; d < 0; d++) {
      writeFileSync(P.p('f.arrow'), flip(bytes, at + d));
      try {
        // Without a fingerprint only the footer names the columns, so a renamed column cannot be seen; the values and
        // their types must still be exactly right.
        const back = readRows(P.p('f.arrow'));
        expect(back.columns).toHaveLength(2);
        expect(back.rows.length).toBe(3000);
        expect(Object.values(back.rows[2999])).toEqual([2999, 't2999']);
      } catch (e) {
        expect(String(e)).toMatch(/f\.arrow.*(damaged|cannot read Arrow)/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('a label matrix with a flipped LF name in the footer is refused', () => {
    saveLabelMatrix(
      P.p('L.arrow'),
      new LabelMatrix({ n: 3, m: 2, votes: Int8Array.from([0, 1, -1, 1, 0, 0]), lfNames: ['kw_free', 'kw_you'], labels: ['HAM', 'SPAM'] }),
    );
    const bytes = readFileSync(P.p('L.arrow'));
    writeFileSync(P.p('L-bad.arrow'), flip(bytes, inFooter(bytes, 'kw_you') + 3));
    expect(() => loadLabelMatrix(P.p('L-bad.arrow'))).toThrow(/L-bad\.arrow: damaged Arrow IPC file/);
  });
});

describe('class 3: cache columns', () => {
  it('a flipped vote byte in a cached column is detected, re-applied and reported; the matrix equals a fresh one', async () => {
    const opts = { data: P.p('data.csv'), lfs: [P.p('lfs', 'spam.ts')], workers: 1, progress: false as const, returnMatrix: true };
    const first = await applyFile({ ...opts, out: P.p('out', 'L.arrow') });
    const cols = join(P.p('out', '.ballot-cache', 'columns'));
    const file = readdirSync(cols).find((f) => f.endsWith('.i8'))!;
    const bytes = readFileSync(join(cols, file));
    writeFileSync(join(cols, file), flip(bytes, 24 + 3)); // a vote, not the header
    const again = await applyFile({ ...opts, out: P.p('out', 'L.arrow') });
    const damaged = again.lfs.filter((l) => l.status === 'applied');
    expect(damaged).toHaveLength(1);
    expect(damaged[0].reason).toMatch(/cache entry damaged \(.*checksum mismatch.*\); re-applied/);
    expect(Array.from(again.matrix!.votes)).toEqual(Array.from(first.matrix!.votes));
    expect(Array.from(loadLabelMatrix(P.p('out', 'L.arrow')).votes)).toEqual(Array.from(first.matrix!.votes));
  }, 30_000);
});
