import { applyLFs, keywordLF, defineLabels, type LabelMatrix, createRng } from '../src/index.js';

/**
 * A small generated world for drift and slice tests, with known answers: each row has a class (HAM/SPAM by
 * `balance`), a text of 8 words (each a class word with probability 0.4, else a neutral word), a categorical `source`
 * and a continuous `score` (class-independent). Keyword LFs vote on the text.
 */
export const worldLabels = defineLabels(['HAM', 'SPAM'] as const);
const HAM_WORDS = ['song', 'love', 'great', 'voice', 'beautiful', 'music'];
const SPAM_WORDS = ['check', 'free', 'subscribe', 'channel', 'money', 'click'];
const NEUTRAL = ['the', 'a', 'this', 'is', 'and', 'so', 'video', 'you', 'it', 'of', 'to', 'in', 'i', 'my', 'for', 'on', 'me', 'all'];
export const worldLFs = [
  keywordLF({ name: 'kw_check', keywords: ['check'], label: 'SPAM', field: 'text' }),
  keywordLF({ name: 'kw_free', keywords: ['free'], label: 'SPAM', field: 'text' }),
  keywordLF({ name: 'kw_subscribe', keywords: ['subscribe', 'channel'], label: 'SPAM', field: 'text' }),
  keywordLF({ name: 'kw_song', keywords: ['song', 'music'], label: 'HAM', field: 'text' }),
  keywordLF({ name: 'kw_love', keywords: ['love', 'great'], label: 'HAM', field: 'text' }),
];

export interface WorldOptions {
  n: number;
  seed: number;
  /** P(SPAM) (default 0.4). */
  spam?: number;
  /** Words that no longer occur (a keyword that disappears). */
  drop?: string[];
  /** New words mixed into the neutral pool, each drawn as often as a neutral word. */
  newWords?: string[];
}

export function world(o: WorldOptions): { rows: { text: string; source: string; score: number }[]; y: Int32Array; L: LabelMatrix } {
  const rng = createRng(o.seed);
  const spam = o.spam ?? 0.4;
  const drop = new Set(o.drop ?? []);
  const ham = HAM_WORDS.filter((w) => !drop.has(w)),
    sp = SPAM_WORDS.filter((w) => !drop.has(w));
  const neutral = [...NEUTRAL.filter((w) => !drop.has(w)), ...(o.newWords ?? [])];
  const y = new Int32Array(o.n);
  const rows = Array.from({ length: o.n }, (_, i) => {
    y[i] = rng.next() < spam ? 1 : 0;
    const own = y[i] ? sp : ham;
    const words = Array.from({ length: 8 }, () => (rng.next() < 0.4 ? own[rng.int(own.length)] : neutral[rng.int(neutral.length)]));
    const u = rng.next();
    const source = u < 0.5 ? 'web' : u < 0.8 ? 'mobile' : 'api';
    // Box–Muller normal.
    const score = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return { text: words.join(' '), source, score };
  });
  return { rows, y, L: applyLFs(rows, worldLFs, worldLabels) };
}
