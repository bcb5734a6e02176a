import type { CommandModule } from 'yargs';

/**
 * Every CLI command, one module each, loaded only when it runs: `ballot --help` imports none of them, and `ballot fit`
 * imports fit's module alone (not ts-morph, tsx or the samplers). `command` and `describe` are repeated here for the
 * top-level help; test/cli-lazy.test.ts checks they match the modules.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  load: () => Promise<CommandModule<any, any>>;
}

export const commands: CommandEntry[] = [
  {
    command: 'demo',
    describe: 'Run the YouTube spam demo end to end on real data (apply, summarize, fit, score, flag, sample)',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    command: 'apply',
    describe: 'Apply the LFs to a data file and write the label matrix (re-applies only LFs whose code or data changed)',
    load: async () => (await import('./apply.js')).applyCommand,
  },
  { command: 'lfs <command>', describe: 'Inspect labeling functions', load: async () => (await import('./lfs.js')).lfsCommand },
  {
    command: 'init [dir]',
    describe: 'Create a ballot project (package.json, tsconfig, lfs/ with two example LFs, tiny data, a recipe)',
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    command: 'watch',
    describe: 'Apply the LFs, then re-apply changed LFs on every save and print what changed in the LF summary',
    load: async () => (await import('./watch.js')).watchCommand,
  },
  {
    command: 'analyze',
    describe: 'Summarize the LFs of a label matrix: polarity, coverage, overlaps, conflicts, accuracy (with gold), correlations',
    load: async () => (await import('./analyze.js')).analyzeCommand,
  },
  {
    command: 'disagreements',
    describe: 'List the rows worth a human look: likely label errors, LF conflicts, and each LF’s likely mistakes',
    load: async () => (await import('./disagreements.js')).disagreementsCommand,
  },
  {
    command: 'fit',
    describe: 'Fit a label model on a label matrix (no gold labels needed) and save it as JSON',
    load: async () => (await import('./fit.js')).fitCommand,
  },
  {
    command: 'predict',
    describe: 'Write probabilistic labels (one probability per class) and hard labels for a label matrix',
    load: async () => (await import('./predict.js')).predictCommand,
  },
  {
    command: 'score',
    describe: 'Score a fitted model on gold labels: accuracy, F1, per-class precision/recall, coverage, confusion matrix',
    load: async () => (await import('./score.js')).scoreCommand,
  },
  {
    command: 'export',
    describe: 'Write a label matrix for other tools: .csv, .npy (NumPy int8, n×m) or .parquet',
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    command: 'sample',
    describe: 'Select the next training set with a recipe (budgeted mix of samplers, dedupe) and write it with provenance',
    load: async () => (await import('./sample.js')).sampleCommand,
  },
  {
    command: 'report',
    describe: 'Write one self-contained HTML page: LF table, charts, flags browser, slices',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    command: 'slices',
    describe: 'Where the LFs and models fail: headline numbers per slice (metadata column or slice function), underperforming slices ranked',
    load: async () => (await import('./slices.js')).slicesCommand,
  },
  {
    command: 'drift',
    describe: 'Has the data moved? Compare two label matrices (and their data) with standard tests; exit 3 past a --fail-on gate',
    load: async () => (await import('./drift.js')).driftCommand,
  },
  {
    command: 'worker',
    describe: 'Process sharded apply/predict jobs from a BullMQ queue on Redis (any machine that sees the shared store)',
    load: async () => (await import('./worker.js')).workerCommand,
  },
  {
    command: 'fit-stats',
    describe: 'Fit a label model from merged sufficient statistics of a distributed apply, without reading rows',
    load: async () => (await import('./fit-stats.js')).fitStatsCommand,
  },
  {
    command: 'train',
    describe: "Train the end model on the rows' own features from the label model's probabilistic labels (or gold), with cross-fitting",
    load: async () => (await import('./train.js')).trainCommand,
  },
];
