import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadWrenchSplit,
  MatrixCompletionModel,
  scorePredictions,
  probsToPreds,
  OverlapStats,
  createRng,
  snorkelLossAndGradient,
} from '../src/internal.js';
import { sampleGenerative } from './label-model-helpers.js';
import { haveSharedData, SHARED_DATA } from './shared-data.js';

/** Snorkel's _loss_mu written out plainly: ‖(O − μPμᵀ)[mask]‖² + ‖μP1 − diag O‖² + ‖l2·(μ − μ_init)‖². */
function snorkelLoss(O: Float64Array, d: number, k: number, p: number[], mu: Float64Array, muInit: Float64Array, l2: number): number {
  let loss = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      if (Math.floor(a / k) === Math.floor(b / k)) continue;
      let q = 0;
      for (let y = 0; y < k; y++) q += mu[a * k + y] * p[y] * mu[b * k + y];
      loss += (O[a * d + b] - q) ** 2;
    }
    let s = 0;
    for (let y = 0; y < k; y++) s += mu[a * k + y] * p[y];
    loss += (s - O[a * d + a]) ** 2;
  }
  for (let i = 0; i < mu.length; i++) loss += (l2 * (mu[i] - muInit[i])) ** 2;
  return loss;
}

describe('Snorkel preset: loss and optimizer as Snorkel runs them', () => {
  const k = 3;
  const p = [0.2, 0.3, 0.5];
  const { L } = sampleGenerative({ n: 400, accuracy: [0.8, 0.7, 0.6, 0.75], propensity: [0.5, 0.4, 0.6, 0.5], classBalance: p, seed: 21 });
  const stats = OverlapStats.fromLabelMatrix(L);
  const O = stats.overlap();
  const d = stats.d;
  const rng = createRng(5);
  const mu = Float64Array.from({ length: d * k }, () => 0.05 + 0.4 * rng.next());
  const muInit = Float64Array.from({ length: d * k }, () => 0.4 * rng.next());

  it("the gradient matches finite differences of Snorkel's loss, l2 term included (l2² ‖μ − μ_init‖²)", () => {
    const l2 = 0.7;
    const W = new Float64Array(d * k);
    const grad = new Float64Array(d * k);
    const loss = snorkelLossAndGradient(O, d, k, Float64Array.from(p), mu, muInit, l2, W, grad);
    expect(loss).toBeCloseTo(snorkelLoss(O, d, k, p, mu, muInit, l2), 12);
    const h = 1e-6;
    for (const i of [0, 5, 13, d * k - 1]) {
      const plus = Float64Array.from(mu);
      const minus = Float64Array.from(mu);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (snorkelLoss(O, d, k, p, plus, muInit, l2) - snorkelLoss(O, d, k, p, minus, muInit, l2)) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 6);
    }
  });

  it("SGD steps are torch.optim.SGD(momentum=0.9, weight_decay=l2), as in Snorkel's default sgd_config", () => {
    const l2 = 0.3;
    const lr = 0.01;
    const initScale = 0.6;
    const epochs = 3;
    // Reference trajectory: d_t = ∇loss(μ_t) + l2·μ_t;  buf_1 = d_1, buf_t = 0.9·buf_{t−1} + d_t;  μ_{t+1} = μ_t − lr·buf_t.
    const init = new Float64Array(d * k);
    for (let a = 0; a < d; a++) {
      const y = a % k;
      init[a * k + y] = Math.min(1, Math.max(0, (O[a * d + a] * 0.7) / p[y]));
    }
    const x = init.map((v) => v * initScale);
    const buf = new Float64Array(d * k);
    const W = new Float64Array(d * k);
    const grad = new Float64Array(d * k);
    for (let t = 0; t < epochs; t++) {
      snorkelLossAndGradient(O, d, k, Float64Array.from(p), x, init, l2, W, grad);
      for (let i = 0; i < x.length; i++) {
        const g = grad[i] + l2 * x[i];
        buf[i] = t === 0 ? g : 0.9 * buf[i] + g;
        x[i] -= lr * buf[i];
      }
    }
    const mc = new MatrixCompletionModel();
    // Distinct class priors: no column permutation to break; muEps 0: only the [0, 1] clamp, which this μ stays inside.
    mc.fitStats(stats, L.labels, L.lfNames, { preset: 'snorkel', classBalance: p, epochs, lr, l2, initScale, muEps: 0 });
    const got = mc.conditionalProbs();
    for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(x[i], 12);
    // momentum: 0 is plain gradient descent, a different trajectory.
    const plain = new MatrixCompletionModel();
    plain.fitStats(stats, L.labels, L.lfNames, { preset: 'snorkel', classBalance: p, epochs, lr, l2, initScale, muEps: 0, momentum: 0 });
    expect(Array.from(plain.conditionalProbs())).not.toEqual(Array.from(got));
    expect(() => new MatrixCompletionModel().fitStats(stats, L.labels, L.lfNames, { preset: 'snorkel', momentum: 1 })).toThrow(
      /momentum must be in \[0, 1\)/,
    );
  });
});

// Real data: the measured Snorkel 0.10 figures of ../shared/data/REFERENCE.md (seeds 0–4, sha1 tie-break).
const DATA = SHARED_DATA;
const haveData = haveSharedData('label-model-snorkel-preset', 'wrench_trec/train.json');

describe.skipIf(!haveData)('Snorkel preset against Snorkel 0.10 on WRENCH trec', () => {
  it("at the defaults (100 epochs), the mean test accuracy over seeds 0–4 is within 1.5 points of Snorkel's 55.48", () => {
    const train = loadWrenchSplit(join(DATA, 'wrench_trec'), 'train');
    const test = loadWrenchSplit(join(DATA, 'wrench_trec'), 'test');
    const stats = OverlapStats.fromLabelMatrix(train.L);
    let sum = 0;
    for (let seed = 0; seed < 5; seed++) {
      const mc = new MatrixCompletionModel();
      mc.fitStats(stats, train.L.labels, train.L.lfNames, { preset: 'snorkel', seed });
      sum += scorePredictions(test.gold, probsToPreds(mc.predictProba(test.L), test.L.k, 'snorkel'), test.L.k, 'accuracy');
    }
    // Without Snorkel's SGD momentum, μ barely moves in 100 epochs and this was 62.2.
    expect(Math.abs((sum / 5) * 100 - 55.48)).toBeLessThan(1.5);
  });
});
