import type { CommandModule } from 'yargs';
import { formatDriftReport } from '../format/drift.js';
import { driftReport } from '../../analysis/drift.js';
import { evaluateDriftGate, parseDriftConditions } from '../../analysis/drift-gate.js';
import { readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { ConfigError } from '../../util/errors.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';

interface DriftArgs {
  L: string[];
  data?: string[];
  'text-column'?: string;
  columns?: string;
  model?: string;
  strict?: boolean;
  alpha: number;
  'fail-on'?: string;
  json?: boolean;
}

/** Exit code when a --fail-on condition holds (1 is an error, 2 a usage error). */
export const DRIFT_GATE_EXIT_CODE = 3;

export const driftCommand: CommandModule<object, DriftArgs> = {
  command: 'drift',
  describe: 'Has the data moved? Compare new data with the training data: LF votes, vote patterns, predicted class balance, metadata columns, tokens',
  builder: (y) =>
    y
      .option('L', { type: 'string', array: true, demandOption: true, describe: 'Two label matrices: --L train.arrow --L new.arrow' })
      .option('data', { type: 'string', array: true, describe: 'Their rows, same order: --data train.csv --data new.csv (metadata and text checks)' })
      .option('text-column', { type: 'string', describe: 'Text column(s) whose tokens and bigrams are compared, comma-separated' })
      .option('columns', {
        type: 'string',
        describe: 'Metadata columns to compare, comma-separated (default: every shared column but the text ones)',
      })
      .option('model', { type: 'string', describe: 'Fitted label model (.json) for the predicted class balance (default: majority vote)' })
      .option('strict', { type: 'boolean', describe: 'Refuse matrices with different LFs (default: compare the shared ones and say so)' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'Significance level after Holm adjustment over all checks' })
      .option('fail-on', {
        type: 'string',
        describe: `Exit ${DRIFT_GATE_EXIT_CODE} when a condition holds on a significant check: psi>0.2, effect>0.1, p<0.001, drift, or scoped (lf:* psi>0.2); comma = or`,
      })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .example(
        "$0 drift --L train.arrow --L new.arrow --data train.csv --data new.csv --text-column text --fail-on 'psi>0.2'",
        'gate a pipeline on drift',
      ) as any,
  handler: async (a) => {
    if (a.L.length !== 2) throw new ConfigError(`--L takes two label matrices (training, then new), got ${a.L.length}`);
    if (a.data && a.data.length !== 2) throw new ConfigError(`--data takes two files (training, then new), got ${a.data.length}`);
    const conditions = a['fail-on'] ? parseDriftConditions(a['fail-on']) : [];
    const [La, Lb] = a.L.map((f) => loadLabelMatrix(f));
    const [ra, rb] = a.data ? await Promise.all([readAlignedRows(La, a.data[0]), readAlignedRows(Lb, a.data[1])]) : [undefined, undefined];
    if (Lb.n === 0) throw new ConfigError(`${a.L[1]} has no rows: the new data is empty, nothing to compare`);
    let probs: [Float64Array, Float64Array] | undefined;
    let modelName: string | undefined;
    if (a.model) {
      // The model belongs to the training matrix; the new one must carry its LFs (extra LFs are ignored by the model).
      const model = readLabelModelFile(a.model, { matrix: { L: La, file: a.L[0] } });
      const lfs = model.toJSON().lfNames ?? [...La.lfNames];
      const missing = lfs.filter((x) => !Lb.lfNames.includes(x));
      if (missing.length)
        throw new ConfigError(
          `${a.L[1]} lacks LFs the model ${a.model} was fitted on (${missing.join(', ')}); drop --model to compare with majority vote`,
        );
      probs = [model.predictProba(La), model.predictProba(Lb.selectLFs(lfs))];
      modelName = model.kind;
    }
    const split = (s?: string) =>
      s
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
    const report = driftReport(
      { L: La, rows: ra?.rows, probs: probs?.[0] },
      { L: Lb, rows: rb?.rows, probs: probs?.[1] },
      { textColumn: split(a['text-column']), columns: split(a.columns), strict: a.strict, alpha: a.alpha, modelName },
    );
    const gate = evaluateDriftGate(report, conditions);
    if (a.json) printJSON({ reference: a.L[0], current: a.L[1], ...report, gate: { conditions: conditions.map((c) => c.text), failed: gate } });
    else process.stdout.write(formatDriftReport(report, gate));
    if (gate.length) process.exitCode = DRIFT_GATE_EXIT_CODE;
  },
};
