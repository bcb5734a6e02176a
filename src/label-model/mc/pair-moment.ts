/**
 * The model's second moment of augmented columns a (class la) and b (class lb) — the chance both fire — from the class
 * prior p_la, p_lb and the columns' firing rates given their class (on) or another class (off), with its partial
 * derivatives by onA, offA, onB, offB written into `d`. Columns of the same class: both fire for it or both for another.
 */
export function pairMoment(same: boolean, pa: number, pb: number, onA: number, offA: number, onB: number, offB: number, d: Float64Array): number {
  if (same) {
    d[0] = pa * onB;
    d[1] = (1 - pa) * offB;
    d[2] = pa * onA;
    d[3] = (1 - pa) * offA;
    return pa * onA * onB + (1 - pa) * offA * offB;
  }
  const rest = 1 - pa - pb;
  d[0] = pa * offB;
  d[1] = pb * onB + rest * offB;
  d[2] = pb * offA;
  d[3] = pa * onA + rest * offA;
  return pa * onA * offB + pb * offA * onB + rest * offA * offB;
}
