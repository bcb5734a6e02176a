/**
 * A progress line on stderr for long runs: shown only on a TTY and only once a run has taken over a second,
 * so pipes, CI logs and short runs stay clean.
 */
export interface Progress {
  tick(done: number): void;
  done(total: number): void;
}

/** `total` may be an estimate (clamped) or undefined when unknown (then only rows and rows/s are shown). */
export function createProgress(total: number | undefined, label: string, stream: NodeJS.WriteStream = process.stderr): Progress | null {
  if (!stream.isTTY || process.env.CI) return null;
  const start = performance.now();
  let last = 0;
  let shown = false;
  const render = (done: number) => {
    const secs = (performance.now() - start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const rateText = `${Math.round(rate).toLocaleString('en-US')} rows/s`;
    if (total === undefined) {
      stream.write(`\r${label} ${done.toLocaleString('en-US')} rows, ${rateText}   `);
      return;
    }
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const eta = rate > 0 ? Math.max(0, total - done) / rate : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ` +
        `${done.toLocaleString('en-US')}/${Math.max(total, done).toLocaleString('en-US')} rows, ${rateText}, ETA ${eta.toFixed(1)} s   `,
    );
  };
  return {
    tick(done: number) {
      const now = performance.now();
      if (now - start < 1000 || now - last < 200) return;
      last = now;
      shown = true;
      render(done);
    },
    done(totalDone: number) {
      if (!shown) return;
      render(totalDone);
      stream.write('\n');
    },
  };
}
