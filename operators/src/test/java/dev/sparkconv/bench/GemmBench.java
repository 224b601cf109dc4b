package dev.sparkconv.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.sparkconv.kernel.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Square SGEMM throughput of sparkconv's {@link Gemm} against two peers run in the same JVM on the
 * same seeded data: a naive i-k-j loop and netlib's pure-Java BLAS. Not a test; run it with
 * {@code scripts/bench gemm [--sizes 256,512,1024] [--threads 1] [--reps 5]}.
 *
 * <p>Each rep repeats the call until it has run at least {@value #MIN_REP_SECONDS} s; the best
 * rep is reported. With several threads, C's columns are split across a fixed pool, one Gemm per
 * thread (each owns its workspaces).
 */
public final class GemmBench {

  private static final double MIN_REP_SECONDS = 0.1;
  private static final double WARMUP_SECONDS = 1.0;

  public static void main(String[] args) throws Exception {
    int[] sizes = {256, 512, 1024};
    int threads = 1;
    int reps = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = parseSizes(value(args, ++i, "--sizes"));
        case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
        case "--reps" -> reps = Integer.parseInt(value(args, ++i, "--reps"));
        default -> throw new IllegalArgumentException(
            "unknown argument '" + args[i] + "'; expected --sizes a,b,c --threads N --reps N");
      }
    }
    if (threads < 1 || reps < 1) {
      throw new IllegalArgumentException("--threads and --reps must be >= 1");
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Gemm[] gemms = new Gemm[threads];
      for (int t = 0; t < threads; t++) {
        gemms[t] = new Gemm();
      }
      BLAS netlib = JavaBLAS.getInstance();
      System.err.println("# sparkconv kernel: " + gemms[0].kernel().describe()
          + "; netlib-java: " + netlib.getClass().getSimpleName());
      for (int n : sizes) {
        run(n, threads, reps, pool, gemms, netlib);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void run(int n, int threads, int reps, ExecutorService pool, Gemm[] gemms,
      BLAS netlib) throws Exception {
    SplittableRandom rnd = new SplittableRandom(42 + n);
    float[] a = random(rnd, n * n);
    float[] b = random(rnd, n * n);
    float[] cOurs = new float[n * n];
    float[] cNaive = new float[n * n];
    float[] cNetlib = new float[n * n];
    double flops = 2.0 * n * n * n;

    double ours = flops / best(reps, () -> split(pool, threads, n, (t, j0, j1) ->
        gemms[t].sgemm(false, false, n, j1 - j0, n, 1f, a, 0, n, b, j0, n, 0f, cOurs, j0, n))) / 1e9;
    double naive = flops / best(n >= 1024 ? Math.min(reps, 2) : reps,
        () -> split(pool, threads, n, (t, i0, i1) -> naive(n, a, b, cNaive, i0, i1))) / 1e9;
    // Column-major peer: row-major C = A*B is column-major C^T = B^T * A^T; a column split of C
    // is a row split of C^T.
    double net = flops / best(reps, () -> split(pool, threads, n, (t, j0, j1) ->
        netlib.sgemm("N", "N", j1 - j0, n, n, 1f, b, j0, n, a, 0, n, 0f, cNetlib, j0, n))) / 1e9;

    checkClose("naive", cNaive, cOurs, n);
    checkClose("netlib-java", cNetlib, cOurs, n);
    System.out.printf("gemm n=%d threads=%d sparkconv=%.1f GFLOPS naive=%.1f GFLOPS ratio=%.2f"
            + " netlib-java=%.1f GFLOPS ratio_netlib=%.2f%n",
        n, threads, ours, naive, ours / naive, net, ours / net);
  }

  /** i-k-j triple loop over rows [i0, i1): the simple loop C2 auto-vectorizes. */
  private static void naive(int n, float[] a, float[] b, float[] c, int i0, int i1) {
    for (int i = i0; i < i1; i++) {
      int ci = i * n;
      Arrays.fill(c, ci, ci + n, 0f);
      for (int p = 0; p < n; p++) {
        float aip = a[i * n + p];
        int bp = p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += aip * b[bp + j];
        }
      }
    }
  }

  interface Slice {
    void run(int thread, int from, int to);
  }

  /** Runs [0, n) split into equal contiguous slices (multiples of 32 where possible). */
  private static void split(ExecutorService pool, int threads, int n, Slice slice) {
    if (threads == 1) {
      slice.run(0, 0, n);
      return;
    }
    int chunk = ((n + threads - 1) / threads + 31) / 32 * 32;
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int from = Math.min(n, t * chunk);
      int to = Math.min(n, from + chunk);
      int thread = t;
      if (from < to) {
        futures.add(pool.submit(() -> slice.run(thread, from, to)));
      }
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Best seconds per call over reps. Warms up for WARMUP_SECONDS (at least 3 calls) so the JIT
   * has compiled the hot loops, then sizes each rep from one post-warm-up call.
   */
  private static double best(int reps, Runnable op) {
    long start = System.nanoTime();
    for (int calls = 0; calls < 3 || System.nanoTime() - start < WARMUP_SECONDS * 1e9; calls++) {
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

  private static void checkClose(String peer, float[] expected, float[] actual, int n) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i])));
    }
    if (!(worst <= 1e-5 * n)) {
      throw new IllegalStateException(
          "sparkconv differs from " + peer + " at n=" + n + ": max rel error " + worst);
    }
  }

  private static float[] random(SplittableRandom rnd, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  private static int[] parseSizes(String csv) {
    String[] parts = csv.split(",");
    int[] sizes = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      sizes[i] = Integer.parseInt(parts[i].trim());
    }
    return sizes;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
