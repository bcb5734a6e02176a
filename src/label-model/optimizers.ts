/**
 * A full-batch optimizer step function over a parameter vector of the given length, with torch's semantics (what
 * Snorkel runs): weight decay adds wd · x to the gradient; SGD momentum keeps buf = momentum · buf + g (buf = g on
 * the first step) and steps by lr · buf.
 */
export function createStepper(
  kind: 'sgd' | 'adam',
  lr: number,
  size: number,
  extra: { momentum?: number; weightDecay?: number } = {},
): (x: Float64Array, g: Float64Array) => void {
  const momentum = extra.momentum ?? 0;
  const wd = extra.weightDecay ?? 0;
  if (kind === 'sgd') {
    const buf = new Float64Array(size);
    let first = true;
    return (x, g) => {
      for (let i = 0; i < size; i++) {
        const d = g[i] + wd * x[i];
        buf[i] = first ? d : momentum * buf[i] + d;
        x[i] -= lr * buf[i];
      }
      first = false;
    };
  }
  const beta1 = 0.9;
  const beta2 = 0.999;
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  let t = 0;
  return (x, g) => {
    t++;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let i = 0; i < size; i++) {
      const d = g[i] + wd * x[i];
      m1[i] = beta1 * m1[i] + (1 - beta1) * d;
      m2[i] = beta2 * m2[i] + (1 - beta2) * d * d;
      x[i] -= (lr * (m1[i] / c1)) / (Math.sqrt(m2[i] / c2) + 1e-8);
    }
  };
}
