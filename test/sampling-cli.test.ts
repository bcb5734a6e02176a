import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveLabelMatrix, readRows, writeRows, LabelMatrix, createRng } from '../src/index.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ballot.mjs');
const ballot = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

describe('ballot sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-sample-cli-'));
  const rng = createRng(11);
  const n = 400;
  const rows = Array.from({ length: n }, (_, i) => ({
    id: i,
    text: i % 10 === 9 ? `Copy of post ${i - 1}!!` : `copy of post ${i} ${rng.int(1000)}`,
  }));
  for (let i = 9; i < n; i += 10) rows[i].text = `${rows[i - 1].text.toUpperCase()}!!`;
  const votes = Array.from({ length: n }, () => Array.from({ length: 4 }, () => (rng.next() < 0.4 ? rng.int(2) : -1)));
  saveLabelMatrix(join(dir, 'L.arrow'), LabelMatrix.fromRows(votes, ['HAM', 'SPAM']));
  writeRows(join(dir, 'rows.csv'), rows);
  writeFileSync(
    join(dir, 'recipe.json'),
    JSON.stringify({
      budget: 100,
      seed: 7,
      parts: [{ confident: 0.6, by: 'class' }, { uncertainty: 0.2 }, { random: 0.1 }, { coverageGap: 0.1 }],
      dedupe: { threshold: 0.9 },
    }),
  );

  it('writes the budgeted sample with provenance, the same bytes every run, and the report', () => {
    const args = ['sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--model', 'mv', '--data', 'rows.csv'];
    const first = ballot([...args, '--out', 'next.arrow', '--report', 'report.json'], dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/selected 100 of budget 100 \(seed 7\) from 400 rows; dedupe on text \(threshold 0\.9\): 40 exact/);
    const second = ballot([...args, '--out', 'again.arrow'], dir);
    expect(second.status).toBe(0);
    expect(readFileSync(join(dir, 'next.arrow')).equals(readFileSync(join(dir, 'again.arrow')))).toBe(true);
    const out = readRows(join(dir, 'next.arrow'));
    expect(out.columns).toEqual(['id', 'text', '_row', '_part', '_label', '_prob_HAM', '_prob_SPAM', '_votes']);
    expect(out.rows).toHaveLength(100);
    expect(out.rows.every((r) => Number(r.id) % 10 !== 9)).toBe(true); // the upper-cased copies were deduped away
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.parts.map((p: { name: string; picked: number }) => [p.name, p.picked])).toEqual([
      ['confident', 60],
      ['uncertainty', 20],
      ['random', 10],
      ['coverageGap', 10],
    ]);
  });

  it('names the data file when a dedupe or stratify column is not in it', () => {
    const r = ballot(['sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--data', 'rows.csv', '--text-column', 'nope', '--out', 'x.csv'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('ballot: rows.csv: dedupe column "nope" is not in the data; columns are id, text');
    writeFileSync(join(dir, 'by-column.json'), JSON.stringify({ budget: 10, parts: [{ stratified: 1, by: 'topic' }] }));
    const s = ballot(['sample', '--recipe', 'by-column.json', '--L', 'L.arrow', '--data', 'rows.csv', '--out', 'x.csv'], dir);
    expect(s.status).toBe(1);
    expect(s.stderr.trim()).toBe(`ballot: rows.csv: cannot stratify by "topic": no such column; columns are id, text (or use by: 'class')`);
  });

  it('fails with one line naming the recipe file and the part', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ budget: 10, parts: [{ random: 0.5 }, { uncertainity: 0.5 }] }));
    const r = ballot(['sample', '--recipe', 'bad.json', '--L', 'L.arrow', '--out', 'x.csv'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'ballot: bad.json: part 2: unknown sampler "uncertainity"; samplers are random, stratified, uncertainty, disagreement, coverageGap, diverseUncertain, representative, modelDisagreement, confident, drift',
    );
  });
});
