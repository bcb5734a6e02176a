import { ConfigError } from '../util/errors.js';
import type { DriftCheck, DriftReport } from './drift.js';

/**
 * CI gating on a drift report. A condition is `<measure><op><number>` with measure psi, p (Holm-adjusted), effect
 * or d (the check's effect size), op one of > >= < <=; optionally scoped to check names with a prefix,
 * `lf:*psi>0.2` or `tokens:CONTENT psi>0.1`. The word `drift` means "any significant check". Several conditions,
 * comma-separated, fail when any one holds. A psi / effect condition only counts significant checks, so noise on a
 * small sample cannot fail a build.
 */
export interface DriftCondition {
  text: string;
  scope?: string;
  measure: 'psi' | 'p' | 'effect' | 'drift';
  op: '>' | '>=' | '<' | '<=';
  value: number;
}

const COND_RE = /^(?:(.+?)\s+|(.+?\*)\s*)?(psi|p|effect|d)\s*(>=|<=|>|<)\s*([0-9.eE+-]+)$/;

/** Parses a comma-separated fail-on condition list; an unknown form is a ConfigError showing the accepted ones. */
export function parseDriftConditions(text: string): DriftCondition[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new ConfigError('fail-on condition is empty; write e.g. psi>0.2');
  return parts.map((part) => {
    if (part === 'drift') return { text: part, measure: 'drift', op: '>', value: 0 };
    const m = COND_RE.exec(part);
    const value = m ? Number(m[5]) : NaN;
    if (!m || !Number.isFinite(value)) {
      throw new ConfigError(
        `fail-on condition ${JSON.stringify(part)} is not understood; write psi>0.2, p<0.001, effect>0.1, drift, or scope one with a check-name prefix (lf:* psi>0.2)`,
      );
    }
    const scope = (m[1] ?? m[2])?.replace(/\*$/, '');
    return {
      text: part,
      ...(scope ? { scope } : {}),
      measure: m[3] === 'd' ? 'effect' : (m[3] as DriftCondition['measure']),
      op: m[4] as DriftCondition['op'],
      value,
    };
  });
}

/** The checks that trip each condition (empty list = the gate passes). */
export function evaluateDriftGate(report: DriftReport, conditions: readonly DriftCondition[]): { condition: string; checks: string[] }[] {
  const cmp = (x: number, op: DriftCondition['op'], v: number) => (op === '>' ? x > v : op === '>=' ? x >= v : op === '<' ? x < v : x <= v);
  const measure = (c: DriftCheck, m: DriftCondition['measure']) => (m === 'psi' ? c.psi : m === 'p' ? c.pAdjusted : c.effect.value);
  const out: { condition: string; checks: string[] }[] = [];
  for (const cond of conditions) {
    const hits = report.checks.filter((c) => {
      if (cond.scope && !c.name.startsWith(cond.scope)) return false;
      if (cond.measure === 'drift') return c.significant;
      return cond.measure === 'p' ? cmp(c.pAdjusted, cond.op, cond.value) : c.significant && cmp(measure(c, cond.measure), cond.op, cond.value);
    });
    if (hits.length) out.push({ condition: cond.text, checks: hits.map((c) => c.name) });
  }
  return out;
}
