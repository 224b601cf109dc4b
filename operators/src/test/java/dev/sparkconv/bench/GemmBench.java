package dev.sparkconv.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.sparkconv.kernel.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SGEMM throughput of sparkconv's {@link Gemm} against three peers run in the same JVM on the
 * same seeded data: OpenBLAS through dev.ludovic.netlib's native (JNI) path, netlib's pure-Java
 * BLAS and a naive i-k-j loop. Square sizes ({@code --sizes}) and M x K x N shapes
 * ({@code --shapes 64x576x3136,...}, or {@code resnet18} for the four ResNet-18 GEMMs: each 3x3
 * stage's im2col GEMM at batch 1; {@code mobilenetv2} for five of MobileNetV2's 1x1 expand layers, K = 16 to 160). Not a test; run it with
 * {@code scripts/bench gemm [--sizes 256,512,1024] [--shapes resnet18] [--threads 1] [--reps 5]},
 * which also pins and reports OpenBLAS's threads and core type.
 *
 * <p>Each implementation warms up for {@value Timing#WARMUP_SECONDS} s per size, then each of the reps
 * repeats the call for at least {@value Timing#MIN_REP_SECONDS} s; the best rep is reported. With
 * several threads, C's columns (the naive loop: rows) are split across a fixed pool, one Gemm per
 * thread (each owns its workspaces); OpenBLAS gets the whole call and runs its own threads
 * (OPENBLAS_NUM_THREADS, set by the script). Results are checked against every peer.
 */
public final class GemmBench {

  public static void main(String[] args) throws Exception {
    int[] sizes = null;
    List<int[]> shapes = new ArrayList<>();
    int threads = 1;
    int reps = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes" -> sizes = parseSizes(value(args, ++i, "--sizes"));
        case "--shapes" -> shapes.addAll(parseShapes(value(args, ++i, "--shapes")));
        case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
        case "--reps" -> reps = Integer.parseInt(value(args, ++i, "--reps"));
        default -> throw new IllegalArgumentException("unknown argument '" + args[i]
            + "'; expected --sizes a,b,c --shapes MxKxN,...|resnet18|mobilenetv2 --threads N --reps N");
      }
    }
    if (sizes == null) {
      sizes = shapes.isEmpty() ? new int[] {256, 512, 1024} : new int[0];
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
      BLAS openblas = nativeBlas();
      System.err.println("# sparkconv kernel: " + gemms[0].kernel().describe()
          + "; netlib-java: " + netlib.getClass().getSimpleName() + "; openblas: "
          + (openblas == null ? "not available" : "NativeBLAS ("
          + System.getProperty("dev.ludovic.netlib.blas.nativeLibPath", "libblas.so.3")
          + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS") + ")"));
      // One Java implementation at a time over all sizes: sparkconv first, then the Java peers.
      // Vector API code of another species in the same JVM (netlib's VectorBLAS uses SPECIES_MAX)
      // pollutes the JIT profiles of the shared Vector API methods, and JDK 17 C2 may then box the
      // accumulators of a kernel it recompiles afterwards (see VectorMicroKernel).
      List<Problem> problems = new ArrayList<>();
      for (int n : sizes) {
        problems.add(new Problem(n, n, n, true));
      }
      for (int[] mkn : shapes) {
        problems.add(new Problem(mkn[0], mkn[1], mkn[2], false));
      }
      // sparkconv and OpenBLAS (native: no JIT profile to pollute) with their reps interleaved.
      for (Problem p : problems) {
        Runnable ours = () -> split(pool, nThreads, p.n, (t, j0, j1) -> gemms[t].sgemm(
            false, false, p.m, j1 - j0, p.k, 1f, p.a, 0, p.k, p.b, j0, p.n, 0f, p.cOurs, j0, p.n));
        if (openblas == null) {
          p.ours = p.gflops(reps, ours);
        } else {
          double[] seconds = Timing.best(reps, Timing.WARMUP_SECONDS, ours, () -> openblas.sgemm(
              "N", "N", p.n, p.m, p.k, 1f, p.b, 0, p.n, p.a, 0, p.k, 0f, p.cOpenblas, 0, p.n));
          p.ours = p.flops() / seconds[0] / 1e9;
          p.openblas = p.flops() / seconds[1] / 1e9;
        }
      }
      for (Problem p : problems) {
        p.naive = p.gflops(p.flops() >= 2e9 ? Math.min(reps, 2) : reps, () -> split(pool, nThreads,
            p.m, (t, i0, i1) -> naive(p.m, p.k, p.n, p.a, p.b, p.cNaive, i0, i1)));
      }
      for (Problem p : problems) {
        // Column-major peers: row-major C = A*B is column-major C^T = B^T * A^T; a column split
        // of C is a row split of C^T.
        p.netlib = p.gflops(reps, () -> split(pool, nThreads, p.n, (t, j0, j1) -> netlib.sgemm(
            "N", "N", j1 - j0, p.m, p.k, 1f, p.b, j0, p.n, p.a, 0, p.k, 0f, p.cNetlib, j0, p.n)));
      }
      for (Problem p : problems) {
        checkClose("naive", p.cNaive, p.cOurs, p.k);
        checkClose("netlib-java", p.cNetlib, p.cOurs, p.k);
        if (openblas != null) {
          checkClose("openblas", p.cOpenblas, p.cOurs, p.k);
        }
        String openblasPart = openblas == null ? "openblas=n/a ratio=n/a"
            : String.format("openblas=%.1f GFLOPS ratio=%.2f", p.openblas, p.ours / p.openblas);
        System.out.printf("gemm %s threads=%d sparkconv=%.1f GFLOPS %s netlib-java=%.1f GFLOPS"
                + " ratio_netlib=%.2f naive=%.1f GFLOPS ratio_naive=%.2f%n",
            p.label(), nThreads, p.ours, openblasPart, p.netlib, p.ours / p.netlib, p.naive,
            p.ours / p.naive);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One M x K x N problem (row-major A, B, C): seeded inputs, one output per implementation. */
  private static final class Problem {
    final int m;
    final int k;
    final int n;
    final boolean square;
    final float[] a;
    final float[] b;
    final float[] cOurs;
    final float[] cNaive;
    final float[] cNetlib;
    final float[] cOpenblas;
    double ours;
    double naive;
    double netlib;
    double openblas;

    Problem(int m, int k, int n, boolean square) {
      this.m = m;
      this.k = k;
      this.n = n;
      this.square = square;
      SplittableRandom rnd = new SplittableRandom(42 + m * 31L + k * 17L + n);
      a = random(rnd, m * k);
      b = random(rnd, k * n);
      cOurs = new float[m * n];
      cNaive = new float[m * n];
      cNetlib = new float[m * n];
      cOpenblas = new float[m * n];
    }

    double flops() {
      return 2.0 * m * k * n;
    }

    String label() {
      return square ? "n=" + n : "m=" + m + " k=" + k + " n=" + n;
    }

    double gflops(int reps, Runnable op) {
      return flops() / Timing.best(reps, Timing.WARMUP_SECONDS, op) / 1e9;
    }
  }

  /** OpenBLAS (or whatever native BLAS netlib loaded) or null, saying why on stderr. */
  private static BLAS nativeBlas() {
    if ("absent".equals(System.getProperty("sparkconv.bench.openblas"))) {
      return null; // scripts/bench found no OpenBLAS and said so
    }
    try {
      return NativeBLAS.getInstance();
    } catch (Throwable e) {
      System.err.println("# openblas: netlib's NativeBLAS did not load (" + e
          + "); install Debian's libopenblas0 and pass -Ddev.ludovic.netlib.blas.nativeLibPath");
      return null;
    }
  }

  /** i-k-j triple loop over rows [i0, i1): the simple loop C2 auto-vectorizes. */
  private static void naive(int m, int k, int n, float[] a, float[] b, float[] c, int i0,
      int i1) {
    for (int i = i0; i < i1; i++) {
      int ci = i * n;
      Arrays.fill(c, ci, ci + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = a[i * k + p];
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

  private static void checkClose(String peer, float[] expected, float[] actual, int n) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i])));
    }
    if (!(worst <= 1e-5 * n)) {
      throw new IllegalStateException(
          "sparkconv differs from " + peer + " at k=" + n + ": max rel error " + worst);
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

  /** "resnet18", "mobilenetv2" or comma-separated MxKxN triples. */
  private static List<int[]> parseShapes(String csv) {
    List<int[]> shapes = new ArrayList<>();
    for (String part : csv.split(",")) {
      String s = part.trim();
      if (s.equals("resnet18")) {
        // (M, K, N) of ResNet-18's 3x3 stages at batch 1: outC, inC*9, H*W.
        shapes.addAll(List.of(new int[] {64, 576, 3136}, new int[] {128, 1152, 784},
            new int[] {256, 2304, 196}, new int[] {512, 4608, 49}));
        continue;
      }
      if (s.equals("mobilenetv2")) {
        // (M, K, N) of MobileNetV2's 1x1 expand layers at batch 1 (small K): 6 * inC, inC, H*W.
        shapes.addAll(List.of(new int[] {96, 16, 12544}, new int[] {144, 24, 3136}, new int[] {192, 32, 784},
            new int[] {384, 64, 196}, new int[] {960, 160, 49}));
        continue;
      }
      String[] mkn = s.split("x");
      if (mkn.length != 3) {
        throw new IllegalArgumentException("--shapes: expected MxKxN, resnet18 or mobilenetv2, got '" + s + "'");
      }
      shapes.add(new int[] {Integer.parseInt(mkn[0]), Integer.parseInt(mkn[1]),
          Integer.parseInt(mkn[2])});
    }
    return shapes;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
