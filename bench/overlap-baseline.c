/*
 * Plain C baseline for ballot's statistics pass (bench/label-model-speed.ts): the co-vote counts of a label matrix
 * (one-hot augmented, abstains dropped, upper triangle), one row at a time, into a uint32 d x d matrix.
 *   overlap-baseline <votes.bin> <n> <m> <k>     votes.bin: n*m int8, row-major, -1 = abstain
 * Prints "<seconds of the counting loop> <sum of all counts>" (the sum is checked against ballot's).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s votes.bin n m k\n", argv[0]); return 2; }
  long n = atol(argv[2]), m = atol(argv[3]), k = atol(argv[4]), d = m * k;
  int8_t *votes = malloc((size_t)n * m);
  uint32_t *counts = calloc((size_t)d * d, sizeof(uint32_t));
  int32_t *codes = malloc(sizeof(int32_t) * m);
  FILE *f = fopen(argv[1], "rb");
  if (!votes || !counts || !codes || !f || fread(votes, 1, (size_t)n * m, f) != (size_t)(n * m)) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  fclose(f);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++) {
    const int8_t *row = votes + i * m;
    int c = 0;
    for (long j = 0; j < m; j++) if (row[j] >= 0) codes[c++] = (int32_t)(j * k + row[j]);
    for (int s = 0; s < c; s++) {
      uint32_t *line = counts + (size_t)codes[s] * d;
      for (int t = s; t < c; t++) line[codes[t]]++;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double sum = 0;
  for (long x = 0; x < d * d; x++) sum += counts[x];
  printf("%.6f %.0f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, sum);
  return 0;
}
