;; The statistics pass of OverlapStats for sparse matrices (see overlap-kernel.ts): decodes rows of a row-major Int8
;; label matrix (-1 = abstain) into compressed rows (code = j·k + class) and counts each row's co-vote pairs (upper
;; triangle, a ≤ b) into 16-bit counts, in one pass. WebAssembly because it runs compiled from its first row; the same
;; loops in JavaScript spend their first ~30k rows unoptimised in a fresh process.
(module
  (memory (export "memory") 1)
  ;; Rows without votes seen by the last decodeCount call.
  (global $uncovered (export "uncovered") (mut i32) (i32.const 0))

  ;; Rows [from, to) of the votes, m bytes a row, row `base` at byte 0. Row i's codes go to codes[rowStart[i] ..] (i32 arrays at
  ;; byte offsets rowStart / codes; the first row starts at index c). cap: the codes' capacity; before each row there
  ;; must be room for m codes (stores run ahead of the count). counts: d × d u16 at byte offset counts.
  ;; Returns the codes' end after row `to`, or -(i + 1) when row i does not fit (rowStart[i] written; grow, call again
  ;; from i).
  (func (export "decodeCount")
    (param $m i32) (param $k i32) (param $d i32) (param $base i32) (param $from i32) (param $to i32)
    (param $rowStart i32) (param $codes i32) (param $cap i32) (param $counts i32) (param $c i32)
    (result i32)
    (local $i i32) (local $p i32) (local $end i32) (local $j i32) (local $v i32) (local $c0 i32)
    (local $s i32) (local $t i32) (local $row i32) (local $addr i32) (local $w i64) (local $lo i32) (local $hi i32) (local $jk i32)
    (global.set $uncovered (i32.const 0))
    (local.set $i (local.get $from))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        ;; rowStart[i] = c
        (i32.store (i32.add (local.get $rowStart) (i32.shl (local.get $i) (i32.const 2))) (local.get $c))
        (if (i32.gt_u (i32.add (local.get $c) (local.get $m)) (local.get $cap))
          (then (return (i32.sub (i32.const -1) (local.get $i)))))
        (local.set $c0 (local.get $c))
        (local.set $p (i32.mul (i32.sub (local.get $i) (local.get $base)) (local.get $m)))
        (local.set $end (i32.add (local.get $p) (local.get $m)))
        (local.set $j (i32.const 0))
        ;; Eight LFs at a time: an all-abstain word (-1) is skipped; otherwise each byte (low first, sign-extended) is
        ;; stored and c advances only for a vote (no branch per LF).
        (block $words_done
          (loop $words
            (br_if $words_done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
            (local.set $w (i64.load (local.get $p)))
            (if (i64.ne (local.get $w) (i64.const -1))
              (then
                (local.set $lo (i32.wrap_i64 (local.get $w)))
                (local.set $hi (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 32))))
                (local.set $jk (i32.mul (local.get $j) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $lo) (i32.const 24)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $lo) (i32.const 16)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $lo) (i32.const 8)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (local.get $lo) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $hi) (i32.const 24)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $hi) (i32.const 16)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (i32.shl (local.get $hi) (i32.const 8)) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
                (local.set $jk (i32.add (local.get $jk) (local.get $k)))
                (local.set $v (i32.shr_s (local.get $hi) (i32.const 24)))
                (i32.store (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2))) (i32.add (local.get $jk) (local.get $v)))
                (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $words)))
        ;; The row's last m mod 8 LFs.
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (i32.load8_s (local.get $p)))
            (i32.store
              (i32.add (local.get $codes) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $v)))
            (local.set $c (i32.add (local.get $c) (i32.xor (i32.shr_u (local.get $v) (i32.const 31)) (i32.const 1))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail)))
        (if (i32.eq (local.get $c) (local.get $c0))
          (then (global.set $uncovered (i32.add (global.get $uncovered) (i32.const 1)))))
        ;; Pairs s ≤ t of this row's codes (increasing, so a ≤ b): counts[a·d + b] += 1.
        (local.set $s (local.get $c0))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_u (local.get $s) (local.get $c)))
            (local.set $row (i32.mul (i32.load (i32.add (local.get $codes) (i32.shl (local.get $s) (i32.const 2)))) (local.get $d)))
            (local.set $t (local.get $s))
            (loop $inner
              (local.set $addr
                (i32.add (local.get $counts)
                  (i32.shl (i32.add (local.get $row) (i32.load (i32.add (local.get $codes) (i32.shl (local.get $t) (i32.const 2)))))
                    (i32.const 1))))
              (i32.store16 (local.get $addr) (i32.add (i32.load16_u (local.get $addr)) (i32.const 1)))
              (local.set $t (i32.add (local.get $t) (i32.const 1)))
              (br_if $inner (i32.lt_u (local.get $t) (local.get $c))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $pairs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (i32.store (i32.add (local.get $rowStart) (i32.shl (local.get $to) (i32.const 2))) (local.get $c))
    (local.get $c))

  ;; Adds the `cells` u16 counts at byte offset counts into the f64 totals at byte offset totals, and zeroes them.
  (func (export "flush") (param $counts i32) (param $totals i32) (param $cells i32)
    (local $x i32)
    (block $done
      (loop $cells_loop
        (br_if $done (i32.ge_u (local.get $x) (local.get $cells)))
        (f64.store
          (i32.add (local.get $totals) (i32.shl (local.get $x) (i32.const 3)))
          (f64.add
            (f64.load (i32.add (local.get $totals) (i32.shl (local.get $x) (i32.const 3))))
            (f64.convert_i32_u (i32.load16_u (i32.add (local.get $counts) (i32.shl (local.get $x) (i32.const 1)))))))
        (i32.store16 (i32.add (local.get $counts) (i32.shl (local.get $x) (i32.const 1))) (i32.const 0))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $cells_loop))))
)
