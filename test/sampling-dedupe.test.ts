import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRows, ConfigError, createRng } from '../src/index.js';
import {
  findDuplicates,
  normalizeText,
  type Row,
  candidateProbability,
  chooseBands,
  ophSignature,
  ophSignatureOfCodes,
  shingleHashes,
  TextNormalizer,
} from '../src/internal.js';

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

  it('strips HTML tags as word breaks and decodes entities, on real YouTube comments', () => {
    // Four spellings of the same spam comment in the data; the tags used to leave "br" words behind.
    const plain = normalizeText('Check out this video on YouTube:\ufeff');
    expect(plain).toBe('check out this video on youtube');
    expect(normalizeText('Check out this video on YouTube:<br />\ufeff')).toBe(plain);
    expect(normalizeText('Check out this video on YouTube:<br /><br /><br /><br />\ufeff')).toBe(plain);
    expect(normalizeText('Hey guys, I&#39;m a human.<br /><br /><br />But I don&#39;t want to be a human')).toBe(
      normalizeText("Hey guys, I'm a human.\n\n\nBut I don't want to be a human"),
    );
    expect(normalizeText('Hey guys, I&#39;m a human.<br />But')).toBe('hey guys im a human but');
    expect(normalizeText(' track 04 : Katy Perry - Roar (DJ Denis Shmelev &amp; DJ Alex Serov Remix)')).toBe(
      'track 04 katy perry roar dj denis shmelev dj alex serov remix',
    );
    expect(normalizeText('search for videos on &quot;white genocide&quot;  thank you')).toBe('search for videos on white genocide thank you');
    // A link: the href (with its &amp;) goes with the tag, the anchor text stays.
    expect(
      normalizeText(
        'But My Favorite Part Is <a href="http://www.youtube.com/watch?v=KQ6zr6kCPj8&amp;t=3m40s">3:40</a>-<a href="http://www.youtube.com/watch?v=KQ6zr6kCPj8&amp;t=4m11s">4:11</a>',
      ),
    ).toBe('but my favorite part is 340 411');
    expect(normalizeText('<b>FREE</b> <i>iPhone</i>')).toBe('free iphone');
    expect(normalizeText('LMFAO<br/>is<br>great')).toBe('lmfao is great');
  });

  it('decodes entities case-insensitively (upper-cased re-posts match) and numerically, and leaves non-markup alone', () => {
    const text = 'Roar (DJ Denis Shmelev &amp; DJ Alex Serov Remix) &quot;live&quot;<BR />I&#39;m in &Eacute;t&eacute;';
    expect(normalizeText(text.toUpperCase())).toBe(normalizeText(text));
    expect(normalizeText(text)).toBe('roar dj denis shmelev dj alex serov remix live im in été');
    expect(normalizeText('caf&#233; &#xE9;t&#XE9; &#65;&#x42;C')).toBe('café été abc');
    expect(normalizeText('fire &#128293; nul&#0;l bad&#xD800;pair huge&#99999999;')).toBe('fire null badpair huge');
    // Not tags or entities: kept as the text they are (their punctuation dropped as usual).
    expect(normalizeText('I <3 you, a < b > c')).toBe('i 3 you a b c');
    expect(normalizeText('Tom &amp Jerry &nosuch; R&B &#;')).toBe('tom amp jerry nosuch rb');
    expect(normalizeText('x <a href="unclosed y')).toBe('x a hrefunclosed y');
    // "&amp;lt;" is the text "&lt;", not a '<' that could open a tag.
    expect(normalizeText('&amp;lt;b&amp;gt;bold')).toBe('ltbgtbold');
    // Escaped tags are text, not tags: no word break, only their punctuation dropped.
    expect(normalizeText('&lt;b&gt;bold&lt;/b&gt;')).toBe('bboldb');
  });

  it.skipIf(!haveSpam)('agrees with a slow regex reference on every spam comment', () => {
    const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
    const reference = (text: string) =>
      text
        .replace(/<[a-z/!?][^<>]*>|&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e?: string) =>
          e === undefined
            ? ' '
            : e[0] !== '#'
              ? (entities[e.toLowerCase()] ?? m)
              : String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
        )
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\s]/gu, '')
        .replace(/\s+/gu, ' ')
        .trim();
    let withMarkup = 0;
    for (const r of spamRows) {
      const text = r.CONTENT as string;
      if (/[<&]/.test(text)) withMarkup++;
      expect(normalizeText(text)).toBe(reference(text));
    }
    expect(withMarkup).toBeGreaterThan(300);
  });
});

describe.skipIf(!haveSpam)('dedupe on the YouTube spam comments', () => {
  const result = findDuplicates(spamRows, { threshold: 0.9 });
  const byId = (id: string) => spamRows.findIndex((r) => r.COMMENT_ID === id);

  it('picks the CONTENT column on its own and finds the exact duplicates', () => {
    expect(result.columns).toEqual(['CONTENT']);
    expect(result.exact).toBeGreaterThan(200);
    for (let i = 0; i < spamRows.length; i++) {
      if (result.status[i] !== EXACT) continue;
      const rep = result.duplicateOf[i];
      expect(rep).toBeLessThan(i);
      expect(result.status[rep]).toBe(0);
    }
  });

  it('catches real near-duplicate spam comments', () => {
    // The same long comment posted twice by one author, reworded in a few places ("But I’m gonna" / "but, Imma").
    const first = byId('LneaDw26bFsatnacZXb_S1v2dOV0EyaNuykTxwkPmWg');
    const second = byId('LneaDw26bFvAsBvYZLuVc3cJCI65rJQ9A-wZAcukfp0');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(result.status[second]).toBe(NEAR);
    expect(result.duplicateOf[second]).toBe(first);
    // "Check out this video on YouTube:" followed by 0–4 <br /> tags: tags are stripped, so every copy is an exact
    // duplicate of the first one.
    const family = spamRows
      .map((r, i) => ({ i, text: r.CONTENT as string }))
      .filter(({ text }) => /^Check out this video on YouTube:(<br \/>)*\ufeff?$/.test(text));
    expect(family.filter(({ text }) => text.includes('<br />')).length).toBe(3);
    const [original, ...copies] = family;
    expect(result.status[original.i]).toBe(0);
    for (const { i } of copies) {
      expect(result.status[i]).toBe(EXACT);
      expect(result.duplicateOf[i]).toBe(original.i);
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
    const got = [...result.status.keys()].filter((i) => result.status[i] === NEAR);
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
      // Capitalize the first whole word ("&gt;" holds a \w run too, but editing it would break the entity).
      const firstWord = /(^|\s)(\w)(\w*)/;
      variants.push({
        of: v,
        CONTENT: text.replace(/[.,!?:]/g, '').replace(firstWord, (_m, s: string, a: string, b: string) => `${s}${a.toUpperCase()}${b}...`),
      });
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
    for (let i = 0; i < originals.length; i++) expect(r.status[i]).toBe(0);
    for (let i = originals.length; i < rows.length; i++) {
      const sim = rows[i].similarity as number | undefined;
      // An edit of a text made of few distinct shingles (a link repeated 7 times) can fall below the threshold: kept.
      expect(r.status[i]).toBe(sim === undefined ? EXACT : sim >= 0.9 ? NEAR : 0);
      if (r.status[i] !== 0) expect(r.duplicateOf[i]).toBe(rows[i].of);
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
    expect(Array.from(strict.status)).toEqual([0, 0, 0, 0, 0, 0, EXACT, 0]);
    const loose = findDuplicates(rows, { threshold: 0.8 });
    expect(loose.status[1]).toBe(NEAR);
    expect(findDuplicates(rows, { threshold: 0.8, near: false }).status[1]).toBe(0);
  });

  it('joins several text columns, and rejects a missing column or a bad threshold', () => {
    const rows = [
      { title: 'Win a prize', body: 'click here now' },
      { title: 'WIN A PRIZE!', body: 'Click here, now.' },
    ];
    expect(findDuplicates(rows, { column: ['title', 'body'] }).status[1]).toBe(EXACT);
    expect(() => findDuplicates(rows, { column: 'text' })).toThrow(/dedupe column "text" is not in the data; columns are title, body/);
    expect(() => findDuplicates(rows, { threshold: 1.5 })).toThrow(ConfigError);
  });

  it('an empty pool has no duplicates (it used to fail looking for a text column)', () => {
    const none = findDuplicates([]);
    expect([none.kept, none.exact, none.near, none.duplicateOf.length]).toEqual([0, 0, 0, 0]);
  });
});
