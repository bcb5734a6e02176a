import { DISAGREEMENT_KINDS, disagreements, type DisagreementKind } from '../analysis/disagreements.js';
import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import type { EndModelFlag, FlagKind, ReportFlag } from './types.js';

/** Text longer than this is cut in the page (the flags list must stay small for a 1M-row matrix). */
export const MAX_TEXT = 1000;
export const DEFAULT_MAX_FLAGS = 2000;

export interface FlagInputs {
  L: LabelMatrix;
  probs: Float64Array;
  lmTop: Int32Array;
  gold: ArrayLike<number> | null;
  endModelProbs: Float64Array | null;
  endTop: Int32Array | null;
  endModelFlags: readonly EndModelFlag[] | null;
  rows: readonly Row[] | null;
  textColumn: string | null;
  maxFlags: number;
}

/**
 * How the cap is shared: each kind that applies gets an equal share; lf-mistake's share is split over the LFs (at least
 * one each, as `disagreements` ranks lf-mistake per LF).
 */
export function flagBudget(kinds: number, m: number, maxFlags: number): { top: number; topPerLF: number } {
  const share = Math.floor(maxFlags / Math.max(1, kinds));
  return { top: share, topPerLF: maxFlags === 0 ? 0 : Math.max(1, Math.floor(share / Math.max(1, m))) };
}

/**
 * Flags where the end model contradicts the given label (with gold) or else the label model, scored by the end
 * model's margin p(its class) − p(the contradicted class); the best `top` are kept, and every such row is counted.
 */
export function endModelContradictions(
  L: LabelMatrix,
  endProbs: Float64Array,
  endTop: Int32Array,
  lmTop: Int32Array,
  gold: ArrayLike<number> | null,
  top: number,
): { flags: EndModelFlag[]; found: number } {
  const { n, k, labels } = L;
  const found: EndModelFlag[] = [];
  let count = 0;
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = endTop[i];
    if (e < 0) continue;
    const against = gold && gold[i] >= 0 ? gold[i] : lmTop[i];
    if (against < 0 || against === e) continue;
    count++;
    if (top === 0) continue;
    const score = endProbs[i * k + e] - endProbs[i * k + against];
    if (found.length >= top && score <= worst) continue;
    const what = gold && gold[i] >= 0 ? 'given' : 'the label model says';
    found.push({
      row: i,
      score,
      predicted: labels[e],
      reason: `${what} ${labels[against]}, but the end model says ${labels[e]} with p=${endProbs[i * k + e].toFixed(2)}`,
    });
    if (found.length > 4 * top + 64) {
      found.sort((a, b) => b.score - a.score || a.row - b.row);
      found.length = top;
      worst = found[top - 1]?.score ?? -Infinity;
    }
  }
  found.sort((a, b) => b.score - a.score || a.row - b.row);
  return { flags: found.slice(0, top), found: count };
}

function rowText(rows: readonly Row[] | null, column: string | null, i: number): string | undefined {
  if (!rows || !column) return undefined;
  const v = rows[i]?.[column];
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/** The flags the page lists (capped) and how many qualified per kind over all rows. */
export function collectFlags(f: FlagInputs): {
  flags: ReportFlag[];
  found: Partial<Record<FlagKind, number>>;
  foundPerLF?: Record<string, number>;
  notes: string[];
} {
  const { L, probs, gold, maxFlags } = f;
  if (!Number.isInteger(maxFlags) || maxFlags < 0) throw new ConfigError(`maxFlags must be a non-negative integer, got ${maxFlags}`);
  const kinds: DisagreementKind[] = DISAGREEMENT_KINDS.filter((x) => x !== 'label-error' || gold);
  const withEnd = f.endModelProbs !== null || f.endModelFlags !== null;
  const { top, topPerLF } = flagBudget(kinds.length + (withEnd ? 1 : 0), L.m, maxFlags);
  const report = disagreements(L, probs, { gold: gold ?? undefined, kinds, top, topPerLF });
  const k = L.k;
  const endOf = (i: number) => {
    if (!f.endModelProbs) return {};
    const e = f.endTop![i];
    return { endProbs: Array.from(f.endModelProbs.subarray(i * k, i * k + k)), endPredicted: e < 0 ? null : L.labels[e] };
  };
  const flags: ReportFlag[] = report.flags.map((d) => ({ ...d, ...endOf(d.row), text: rowText(f.rows, f.textColumn, d.row) }));
  const found: Partial<Record<FlagKind, number>> = {};
  if (report.found['label-error'] !== undefined) found['label-error'] = report.found['label-error'];
  if (report.found['lf-conflict'] !== undefined) found['lf-conflict'] = report.found['lf-conflict'];
  const perLF = report.found['lf-mistake'];
  if (perLF) found['lf-mistake'] = Object.values(perLF).reduce((s, x) => s + x, 0);

  if (withEnd) {
    let endFlags: readonly EndModelFlag[];
    if (f.endModelFlags) {
      endFlags = [...f.endModelFlags].sort((a, b) => b.score - a.score || a.row - b.row);
      for (const x of endFlags)
        if (!Number.isInteger(x.row) || x.row < 0 || x.row >= L.n)
          throw new ConfigError(`end-model flags: row ${x.row} is outside the label matrix's ${L.n} rows`);
      found['end-model'] = endFlags.length;
      endFlags = endFlags.slice(0, top);
    } else {
      const r = endModelContradictions(L, f.endModelProbs!, f.endTop!, f.lmTop, gold, top);
      endFlags = r.flags;
      found['end-model'] = r.found;
    }
    endFlags.forEach((x, r) => {
      const votes: Record<string, string> = {};
      for (let j = 0; j < L.m; j++) {
        const v = L.votes[x.row * L.m + j];
        if (v >= 0) votes[L.lfNames[j]] = L.labels[v];
      }
      const lm = f.lmTop[x.row];
      flags.push({
        kind: 'end-model',
        rank: r + 1,
        row: x.row,
        score: x.score,
        reason: x.reason,
        votes,
        probs: Array.from(probs.subarray(x.row * k, x.row * k + k)),
        predicted: lm < 0 ? null : L.labels[lm],
        ...(gold ? { given: gold[x.row] >= 0 ? L.labels[gold[x.row]] : null } : {}),
        ...endOf(x.row),
        ...(x.predicted !== undefined ? { endPredicted: x.predicted } : {}),
        text: rowText(f.rows, f.textColumn, x.row),
      });
    });
  }
  return { flags, found, ...(perLF ? { foundPerLF: perLF } : {}), notes: report.notes };
}
