package dev.sparkconv.bench;

/** The benchmarks' clock: warm-up, then the best of several timed reps. */
final class Timing {

  static final double MIN_REP_SECONDS = 0.1;
  static final double WARMUP_SECONDS = 2.0;

  private Timing() {}

  /**
   * Best seconds per call over reps. Warms up for {@code warmupSeconds} (at least 3 calls) so the
   * JIT has compiled the hot loops, then sizes each rep (at least {@value #MIN_REP_SECONDS} s) from
   * one post-warm-up call.
   */
  static double best(int reps, double warmupSeconds, Runnable op) {
    long start = System.nanoTime();
    for (int calls = 0; calls < 3 || System.nanoTime() - start < warmupSeconds * 1e9; calls++) {
      op.run();
    }
    long t = System.nanoTime();
    op.run();
    double perCall = (System.nanoTime() - t) / 1e9;
    int inner = (int) Math.max(1, Math.ceil(MIN_REP_SECONDS / perCall));
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < inner; i++) {
        op.run();
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9 / inner);
    }
    return best;
  }
}
