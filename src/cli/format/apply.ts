import type { ApplyFileReport } from '../../project/apply-file.js';
import type { DistributedApplyReport } from '../../project/distributed/coordinator.js';

/** The human-readable apply report: what ran, what came from the cache and why, errors per LF. */
export function formatApplyReport(r: ApplyFileReport): string {
  const lines: string[] = [];
  const how = r.applied.length === 0 ? 'all from the cache' : r.workers > 1 ? `on ${r.workers} workers` : 'in one thread';
  lines.push(`${r.rows.toLocaleString('en-US')} rows × ${r.lfs.length} LFs → ${r.out} in ${r.seconds.toFixed(2)} s (${how})`);
  if (r.applied.length === r.lfs.length && r.cached.length === 0) {
    const reasons = [...new Set(r.lfs.map((l) => l.reason))];
    lines.push(`applied all ${r.lfs.length} LFs (${reasons.length === 1 ? reasons[0] : 'new or changed'})`);
    for (const l of r.lfs.filter((x) => x.reason.startsWith('not cacheable'))) lines.push(`  ${l.name} (${l.location}): ${l.reason}`);
  } else {
    lines.push(`applied ${r.applied.length}, cached ${r.cached.length}`);
    for (const l of r.lfs) if (l.status === 'applied') lines.push(`  applied ${l.name} (${l.location}): ${l.reason}`);
  }
  const errs = r.lfs.filter((l) => l.errors > 0);
  for (const l of errs) lines.push(`  ${l.name}: threw on ${l.errors.toLocaleString('en-US')} rows (recorded as abstain)`);
  if (r.applied.length && r.applySeconds >= 0.5)
    lines.push(
      `${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s (${Math.round((r.rowsPerSecond * r.applied.length) / 1000).toLocaleString('en-US')}k LF evaluations/s)`,
    );
  return `${lines.join('\n')}\n`;
}

/** The line `ballot apply --queue` prints: rows, LFs, outputs and shards. */
export function formatDistributedApply(r: DistributedApplyReport): string {
  return `${r.rows.toLocaleString('en-US')} rows × ${r.lfs.length} LFs → ${r.out ?? '(no matrix)'} (+ statistics ${r.stats}) in ${r.seconds.toFixed(2)} s: ${r.shards} shards, ${r.reusedShards} from the store\n`;
}
