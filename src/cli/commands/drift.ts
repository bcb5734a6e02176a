import type { CommandModule } from 'yargs';
import { parseDriftConditions } from '../../analysis/drift-gate.js';
import { runDrift } from '../../project/drift-run.js';
import { ConfigError } from '../../util/errors.js';
import { formatDriftReport } from '../format/drift.js';
import { readLabelModelFile } from '../model-file.js';
import { commaList } from '../options.js';
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
    const { report, gate } = await runDrift({
      reference: { L: a.L[0], data: a.data?.[0] },
      current: { L: a.L[1], data: a.data?.[1] },
      loadModel: a.model ? (L) => readLabelModelFile(a.model!, { matrix: { L, file: a.L[0] } }) : undefined,
      modelFile: a.model,
      textColumn: commaList(a['text-column']),
      columns: commaList(a.columns),
      strict: a.strict,
      alpha: a.alpha,
      conditions,
    });
    if (a.json) printJSON({ reference: a.L[0], current: a.L[1], ...report, gate: { conditions: conditions.map((c) => c.text), failed: gate } });
    else process.stdout.write(formatDriftReport(report, gate));
    if (gate.length) process.exitCode = DRIFT_GATE_EXIT_CODE;
  },
};
