/** A ranked candidate: higher score first, then higher tie-break key, then lower row index (deterministic). */
export interface Ranked {
  row: number;
  score: number;
  tie: number;
}

function better(x: Ranked, y: Ranked): boolean {
  if (x.score !== y.score) return x.score > y.score;
  if (x.tie !== y.tie) return x.tie > y.tie;
  return x.row < y.row;
}

/**
 * Keeps the best `cap` candidates seen so far in a min-heap (root = worst kept), so ranking a million rows costs
 * O(n log cap) time and O(cap) memory instead of sorting every candidate.
 */
export class TopK<T extends Ranked> {
  private readonly heap: T[] = [];
  constructor(private readonly cap: number) {}

  /** Would a candidate with these keys be kept? Lets callers skip building objects that would be dropped. */
  admits(row: number, score: number, tie: number): boolean {
    if (this.heap.length < this.cap) return true;
    // cap 0 (count only, e.g. top: 0) keeps nothing: there is no worst kept item to compare with.
    return this.cap > 0 && better({ row, score, tie }, this.heap[0]);
  }

  offer(item: T): void {
    const h = this.heap;
    if (h.length < this.cap) {
      h.push(item);
      this.siftUp(h.length - 1);
    } else if (this.cap > 0 && better(item, h[0])) {
      h[0] = item;
      this.siftDown(0);
    }
  }

  /** Kept candidates, best first. */
  sorted(): T[] {
    return [...this.heap].sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0));
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(h[parent], h[i])) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && better(h[worst], h[l])) worst = l;
      if (r < h.length && better(h[worst], h[r])) worst = r;
      if (worst === i) return;
      [h[worst], h[i]] = [h[i], h[worst]];
      i = worst;
    }
  }
}
