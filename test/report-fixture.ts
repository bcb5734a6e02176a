/**
 * A report fixture from a known generative model: 8 LFs of known accuracy on 2 classes, a fitted Dawid–Skene model,
 * given labels on every other row, text rows (one of them hostile markup), a slice column and a real sample.
 */
import {
  createLabelModel,
  type LabelModel,
  LabelMatrix,
  type Row,
  collectReportData,
  type ReportInput,
  runRecipe,
  sampleRows,
} from '../src/internal.js';
import { sampleByClass } from './label-model-helpers.js';

export const HOSTILE = `<script>alert(1)</script> "quoted" &amp; 'single' <img src=x onerror="alert(2)">`;

export interface ReportFixture {
  L: LabelMatrix;
  model: LabelModel;
  probs: Float64Array;
  gold: Int32Array;
  rows: Row[];
  sample: Row[];
  endModelProbs: Float64Array;
  input: ReportInput;
  /** Row whose text is HOSTILE; it is among the listed flags. */
  hostileRow: number;
}

export function reportFixture(n = 2000): ReportFixture {
  const m = 8;
  const { L, y } = sampleByClass({
    n,
    voteRate: Array.from({ length: m }, (_, j) => [0.2 + 0.06 * j, 0.35]),
    rightRate: Array.from({ length: m }, (_, j) => [0.6 + 0.045 * j, 0.85 - 0.02 * j]),
    classBalance: [0.6, 0.4],
    seed: 11,
  });
  const model = createLabelModel('ds');
  model.fit(L);
  const probs = model.predictProba(L);
  const gold = Int32Array.from(y, (v, i) => (i % 2 === 0 ? v : -1));
  // A stand-in end model: the label model's probabilities pulled a little toward the truth.
  const endModelProbs = Float64Array.from(probs, (p, q) => 0.7 * p + 0.3 * (y[Math.floor(q / 2)] === q % 2 ? 1 : 0));
  const rows: Row[] = Array.from({ length: n }, (_, i) => ({
    id: i,
    text: `comment ${i} about ${i % 7 === 0 ? 'prizes' : 'dinner'}`,
    source: ['web', 'mail', 'chat'][i % 3],
  }));
  const sample = sampleRows(
    runRecipe({ budget: 120, seed: 3, parts: [{ confident: 0.5, by: 'class' }, { uncertainty: 0.3 }, { random: 0.2 }] }, { probs, L, rows }),
    ['id', 'text'],
  ).rows;
  const input: ReportInput = { L, model, gold, rows, textColumn: 'text', by: 'source', sampleRows: sample, endModelProbs, maxFlags: 800 };
  const first = collectReportData(input);
  const hostileRow = first.flags.find((f) => f.kind === 'lf-conflict')!.row;
  rows[hostileRow] = { ...rows[hostileRow], text: HOSTILE };
  return { L, model, probs, gold, rows, sample, endModelProbs, input, hostileRow };
}

/** LF names, class names, slice values and a sample part that are markup, quotes, expression syntax and U+2028. */
export function hostileNamesInput(): ReportInput {
  const names = ['<img src=x onerror=alert(3)>', 'a"]);alert(4);//', "b'+alert(5)+'", 'datum.x', '\u2028line', '&amp;'];
  const labels = ['<b>HAM</b>', 'it\'s "SPAM"'];
  const { L: plain, y } = sampleByClass({
    n: 400,
    voteRate: names.map(() => [0.4, 0.4]),
    rightRate: names.map(() => [0.7, 0.7]),
    classBalance: [0.5, 0.5],
    seed: 5,
  });
  const L = new LabelMatrix({ n: plain.n, m: plain.m, votes: plain.votes, lfNames: names, labels });
  const model = createLabelModel('ds');
  model.fit(L);
  const rows = Array.from({ length: L.n }, (_, i) => ({ text: `<script>alert(${i})</script>`, src: i % 2 ? '<i>odd</i>' : '"even"\u2029' }));
  const sample = [{ _row: 1, _part: '<u>part</u>', _label: labels[0], [`_prob_${labels[0]}`]: 1, [`_prob_${labels[1]}`]: 0 }];
  return { L, model, gold: y, rows, textColumn: 'text', by: 'src', sampleRows: sample };
}
