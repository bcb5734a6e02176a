import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows } from '../src/data/read.js';
import { ConfigError } from '../src/util/errors.js';
import { findDuplicates, normalizeText, type Row } from '../src/sampling/index.js';
import { candidateProbability, chooseBands, ophSignature, ophSignatureOfCodes, shingleHashes } from '../src/sampling/minhash.js';
import { TextNormalizer } from '../src/sampling/normalize-text.js';
import { createRng } from '../src/util/rng.js';

const SPAM_DIR = join(import.meta.dirname, '..', 'examples', 'spam', 'data');
const haveSpam = existsSync(SPAM_DIR);
const spamRows: Row[] = haveSpam
  ? readdirSync(SPAM_DIR)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .flatMap((f) => readRows(join(SPAM_DIR, f)).rows)
  : [];
const EXACT = 1;
const NEAR = 2;

/** Shingle-set Jaccard computed the slow, obvious way (strings in Sets), as an independent reference. */
function shingles(text: string): Set<string> {
  const s = normalizeText(text);
  const out = new Set<string>();
  if (s.length === 0) return out;
  if (s.length < 5) out.add(s);
  for (let i = 0; i + 5 <= s.length; i++) out.add(s.slice(i, i + 5));
  return out;
}
function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

describe('normalizeText', () => {
  it('lowercases, strips punctuation and symbols, collapses whitespace', () => {
    expect(normalizeText('FREE iPhone!!!  Click:\n here')).toBe('free iphone click here');
    expect(normalizeText('  Check out my channel\ufeff')).toBe('check out my channel');
    expect(normalizeText('Café — Crème ÉTÉ 2015 😂')).toBe('café crème été 2015');
    expect(normalizeText("don't   stop")).toBe('dont stop');
  });
});

describe.skipIf(!haveSpam)('dedupe on the YouTube spam comments', () => {
  const result = findDuplicates(spamRows, { threshold: 0.9 });
  const byId = (id: string) => spamRows.findIndex((r) => r.COMMENT_ID === id);

  it('picks the CONTENT column on its own and finds the exact duplicates', () => {
    expect(result.columns).toEqual(['CONTENT']);
    expect(result.exact).toBeGreaterThan(200);
    for (let i = 0; i < spamRows.length; i++) {
      if (result.kind[i] !== EXACT) continue;
      const rep = result.duplicateOf[i];
      expect(rep).toBeLessThan(i);
      expect(result.kind[rep]).toBe(0);
    }
  });

  it('catches real near-duplicate spam comments', () => {
    // The same long comment posted twice by one author, reworded in a few places ("But I’m gonna" / "but, Imma").
    const first = byId('LneaDw26bFsatnacZXb_S1v2dOV0EyaNuykTxwkPmWg');
    const second = byId('LneaDw26bFvAsBvYZLuVc3cJCI65rJQ9A-wZAcukfp0');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(result.kind[second]).toBe(NEAR);
    expect(result.duplicateOf[second]).toBe(first);
    // "Check out this video on YouTube:" followed by <br /> tags (which normalize to "br" words): the copies with one
    // tag are near-duplicates of the first plain one; four tags change too many shingles (Jaccard 0.79) to count.
    const family = spamRows
      .map((r, i) => ({ i, norm: normalizeText(r.CONTENT as string) }))
      .filter(({ norm }) => /^check out this video on youtube( ?br)*$/.test(norm));
    const plain = family.find(({ norm }) => norm === 'check out this video on youtube')!.i;
    expect(result.kind[plain]).toBe(0);
    const oneTag = family.filter(({ norm }) => norm === 'check out this video on youtubebr' || norm === 'check out this video on youtube br');
    expect(oneTag.length).toBeGreaterThanOrEqual(2);
    for (const { i } of oneTag) {
      expect(result.kind[i]).toBe(NEAR);
      expect(result.duplicateOf[i]).toBe(plain);
    }
  });

  it('finds the same near-duplicates as an exhaustive comparison (LSH loses none at this threshold)', () => {
    const sets = spamRows.map((r) => shingles(r.CONTENT as string));
    const norm = spamRows.map((r) => normalizeText(r.CONTENT as string));
    const kept: number[] = [];
    const seen = new Set<string>();
    const expected: number[] = [];
    for (let i = 0; i < spamRows.length; i++) {
      if (norm[i] === '' || seen.has(norm[i])) continue;
      seen.add(norm[i]);
      const a = sets[i];
      const dup = kept.some((j) => {
        const b = sets[j];
        return Math.min(a.size, b.size) >= 0.9 * Math.max(a.size, b.size) && jaccard(a, b) >= 0.9;
      });
      if (dup) expected.push(i);
      else kept.push(i);
    }
    const got = [...result.kind.keys()].filter((i) => result.kind[i] === NEAR);
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
    for (const i of got) expect(jaccard(sets[i], sets[result.duplicateOf[i]])).toBeGreaterThanOrEqual(0.9);
  });

  it('catches punctuation, case and spacing variants, and one-character edits of long comments', () => {
    const spam = spamRows.filter((r) => r.CLASS === '1' && normalizeText(r.CONTENT as string).length > 40);
    const seen = new Set<string>();
    const originals = spam
      .filter((r) => !seen.has(normalizeText(r.CONTENT as string)) && !!seen.add(normalizeText(r.CONTENT as string)))
      // Skip texts whose case does not round-trip (the dotless ı of "offıcal" upper-cases to I).
      .filter((r) => (r.CONTENT as string).toUpperCase().toLowerCase() === (r.CONTENT as string).toLowerCase())
      .slice(0, 150);
    const variants: Row[] = [];
    originals.forEach((r, v) => {
      const text = r.CONTENT as string;
      variants.push({ CONTENT: text.toUpperCase(), of: v });
      variants.push({ CONTENT: `${text.replace(/ /g, '  ')} !!!`, of: v });
      variants.push({ of: v, CONTENT: text.replace(/[.,!?:]/g, '').replace(/(\w)(\w*)/, (_m, a: string, b: string) => `${a.toUpperCase()}${b}...`) });
      const n = normalizeText(text);
      if (n.length > 150) {
        const at = 20 + (v % (n.length - 40));
        const edited = `${n.slice(0, at)}${n[at] === 'x' ? 'y' : 'x'}${n.slice(at + 1)}`;
        variants.push({ CONTENT: edited, of: v, similarity: jaccard(shingles(text), shingles(edited)) });
      }
    });
    const rows: Row[] = [...originals.map((r) => ({ CONTENT: r.CONTENT })), ...variants];
    const r = findDuplicates(rows, { threshold: 0.9 });
    const edits = variants.filter((v) => v.similarity !== undefined);
    expect(edits.filter((v) => (v.similarity as number) >= 0.9).length).toBeGreaterThan(10);
    for (let i = 0; i < originals.length; i++) expect(r.kind[i]).toBe(0);
    for (let i = originals.length; i < rows.length; i++) {
      const sim = rows[i].similarity as number | undefined;
      // An edit of a text made of few distinct shingles (a link repeated 7 times) can fall below the threshold: kept.
      expect(r.kind[i]).toBe(sim === undefined ? EXACT : sim >= 0.9 ? NEAR : 0);
      if (r.kind[i] !== 0) expect(r.duplicateOf[i]).toBe(rows[i].of);
    }
  });
});

describe('MinHash signatures', () => {
  const signature = (text: string) => {
    const t = new TextNormalizer();
    const len = t.normalize(text);
    const fused = new Int32Array(64);
    ophSignatureOfCodes(t.buf, len, 5, fused, new Uint8Array(64));
    const out = { hashes: new Int32Array(4) };
    const count = shingleHashes(t.buf, len, 5, out);
    const twoStep = new Int32Array(64);
    ophSignature(out.hashes, count, twoStep, new Uint8Array(64));
    return { fused, twoStep };
  };

  it('agree in a share of positions close to the Jaccard similarity, for short and long texts', () => {
    const rng = createRng(5);
    const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}x${(i * 7919) % 997}`);
    for (const length of [6, 40]) {
      let sumJ = 0;
      let sumAgree = 0;
      for (let t = 0; t < 300; t++) {
        const a = Array.from({ length }, () => words[rng.int(words.length)]);
        const b = a.map((w) => (rng.next() < 0.25 ? words[rng.int(words.length)] : w));
        const [sa, sb] = [signature(a.join(' ')), signature(b.join(' '))];
        expect(sa.fused).toEqual(sa.twoStep);
        sumJ += jaccard(shingles(a.join(' ')), shingles(b.join(' ')));
        let agree = 0;
        for (let j = 0; j < 64; j++) if (sa.fused[j] === sb.fused[j]) agree++;
        sumAgree += agree / 64;
      }
      expect(Math.abs(sumAgree / 300 - sumJ / 300)).toBeLessThan(0.02);
    }
  });

  it('bands so a pair at the threshold is a candidate with probability ≥ 0.98', () => {
    expect(chooseBands(64, 0.9)).toEqual({ bands: 8, rows: 8 });
    for (const t of [0.5, 0.7, 0.8, 0.95]) {
      const { bands, rows } = chooseBands(64, t);
      expect(candidateProbability(t, bands, rows)).toBeGreaterThanOrEqual(0.98);
      expect(candidateProbability(t, Math.floor(64 / (rows + 1)), rows + 1)).toBeLessThan(0.98);
    }
  });
});

describe('dedupe options and edge cases', () => {
  it('keeps rows below the threshold, empty texts, and compares symbol-only texts exactly', () => {
    const rows = [
      { text: 'the quick brown fox jumps over the lazy dog' },
      { text: 'the quick brown fox jumps over the lazy cat' },
      { text: '' },
      { text: '' },
      { text: null },
      { text: '😂😂' },
      { text: '😂😂' },
      { text: '🔥' },
    ];
    const strict = findDuplicates(rows, { threshold: 0.95 });
    expect(Array.from(strict.kind)).toEqual([0, 0, 0, 0, 0, 0, EXACT, 0]);
    const loose = findDuplicates(rows, { threshold: 0.8 });
    expect(loose.kind[1]).toBe(NEAR);
    expect(findDuplicates(rows, { threshold: 0.8, near: false }).kind[1]).toBe(0);
  });

  it('joins several text columns, and rejects a missing column or a bad threshold', () => {
    const rows = [
      { title: 'Win a prize', body: 'click here now' },
      { title: 'WIN A PRIZE!', body: 'Click here, now.' },
    ];
    expect(findDuplicates(rows, { column: ['title', 'body'] }).kind[1]).toBe(EXACT);
    expect(() => findDuplicates(rows, { column: 'text' })).toThrow(/dedupe column "text" is not in the data; columns are title, body/);
    expect(() => findDuplicates(rows, { threshold: 1.5 })).toThrow(ConfigError);
  });
});
