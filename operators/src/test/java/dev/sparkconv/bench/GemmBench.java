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
 * same seeded data: a naive i-k-j loop and netlib's pure-Java BLAS (dev.ludovic.netlib). Not a
 * test; run it with {@code scripts/bench gemm [--sizes 256,512,1024] [--threads 1] [--reps 5]}.
 *
 * <p>Each implementation warms up for {@value #WARMUP_SECONDS} s per size, then each of the reps
 * repeats the call for at least {@value #MIN_REP_SECONDS} s; the best rep is reported. With
 * several threads, C's columns (the naive loop: rows) are split across a fixed pool, one Gemm per
 * thread (each owns its workspaces). Results are checked against both peers.
 */
public final class GemmBench {

  private static final double MIN_REP_SECONDS = 0.1;
  private static final double WARMUP_SECONDS = 2.0;

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
    final int nThreads = threads;
    ExecutorService pool = Executors.newFixedThreadPool(nThreads);
    try {
      Gemm[] gemms = new Gemm[nThreads];
      for (int t = 0; t < nThreads; t++) {
        gemms[t] = new Gemm();
      }
      BLAS netlib = JavaBLAS.getInstance();
      System.err.println("# sparkconv kernel: " + gemms[0].kernel().describe()
          + "; netlib-java: " + netlib.getClass().getSimpleName());
      // One implementation at a time over all sizes: sparkconv first, then the peers. Vector API
      // code of another species in the same JVM (netlib's VectorBLAS uses SPECIES_MAX) pollutes
      // the JIT profiles of the shared Vector API methods, and JDK 17 C2 may then box the
      // accumulators of a kernel it recompiles afterwards (see VectorMicroKernel).
      Problem[] problems = new Problem[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        Problem p = problems[s] = new Problem(sizes[s]);
        p.ours = p.gflops(reps, () -> split(pool, nThreads, p.n, (t, j0, j1) -> gemms[t].sgemm(
            false, false, p.n, j1 - j0, p.n, 1f, p.a, 0, p.n, p.b, j0, p.n, 0f, p.cOurs, j0, p.n)));
      }
      for (Problem p : problems) {
        p.naive = p.gflops(p.n >= 1024 ? Math.min(reps, 2) : reps, () -> split(pool, nThreads, p.n,
            (t, i0, i1) -> naive(p.n, p.a, p.b, p.cNaive, i0, i1)));
      }
      for (Problem p : problems) {
        // Column-major peer: row-major C = A*B is column-major C^T = B^T * A^T; a column split
        // of C is a row split of C^T.
        p.netlib = p.gflops(reps, () -> split(pool, nThreads, p.n, (t, j0, j1) -> netlib.sgemm(
            "N", "N", j1 - j0, p.n, p.n, 1f, p.b, j0, p.n, p.a, 0, p.n, 0f, p.cNetlib, j0, p.n)));
      }
      for (Problem p : problems) {
        checkClose("naive", p.cNaive, p.cOurs, p.n);
        checkClose("netlib-java", p.cNetlib, p.cOurs, p.n);
        System.out.printf("gemm n=%d threads=%d sparkconv=%.1f GFLOPS naive=%.1f GFLOPS"
                + " ratio=%.2f netlib-java=%.1f GFLOPS ratio_netlib=%.2f%n",
            p.n, nThreads, p.ours, p.naive, p.ours / p.naive, p.netlib, p.ours / p.netlib);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One square size: seeded inputs, one output per implementation, measured GFLOPS. */
  private static final class Problem {
    final int n;
    final float[] a;
    final float[] b;
    final float[] cOurs;
    final float[] cNaive;
    final float[] cNetlib;
    double ours;
    double naive;
    double netlib;

    Problem(int n) {
      this.n = n;
      SplittableRandom rnd = new SplittableRandom(42 + n);
      a = random(rnd, n * n);
      b = random(rnd, n * n);
      cOurs = new float[n * n];
      cNaive = new float[n * n];
      cNetlib = new float[n * n];
    }

    double gflops(int reps, Runnable op) {
      return 2.0 * n * n * n / best(reps, op) / 1e9;
    }
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
