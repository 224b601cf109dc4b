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
    return best(reps, warmupSeconds, new Runnable[] {op})[0];
  }

  /**
   * Best seconds per call of each op, their reps interleaved (op 0, op 1, ..., op 0, ...) so that a
   * change in machine load during the run hits every op alike and the ratios stay fair. Each op
   * warms up as in {@link #best(int, double, Runnable)}. Only for ops that do not pollute each
   * other's JIT profiles (native peers; see GemmBench).
   */
  static double[] best(int reps, double warmupSeconds, Runnable... ops) {
    int[] inner = new int[ops.length];
    for (int o = 0; o < ops.length; o++) {
      long start = System.nanoTime();
      for (int calls = 0; calls < 3 || System.nanoTime() - start < warmupSeconds * 1e9; calls++) {
        ops[o].run();
      }
      long t = System.nanoTime();
      ops[o].run();
      double perCall = (System.nanoTime() - t) / 1e9;
      inner[o] = (int) Math.max(1, Math.ceil(MIN_REP_SECONDS / perCall));
    }
    double[] best = new double[ops.length];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    for (int r = 0; r < reps; r++) {
      for (int o = 0; o < ops.length; o++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < inner[o]; i++) {
          ops[o].run();
        }
        best[o] = Math.min(best[o], (System.nanoTime() - t0) / 1e9 / inner[o]);
      }
    }
    return best;
  }
}
