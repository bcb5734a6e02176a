import type { SummaryChanges, WatchModelScore, WatchRun } from '../../project/watch.js';
import { formatTable } from './table.js';

/** One watch run: what triggered it, what ran, then the LF table (first run) or what changed. */
export function formatRun(run: WatchRun, first: boolean): string[] {
  const time = new Date().toTimeString().slice(0, 8);
  const why = run.trigger.includes('(start)') ? 'start' : `${run.trigger.join(', ')} changed`;
  if (!run.ok) return [`[${time}] ${why}: ${run.error.message}`];
  const { report, summary } = run.result;
  const model = run.result.model ? [formatModelScore(run.result.model, run.previousModel)] : [];
  const applied = report.lfs.filter((l) => l.status === 'applied');
  const head = `[${time}] ${why} → applied ${applied.length}${applied.length && applied.length <= 5 ? ` (${applied.map((l) => `${l.name}: ${l.reason}`).join('; ')})` : ''}, cached ${report.cached.length}, ${report.rows.toLocaleString('en-US')} rows, ${report.seconds.toFixed(2)} s`;
  if (first) {
    const gold = summary.some((r) => r.empiricalAccuracy !== undefined);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const rows = summary.map((r) => [
      r.lf,
      pct(r.coverage),
      pct(r.overlaps),
      pct(r.conflicts),
      ...(gold ? [r.empiricalAccuracy!.toFixed(3)] : []),
      r.errors,
    ]);
    return [head, formatTable(['LF', 'coverage', 'overlaps', 'conflicts', ...(gold ? ['accuracy'] : []), 'errors'], rows), ...model];
  }
  const lines = formatChanges(run.changes);
  return [head, ...(lines.length ? lines : ['  no change in the LF summary']), ...model];
}

/** `label model mc on 12 gold rows: accuracy 80.0% → 85.0% (+5.0), f1 …, coverage …` (the move since the last run). */
export function formatModelScore(now: WatchModelScore, before?: WatchModelScore): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const move = (k: 'accuracy' | 'f1' | 'f1Macro' | 'coverage', name: string): string | undefined => {
    const b = now[k];
    if (b === null) return undefined;
    const a = before?.[k];
    if (a === undefined || a === null) return `${name} ${pct(b)}`;
    const d = 100 * (b - a);
    return Math.abs(d) < 0.05 ? `${name} ${pct(b)} (=)` : `${name} ${pct(a)} → ${pct(b)} (${d > 0 ? '+' : ''}${d.toFixed(1)})`;
  };
  const parts = [move('accuracy', 'accuracy'), now.f1 !== null ? move('f1', 'f1') : move('f1Macro', 'f1_macro'), move('coverage', 'coverage')].filter(
    Boolean,
  );
  return `label model ${now.kind} on ${now.scored} gold rows: ${parts.join(', ')}`;
}

/** One line per changed LF, e.g. `~ kw_7: coverage 12.0% → 15.3% (+3.3), accuracy 0.910 → 0.880`. */
export function formatChanges(c: SummaryChanges): string[] {
  const fmt = (k: string, v: number) =>
    Number.isNaN(v) ? '–' : k === 'errors' ? String(v) : k === 'empiricalAccuracy' ? v.toFixed(3) : `${(v * 100).toFixed(1)}%`;
  const name = (k: string) => (k === 'empiricalAccuracy' ? 'accuracy' : k);
  const delta = (k: string, a: number, b: number) => {
    if (Number.isNaN(a)) return `${name(k)} ${fmt(k, b)}`;
    const d =
      k === 'errors'
        ? `${b - a >= 0 ? '+' : ''}${b - a}`
        : k === 'empiricalAccuracy'
          ? `${b - a >= 0 ? '+' : ''}${(b - a).toFixed(3)}`
          : `${b - a >= 0 ? '+' : ''}${((b - a) * 100).toFixed(1)}`;
    return `${name(k)} ${fmt(k, a)} → ${fmt(k, b)} (${d})`;
  };
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  // An LF that was re-applied but whose summary did not move prints nothing (it did not change).
  const lines = c.lfs
    .filter((ch) => ch.kind !== 're-applied')
    .map((ch) => {
      const parts = Object.entries(ch.deltas).map(([k, [a, b]]) => delta(k, a, b));
      const what = ch.kind === 'removed' ? 'removed' : parts.join(', ');
      return `${sign[ch.kind as keyof typeof sign]} ${ch.lf}: ${what}`;
    });
  const m = Object.entries(c.matrix).map(([k, [a, b]]) => delta(k, a, b));
  if (m.length) lines.push(`all LFs: ${m.join(', ')}`);
  return lines;
}
