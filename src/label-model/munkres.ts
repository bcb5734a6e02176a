/**
 * Hungarian algorithm (Kuhn–Munkres) for the square assignment problem, O(k³) with row/column potentials and
 * shortest augmenting paths. Used to break the label-permutation symmetry of the matrix-completion model, where
 * k ≤ 127 so the cubic cost is nothing; trying all k! permutations (what old Snorkel did) is not an option.
 *
 * `cost` is k × k row-major; returns `assign` with assign[row] = column, minimizing Σ cost[row, assign[row]].
 */
export function minCostAssignment(cost: ArrayLike<number>, k: number): Int32Array {
  if (cost.length !== k * k) throw new RangeError(`assignment: cost has ${cost.length} entries, expected ${k}·${k}`);
  // 1-based arrays: index 0 is the virtual start of each augmenting path.
  const u = new Float64Array(k + 1);
  const v = new Float64Array(k + 1);
  const colOwner = new Int32Array(k + 1); // colOwner[col] = row matched to col (0 = none)
  const way = new Int32Array(k + 1);
  const minv = new Float64Array(k + 1);
  const used = new Uint8Array(k + 1);
  for (let row = 1; row <= k; row++) {
    colOwner[0] = row;
    let col0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const r0 = colOwner[col0];
      let delta = Infinity;
      let col1 = 0;
      for (let col = 1; col <= k; col++) {
        if (used[col]) continue;
        const reduced = cost[(r0 - 1) * k + (col - 1)] - u[r0] - v[col];
        if (reduced < minv[col]) {
          minv[col] = reduced;
          way[col] = col0;
        }
        if (minv[col] < delta) {
          delta = minv[col];
          col1 = col;
        }
      }
      for (let col = 0; col <= k; col++) {
        if (used[col]) {
          u[colOwner[col]] += delta;
          v[col] -= delta;
        } else {
          minv[col] -= delta;
        }
      }
      col0 = col1;
    } while (colOwner[col0] !== 0);
    // Flip the augmenting path.
    do {
      const col1 = way[col0];
      colOwner[col0] = colOwner[col1];
      col0 = col1;
    } while (col0 !== 0);
  }
  const assign = new Int32Array(k);
  for (let col = 1; col <= k; col++) assign[colOwner[col] - 1] = col - 1;
  return assign;
}
