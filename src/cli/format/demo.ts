import type { SpamDemoReport } from '../../project/demo.js';
import { formatAnalysis } from './analyze.js';
import { formatSampleReport } from './sample.js';
import { formatTable, useColour } from './table.js';

/** The demo's report: data, LF summary, label-model scores, flags and the next training set. */
export function formatDemo(r: SpamDemoReport, seconds: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const out: string[] = [];
  out.push('ballot demo: YouTube Spam Collection (Alberto, Lochter & Almeida, ICMLA 2015), examples/spam/data');
  out.push(`train (labels never read): ${r.train.files.join(', ')}: ${r.train.rows} comments`);
  out.push(`valid (labels used only to choose the label model): ${r.valid.rows} comments of ${r.valid.file}`);
  out.push(`test (labels used only to score): the other ${r.test.rows} comments of ${r.test.file}`);
  out.push(`${r.lfCount} labeling functions from examples/spam/lfs.ts`, '');
  out.push('LF summary on the training pool (learned accuracy from the label model):');
  const s = r.trainSummary;
  out.push(formatAnalysis('train', ['HAM', 'SPAM'], s.matrix, s.lfs, s.correlations, 0, useColour()));
  out.push('Label models fitted on the training pool without labels, scored on the 250 test comments (seeded random tie-break):');
  out.push(
    formatTable(
      ['model', 'test accuracy', 'seconds'],
      r.scores.map((x) => [x.model, pct(x.accuracy), x.seconds.toFixed(3)]),
    ),
  );
  out.push('(Snorkel spam tutorial, for reference: MV 84.0%, LabelModel 86.0% on its 250 Shakira test comments, with spaCy/TextBlob LFs.)', '');
  if (r.selection.length) {
    out.push(`auto chose on the validation labels (expected accuracy): ${r.selection.map((c) => `${c.model} ${pct(c.score)}`).join(', ')}`);
  }
  out.push(`Model used for the outputs: ${r.chosenModel}`);
  out.push(`Likely label errors in the test comments' CLASS column: ${r.flags.flagged} flagged → ${r.flags.written}`);
  out.push('', 'Next training set from the training pool (examples/spam/recipe.json):', formatSampleReport(r.sample));
  out.push('', `wrote ${r.written.join(', ')}`);
  out.push(`done in ${seconds.toFixed(2)} s`);
  return `${out.join('\n')}\n`;
}
