/**
 * End-model benchmark (issue 10): accuracy parity with scikit-learn and training speed at 1M rows.
 *
 *   npm run bench:end-model -- [--rows 1000000] [--sklearn-rows 200000] [--no-sklearn] [--skip-speed] [--only parity,snorkel,speed]
 *
 * 1. Parity: the same train rows and gold labels (WRENCH youtube/sms/trec train splits; the raw YouTube CSVs with
 *    Youtube01–04 as train and 05-Shakira as test, Snorkel's split), accuracy on the test split, ballot's end model
 *    beside scikit-learn's TfidfVectorizer + LogisticRegression (bench/sklearn_end_model.py run by Debian's
 *    /usr/bin/python3) in three pairings: ballot defaults ↔ sklearn with the same features (exact vocabularies),
 *    word n-grams only ↔ the same, and ballot set up like sklearn's defaults ↔ sklearn's defaults.
 * 2. Snorkel's route on the WRENCH sets: fit the label model (mc) on the train split's weak labels only, train the
 *    end model on its probabilities of the covered rows, score both on test; sklearn is trained on the argmax labels
 *    of the same rows (what the Snorkel tutorial does, since sklearn takes no soft targets).
 * 3. Speed: --rows short texts made by resampling and perturbing real YouTube + SMS comments; featurise + train
 *    wall time and peak RSS in a fresh child process; sklearn on --sklearn-rows of the same rows in its own process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/format/table.js';
import { defaultDataDir } from './shared-sets.js';
import { parseCSV, expectedScore, loadWrenchSplit, EndModel, type EndModelOptions, MatrixCompletionModel, createRng } from '../src/internal.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = defaultDataDir();
const PY = '/usr/bin/python3';

interface Args {
  rows: number;
  sklearnRows: number;
  sklearn: boolean;
  speed: boolean;
  speedChild: boolean;
  only?: string;
}
function parseArgs(argv: string[]): Args {
  const a: Args = { rows: 1_000_000, sklearnRows: 200_000, sklearn: true, speed: true, speedChild: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '--rows') a.rows = Number(argv[++i]);
    else if (s === '--sklearn-rows') a.sklearnRows = Number(argv[++i]);
    else if (s === '--no-sklearn') a.sklearn = false;
    else if (s === '--skip-speed') a.speed = false;
    else if (s === '--speed-child') a.speedChild = true;
    else if (s === '--only') a.only = argv[++i];
    else throw new Error(`unknown argument ${s}`);
  }
  return a;
}

interface TextSet {
  name: string;
  labels: string[];
  train: string[];
  trainY: Int32Array;
  test: string[];
  testY: Int32Array;
}

function wrenchSet(name: string): TextSet & { Ltrain: ReturnType<typeof loadWrenchSplit>['L']; Ltest: ReturnType<typeof loadWrenchSplit>['L'] } {
  const dir = join(dataDir, `wrench_${name}`);
  const tr = loadWrenchSplit(dir, 'train');
  const te = loadWrenchSplit(dir, 'test');
  return { name: `wrench ${name}`, labels: tr.labels, train: tr.texts, trainY: tr.gold, test: te.texts, testY: te.gold, Ltrain: tr.L, Ltest: te.L };
}

function youtubeRaw(): TextSet {
  const dir = join(dataDir, 'youtube_spam_raw');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const parts = files.map((f) => parseCSV(readFileSync(join(dir, f), 'utf8'), f).rows);
  const texts = (rows: (typeof parts)[0]) => rows.map((r) => String(r.CONTENT));
  const ys = (rows: (typeof parts)[0]) => Int32Array.from(rows.map((r) => Number(r.CLASS)));
  const train = parts.slice(0, 4).flat();
  return {
    name: 'youtube raw (01–04 / 05)',
    labels: ['ham', 'spam'],
    train: texts(train),
    trainY: ys(train),
    test: texts(parts[4]),
    testY: ys(parts[4]),
  };
}

function accuracy(probs: Float64Array, gold: Int32Array, k: number): number {
  let ok = 0;
  for (let i = 0; i < gold.length; i++) {
    let b = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + b]) b = c;
    if (b === gold[i]) ok++;
  }
  return ok / gold.length;
}

function ballot(
  set: { labels: string[]; train: string[]; test: string[]; testY: Int32Array },
  targets: Parameters<typeof EndModel.train>[1],
  options: Partial<EndModelOptions>,
): { acc: number; seconds: number; features: number } {
  const t0 = performance.now();
  const model = EndModel.train(
    set.train.map((text) => ({ text })),
    targets,
    set.labels,
    { textColumns: ['text'], ...options },
  );
  const seconds = (performance.now() - t0) / 1000;
  const probs = model.predictProba(set.test.map((text) => ({ text })));
  return { acc: accuracy(probs, set.testY, set.labels.length), seconds, features: model.training.features };
}

interface SkResult {
  name: string;
  config: string;
  accuracy?: number;
  seconds: number;
  cpu_seconds: number;
  features: number;
  n: number;
  rss_mb: number;
}
function sklearn(tasks: object[]): { version: string; results: SkResult[] } | undefined {
  if (!existsSync(PY)) return undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'ballot-sk-'));
  try {
    const spec = join(tmp, 'spec.json');
    writeFileSync(spec, JSON.stringify({ tasks }));
    const r = spawnSync(PY, [join(here, 'sklearn_end_model.py'), spec], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      console.log(`sklearn baseline failed: ${r.stderr.trim().split('\n').pop()}`);
      return undefined;
    }
    return JSON.parse(r.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const PAIRS: { config: string; options: Partial<EndModelOptions>; title: string }[] = [
  { config: 'matched', options: {}, title: 'defaults: word 1–2 + char_wb 2–5, sublinear, min_df 2' },
  { config: 'words', options: { charNgrams: false }, title: 'word 1–2 only' },
  {
    config: 'default',
    options: { wordNgrams: [1, 1], charNgrams: false, sublinearTf: false, minDf: 1 },
    title: "sklearn's defaults (words, raw tf, min_df 1)",
  },
];

function pct(x: number | undefined): string {
  return x === undefined ? '—' : (100 * x).toFixed(1);
}

function parity(args: Args): void {
  const sets: TextSet[] = [wrenchSet('youtube'), wrenchSet('sms'), wrenchSet('trec'), youtubeRaw()];
  const mine = sets.map((s) => PAIRS.map((p) => ballot(s, { kind: 'hard', gold: s.trainY }, p.options)));
  const sk = args.sklearn
    ? sklearn(
        sets.flatMap((s) =>
          PAIRS.map((p) => ({
            name: s.name,
            config: p.config,
            train_texts: s.train,
            train_y: Array.from(s.trainY),
            test_texts: s.test,
            test_y: Array.from(s.testY),
          })),
        ),
      )
    : undefined;
  console.log(`\n1. Parity: test accuracy (%) trained on the train split's gold labels${sk ? `; scikit-learn ${sk.version}` : ' (sklearn skipped)'}`);
  for (const [pi, p] of PAIRS.entries()) {
    const rows = sets.map((s, si) => {
      const b = mine[si][pi];
      const r = sk?.results.find((x) => x.name === s.name && x.config === p.config);
      return [
        s.name,
        s.train.length,
        pct(b.acc),
        pct(r?.accuracy),
        r?.accuracy === undefined ? '—' : (100 * (b.acc - r.accuracy)).toFixed(1),
        b.seconds.toFixed(2),
        r ? r.seconds.toFixed(2) : '—',
      ];
    });
    const dm = sk
      ? sets.reduce((a, s, si) => a + mine[si][pi].acc - (sk.results.find((x) => x.name === s.name && x.config === p.config)?.accuracy ?? NaN), 0) /
        sets.length
      : NaN;
    console.log(`\n${p.title}${Number.isNaN(dm) ? '' : ` — mean Δ ${(100 * dm).toFixed(2)} points`}`);
    console.log(formatTable(['set', 'train rows', 'ballot', 'sklearn', 'Δ', 'ballot s', 'sklearn s'], rows));
  }
}

function snorkelRoute(args: Args): void {
  const rows: (string | number)[][] = [];
  const tasks: object[] = [];
  const results: { name: string; lm: number; end: number; covered: number; n: number }[] = [];
  for (const name of ['youtube', 'sms', 'trec']) {
    const s = wrenchSet(name);
    const k = s.labels.length;
    const lm = new MatrixCompletionModel();
    lm.fit(s.Ltrain);
    const probs = lm.predictProba(s.Ltrain);
    const counts = s.Ltrain.voteCounts();
    const weights = Float64Array.from(counts, (c) => (c > 0 ? 1 : 0));
    const lmAcc = expectedScore(s.testY, lm.predictProba(s.Ltest), k, 'accuracy');
    const end = ballot(s, { kind: 'soft', probs, weights }, {});
    const covered: number[] = [];
    for (let i = 0; i < s.Ltrain.n; i++) if (counts[i] > 0) covered.push(i);
    const argmax = covered.map((i) => {
      let b = 0;
      for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + b]) b = c;
      return b;
    });
    tasks.push({
      name: s.name,
      config: 'matched',
      train_texts: covered.map((i) => s.train[i]),
      train_y: argmax,
      test_texts: s.test,
      test_y: Array.from(s.testY),
    });
    results.push({ name: s.name, lm: lmAcc, end: end.acc, covered: covered.length, n: s.Ltrain.n });
  }
  const sk = args.sklearn ? sklearn(tasks) : undefined;
  for (const r of results) {
    const skr = sk?.results.find((x) => x.name === r.name);
    rows.push([r.name, `${r.covered}/${r.n}`, pct(r.lm), pct(r.end), (100 * (r.end - r.lm)).toFixed(1), pct(skr?.accuracy)]);
  }
  console.log("\n2. Snorkel's route: label model (mc) on the train split's weak labels only → end model on its probabilities; test accuracy (%)");
  console.log(formatTable(['set', 'covered train rows', 'label model', 'ballot end model (soft)', 'gain', 'sklearn on argmax labels'], rows));
}

/** Short texts made from real comments: a random real row, words dropped/duplicated/swapped, digits changed. */
function synthRows(n: number, seed: number): { texts: string[]; y: Int32Array } {
  const yt = youtubeRaw();
  const sms = readFileSync(join(dataDir, 'sms_spam_raw', 'SMSSpamCollection'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const pool = [
    ...yt.train.map((t, i) => [t, yt.trainY[i]] as const),
    ...yt.test.map((t, i) => [t, yt.testY[i]] as const),
    ...sms.map(([y, t]) => [t, y === 'spam' ? 1 : 0] as const),
  ];
  const rng = createRng(seed);
  const texts = new Array<string>(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [t, c] = pool[rng.int(pool.length)];
    const words = t.split(/\s+/).filter(Boolean).slice(0, 30);
    const out: string[] = [];
    for (const w of words) {
      const r = rng.next();
      if (r < 0.1) continue;
      if (r < 0.15) out.push(w, w);
      else if (r < 0.2) out.push(w.replace(/\d/g, () => String(rng.int(10))) + String(rng.int(100)));
      else out.push(w);
    }
    if (out.length > 2 && rng.next() < 0.3) {
      const a = rng.int(out.length),
        b = rng.int(out.length);
      [out[a], out[b]] = [out[b], out[a]];
    }
    texts[i] = out.join(' ');
    y[i] = c;
  }
  return { texts, y };
}

function speedChild(args: Args): void {
  const { texts, y } = synthRows(args.rows, 7);
  let chars = 0;
  for (const t of texts) chars += t.length;
  const rows = texts.map((text) => ({ text }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = EndModel.train(rows, { kind: 'hard', gold: y }, ['ham', 'spam'], { textColumns: ['text'] }); // defaults: char n-grams are off above 200k rows
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const out = {
    n: args.rows,
    meanChars: chars / args.rows,
    seconds,
    trainSeconds: model.training.seconds,
    iterations: model.training.iterations,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    features: model.training.features,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function speed(args: Args): void {
  const runner = join(here, '..', 'bin', 'run-ts.mjs');
  const r = spawnSync(process.execPath, [runner, fileURLToPath(import.meta.url), '--speed-child', '--rows', String(args.rows)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`speed child failed: ${r.stderr}`);
  const mine = JSON.parse(r.stdout.trim().split('\n').pop()!);
  let sk: SkResult | undefined;
  let skVersion = '';
  if (args.sklearn) {
    const { texts, y } = synthRows(args.sklearnRows, 7); // the same generator and seed: the first sklearnRows rows are identical
    const res = sklearn([{ name: 'speed', config: 'words', train_texts: texts, train_y: Array.from(y) }]);
    sk = res?.results[0];
    skVersion = res?.version ?? '';
  }
  console.log(
    `\n3. Speed: ${mine.n.toLocaleString('en-US')} short texts (mean ${mine.meanChars.toFixed(0)} chars) resampled/perturbed from real YouTube + SMS comments, default features (word 1–2-grams; char n-grams are off by default above 200k rows), 2 classes`,
  );
  const iters = mine.iterations;
  const rows: (string | number)[][] = [
    [
      'ballot',
      mine.n.toLocaleString('en-US'),
      mine.seconds.toFixed(1),
      mine.cpuSeconds.toFixed(1),
      mine.trainSeconds.toFixed(1),
      mine.maxRssMb.toFixed(0),
      mine.features.toLocaleString('en-US'),
      iters,
    ],
  ];
  if (sk)
    rows.push([
      `sklearn ${skVersion} (same rows${sk.n < mine.n ? `, first ${sk.n.toLocaleString('en-US')}` : ''})`,
      sk.n.toLocaleString('en-US'),
      sk.seconds.toFixed(1),
      sk.cpu_seconds.toFixed(1),
      '',
      sk.rss_mb.toFixed(0),
      sk.features.toLocaleString('en-US'),
      '',
    ]);
  console.log(
    formatTable(['', 'rows', 'featurise + train: wall s', 'CPU s', 'of which train wall s', 'peak RSS MB', 'features', 'L-BFGS iterations'], rows),
  );
  if (sk && sk.n < mine.n)
    console.log(
      `sklearn ran on ${sk.n.toLocaleString('en-US')} rows (--sklearn-rows; 1M would not finish in minutes): ×${(mine.n / sk.n).toFixed(0)} ≈ ${((sk.cpu_seconds * mine.n) / sk.n).toFixed(0)} CPU s if linear`,
    );
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(
    `targets at 1M rows: < 30 s, < 1500 MB → wall ${mine.seconds.toFixed(1)} s, CPU ${mine.cpuSeconds.toFixed(1)} s, ${mine.maxRssMb.toFixed(0)} MB (load average ${load} on this 2-core machine: wall time is inflated when it is above 2)`,
  );
}

const args = parseArgs(process.argv.slice(2));
if (args.speedChild) speedChild(args);
else if (!existsSync(dataDir)) console.log(`bench/end-model.ts: ${dataDir} not found; skipped`);
else {
  const want = (part: string) => !args.only || args.only.split(',').includes(part);
  if (want('parity')) parity(args);
  if (want('snorkel')) snorkelRoute(args);
  if (args.speed && want('speed')) speed(args);
}
