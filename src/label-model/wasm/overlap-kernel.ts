import type { LabelMatrix } from '../../matrix/label-matrix.js';
import type { SparseVotes } from '../../matrix/sparse-votes.js';
import { OVERLAP_KERNEL_BASE64 } from './overlap-kernel-bytes.js';

// The WebAssembly statistics pass (overlap-kernel.wat): one pass over a sparse matrix's votes that builds its
// compressed rows and counts its co-vote pairs. In a fresh process the JavaScript loops spend their first ~30k rows
// unoptimised; the module is compiled before its first row (at 100k × 100 × 2 the pass went ~75 → ~25 ms cold).

interface KernelExports {
  memory: WebAssembly.Memory;
  uncovered: WebAssembly.Global;
  decodeCount(
    m: number,
    k: number,
    d: number,
    base: number,
    from: number,
    to: number,
    rowStart: number,
    codes: number,
    cap: number,
    counts: number,
    c: number,
  ): number;
  flush(counts: number, totals: number, cells: number): void;
}

let compiled: WebAssembly.Module | undefined;

const PAGE = 65536;
/** Byte offsets passed to the module are i32: its whole layout must stay below 2 GiB. */
const MAX_BYTES = 2 ** 31 - PAGE;
/**
 * Rows per call. Small enough that the engine's optimising tier, which replaces the baseline code between calls (not
 * within one), takes over after the first few; a 16-bit count gains at most 1 per row, so the counts are flushed
 * every FLUSH_ROWS rows.
 */
const CHUNK_ROWS = 2048;
const FLUSH_ROWS = 32 * CHUNK_ROWS;

const align8 = (x: number) => Math.ceil(x / 8) * 8;

/** Bytes the kernel's memory needs for L with `share` of its cells voting (codes sized from the share). */
function layout(L: LabelMatrix, share: number) {
  const { n, m, k } = L;
  const d = m * k;
  // The votes go in CHUNK_ROWS rows at a time to the same bytes (their pages are touched once, not n·m bytes' worth).
  const rowStart = align8(CHUNK_ROWS * m);
  const counts = align8(rowStart + 4 * (n + 1));
  const totals = align8(counts + 2 * d * d);
  const codes = totals + 8 * d * d;
  const cap = Math.min(n * m, Math.ceil(share * n * m * 1.05)) + m;
  return { d, rowStart, counts, totals, codes, cap, bytes: codes + 4 * cap };
}

/** Whether the kernel can take L (its layout fits in the module's 32-bit offsets). */
export function kernelFits(L: LabelMatrix, share: number): boolean {
  return layout(L, share).bytes <= MAX_BYTES;
}

/**
 * L's compressed rows, with its co-vote counts (upper triangle, a ≤ b) added into `counts` (d × d Float64) and the
 * number of rows without votes. `share` is the estimated share of voting cells (it sizes the codes; they grow if it
 * was low); `empty` promises `counts` is all 0 (they are then copied in, not added). The same codes and counts as the
 * JavaScript passes, exactly. Null, with `counts` untouched, when the votes outgrow the module's 32-bit memory (the
 * share estimate was far too low); the caller then takes the JavaScript pass.
 */
export function decodeAndCount(
  L: LabelMatrix,
  share: number,
  counts: Float64Array,
  empty = false,
): { sparse: SparseVotes; uncovered: number } | null {
  const { n, m, k, votes } = L;
  const plan = layout(L, share);
  const { d } = plan;
  compiled ??= new WebAssembly.Module(Buffer.from(OVERLAP_KERNEL_BASE64, 'base64'));
  // An instance (and its memory) per matrix: dropped afterwards, so its pages go back when it is collected.
  const kernel = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
  const { memory } = kernel;
  const grow = (bytes: number) => {
    const need = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
  };
  grow(plan.bytes);
  let cap = plan.cap;
  let c = 0;
  let uncovered = 0;
  let flushed = 0;
  for (let from = 0; from < n; ) {
    const to = Math.min(n, from + CHUNK_ROWS);
    new Int8Array(memory.buffer, 0, (to - from) * m).set(votes.subarray(from * m, to * m));
    const r = kernel.decodeCount(m, k, d, from, from, to, plan.rowStart, plan.codes, cap, plan.counts, c);
    uncovered += kernel.uncovered.value as number;
    if (r < 0) {
      // Row -(r + 1) did not fit: more room for the codes (the share estimate was low), then on from that row.
      from = -(r + 1);
      c = new Int32Array(memory.buffer, plan.rowStart, n + 1)[from];
      cap = Math.max(2 * cap, c + m);
      if (plan.codes + 4 * cap > MAX_BYTES) cap = Math.floor((MAX_BYTES - plan.codes) / 4);
      if (c + m > cap) return null; // more votes than the module's 32-bit memory holds: nothing was added to `counts`
      grow(plan.codes + 4 * cap);
    } else c = r;
    const done = r >= 0 ? to : from;
    // Flush the 16-bit counts before they could overflow, after a regrow (the rows done so far) and at the end.
    if (r < 0 || done - flushed >= FLUSH_ROWS - CHUNK_ROWS || done === n) {
      kernel.flush(plan.counts, plan.totals, d * d);
      flushed = done;
    }
    from = done;
  }
  const totals = new Float64Array(memory.buffer, plan.totals, d * d);
  if (empty) counts.set(totals);
  else for (let x = 0; x < totals.length; x++) counts[x] += totals[x];
  // Views, not copies, when the rest of the memory (votes chunk, counts, unused capacity) is small beside them: this
  // instance is done and its memory never grows again, so they stay valid, and the buffer lives as long as the matrix
  // keeps its compressed rows. Otherwise copies, so that rest is not kept.
  const kept = 4 * (n + 1 + c);
  const view = memory.buffer.byteLength <= 1.25 * kept;
  const rowStart = new Int32Array(memory.buffer, plan.rowStart, n + 1);
  const code = new Int32Array(memory.buffer, plan.codes, c);
  return { sparse: view ? { n, rowStart, code } : { n, rowStart: rowStart.slice(), code: code.slice() }, uncovered };
}
