// Type-level tests: checked by `npm run build` (tsc over test/), not run by vitest. Each @ts-expect-error line must
// fail to compile; if a change makes it compile, tsc reports the unused directive and the build fails.
import {
  ABSTAIN,
  applyLFs,
  defineLabels,
  keywordLF,
  labelingFunction,
  LabelMatrix,
  MatrixCompletionModel,
  type LabelingFunction,
  createLabelModel,
} from '../src/index.js';

type Comment = { text: string };
const Spam = defineLabels(['HAM', 'SPAM'] as const);
const Sentiment = defineLabels(['NEG', 'POS'] as const);
const rows: Comment[] = [{ text: 'check out my channel' }];

// A vote inside the label space compiles…
const good = labelingFunction({ name: 'channel', vote: (r: Comment) => (r.text.includes('channel') ? 'SPAM' : ABSTAIN) });
applyLFs(rows, [good, keywordLF({ name: 'kw', keywords: ['subscribe'], label: 'SPAM' })], Spam);

// …a vote outside it does not, whether from a builder or a hand-written LF.
// @ts-expect-error 'SPOM' is not a class of Spam
applyLFs(rows, [keywordLF({ name: 'kw', keywords: ['x'], label: 'SPOM' })], Spam);
const typo = labelingFunction({ name: 'typo', vote: (r: Comment) => (r.text ? 'SPOM' : ABSTAIN) });
// @ts-expect-error the LF can vote 'SPOM', which Spam does not have
applyLFs(rows, [typo], Spam);

// An LF set written for another label space is rejected.
const positive: LabelingFunction<Comment, 'POS'> = labelingFunction({ name: 'pos', vote: (r: Comment) => (r.text ? 'POS' : ABSTAIN) });
applyLFs(rows, [positive], Sentiment);
// @ts-expect-error a Sentiment LF applied with the Spam label space
applyLFs(rows, [positive], Spam);

// A misspelt model option is a compile error (and a ConfigError at run time).
const L = LabelMatrix.fromRows(
  [
    [0, 1],
    [1, 1],
  ],
  ['HAM', 'SPAM'],
);
new MatrixCompletionModel().fit(L, { epochs: 10 });
// @ts-expect-error `epocs` is not an option of matrix completion
new MatrixCompletionModel().fit(L, { epocs: 10 });

// Through the registry too: the factory is typed by kind.
createLabelModel('mc').fit(L, { epochs: 10, preset: 'snorkel' });
// @ts-expect-error `epocs` is not an option of createLabelModel('mc')
createLabelModel('mc').fit(L, { epocs: 1 });
// @ts-expect-error majority vote takes no class balance
createLabelModel('mv').fit(L, { classBalance: [0.5, 0.5] });
