package dev.sparkconv.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Gemm against an independent naive triple loop (double accumulation), for every kernel (six and four rows). */
class GemmTest {

  private static final MicroKernel[] KERNELS = {
      new ScalarMicroKernel(), new VectorMicroKernel(), new VectorMicroKernel4()};

  /** One sgemm call: shape, transposes, scalars, storage layout and blocking. */
  record Case(MicroKernel kernel, int m, int n, int k, boolean transA, boolean transB,
      float alpha, float beta, boolean padded, boolean smallBlocks, boolean packedA) {

    /** Tiny blocks (rounded up to MR/NR multiples by Gemm) so every loop runs several times. */
    Gemm gemm() {
      return smallBlocks
          ? new Gemm(kernel, new BlockSizes(2 * kernel.mr() + 1, 7, 2 * kernel.nr() + 1))
          : new Gemm(kernel);
    }

    @Override
    public String toString() {
      return (kernel instanceof ScalarMicroKernel ? "scalar" : "vector" + kernel.mr())
          + "/m" + m + "/n" + n + "/k" + k + "/" + (transA ? "T" : "N") + (transB ? "T" : "N")
          + "/alpha" + alpha + "/beta" + beta + (padded ? "/padded" : "/tight")
          + (smallBlocks ? "/smallBlocks" : "/defaultBlocks") + (packedA ? "/packedA" + (padded ? "+bias+clamp" : "") : "");
    }
  }

  private static final int[][] SMALL_SHAPES = {
      {1, 1, 1}, {1, 7, 13}, {7, 1, 13}, {13, 13, 1}, {7, 13, 7}, {13, 7, 0}, {0, 5, 3}};
  // With default blocks m crosses MC=192 and k crosses KC=512; small blocks cross all three. N = 48 ends in a
  // half panel of whole MR-row tiles (the vector kernel's computeHalf straight into C). Unpacked, untransposed A
  // with N <= 256 is read in place ({m, n, k} below); the last columns past whole NR tiles (vector kernel, NR = 32)
  // end in: a half tile and one dot column (N = 49, K = 600 in two K blocks, M = 61: one row past whole MR panels),
  // four dot columns (196), eight (40, the most), a half tile through the edge buffer (25 = 16 + 9; 9 = 0 + 9; 13).
  // Untransposed B under one block of A (M <= MC, packed A or N > 256) is read in place: {37, 301, 530} has rows past
  // whole MR panels, columns past whole NR panels (packed) and two K blocks. B stored n x k under 17 rows of A takes
  // four rows of B against four of A and then each of the last m mod 4 ({13, 40, 600}, {16, 11, 37}: none left).
  private static final int[][] LARGE_SHAPES = {
      {255, 257, 13}, {257, 33, 257}, {37, 255, 255}, {200, 71, 300}, {13, 40, 600}, {30, 48, 70},
      {61, 49, 600}, {20, 196, 70}, {13, 40, 30}, {13, 25, 30}, {7, 9, 5}, {37, 301, 530}, {16, 11, 37}};
  private static final float[][] SCALARS = {
      {1f, 0f}, {1f, 1f}, {1f, -0.3f}, {0.5f, 0f}, {0.5f, 1f}, {0.5f, -0.3f}};

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    int rotate = 0;
    for (MicroKernel kernel : KERNELS) {
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 2) != 0;
        boolean transB = (t & 1) != 0;
        for (int[] s : SMALL_SHAPES) {
          for (float[] ab : SCALARS) {
            cases.add(new Case(kernel, s[0], s[1], s[2], transA, transB, ab[0], ab[1],
                (rotate++ & 1) == 0, false, false));
          }
          float[] ab = SCALARS[rotate % SCALARS.length];
          cases.add(new Case(kernel, s[0], s[1], s[2], transA, transB, ab[0], ab[1], true, rotate % 2 == 0, true));
        }
        for (int[] s : LARGE_SHAPES) {
          for (boolean small : new boolean[] {false, true}) {
            float[] ab = SCALARS[rotate++ % SCALARS.length];
            cases.add(new Case(kernel, s[0], s[1], s[2], transA, transB, ab[0], ab[1],
                (rotate & 1) == 0, small, false));
            cases.add(new Case(kernel, s[0], s[1], s[2], transA, transB, ab[0], ab[1],
                (rotate & 1) == 1, small, true));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesNaiveReference(Case tc) {
    SplittableRandom rnd = new SplittableRandom(tc.toString().hashCode());
    int pad = tc.padded() ? 5 : 0;
    int off = tc.padded() ? 3 : 0;
    int aRows = tc.transA() ? tc.k() : tc.m();
    int aCols = tc.transA() ? tc.m() : tc.k();
    int bRows = tc.transB() ? tc.n() : tc.k();
    int bCols = tc.transB() ? tc.k() : tc.n();
    int lda = Math.max(1, aCols + pad);
    int ldb = Math.max(1, bCols + pad);
    int ldc = Math.max(1, tc.n() + pad);
    float[] a = random(rnd, off + aRows * lda + pad);
    float[] b = random(rnd, off + bRows * ldb + pad);
    float[] c = random(rnd, off + tc.m() * ldc + pad);
    if (tc.beta() == 0f) {
      for (int i = 0; i < tc.m(); i++) {
        Arrays.fill(c, off + i * ldc, off + i * ldc + tc.n(), Float.NaN);
      }
    }
    float[] before = c.clone();
    // Packed cases on padded storage also add a row bias (the fused layer bias).
    float[] bias = tc.packedA() && tc.padded() ? random(rnd, off + tc.m() + pad) : null;

    Gemm gemm = tc.gemm();
    if (tc.packedA()) {
      float[] original = a.clone();
      Gemm.PackedA packed = gemm.pack(tc.transA(), tc.m(), tc.k(), a, off, lda);
      Arrays.fill(a, Float.NaN); // the product must read the packed copy only
      gemm.sgemm(packed, tc.transB(), tc.n(), tc.alpha(), b, off, ldb, tc.beta(),
          bias == null ? Epilogue.NONE : Epilogue.of(bias, off, -0.5f, 0.75f), c, off, ldc);
      a = original;
    } else {
      gemm.sgemm(tc.transA(), tc.transB(), tc.m(), tc.n(), tc.k(), tc.alpha(),
          a, off, lda, b, off, ldb, tc.beta(), c, off, ldc);
    }

    for (int x = 0; x < c.length; x++) {
      int i = (x - off) / ldc;
      int j = (x - off) % ldc;
      boolean inside = x >= off && i < tc.m() && j < tc.n();
      if (!inside) {
        assertEquals(before[x], c[x], "element outside C changed at index " + x);
        continue;
      }
      double sum = 0;
      for (int p = 0; p < tc.k(); p++) {
        double av = tc.transA() ? a[off + p * lda + i] : a[off + i * lda + p];
        double bv = tc.transB() ? b[off + j * ldb + p] : b[off + p * ldb + j];
        sum += av * bv;
      }
      double expected = tc.alpha() * sum + (tc.beta() == 0f ? 0 : tc.beta() * before[x])
          + (bias == null ? 0 : bias[off + i]);
      if (bias != null) { // with the bias comes a clamp to [-0.5, 0.75]: a fused activation
        expected = Math.min(Math.max(expected, -0.5), 0.75);
      }
      double tol = 1e-5 * Math.max(1, tc.k()) * (1 + Math.abs(expected));
      if (!(Math.abs(c[x] - expected) <= tol)) { // also catches NaN
        fail("C[" + i + "][" + j + "] = " + c[x] + ", expected " + expected + " +- " + tol);
      }
    }
  }

  static Stream<Arguments> packedBCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] shapes = {{1, 1, 1, 1}, {7, 13, 5, 20}, {13, 40, 30, 40}, {61, 49, 600, 64}, {37, 255, 255, 300},
        {200, 71, 300, 71}, {5, 0, 3, 8}};
    for (MicroKernel kernel : KERNELS) {
      for (int[] s : shapes) {
        cases.add(Arguments.of(kernel, s[0], s[1], s[2], s[3], false));
        cases.add(Arguments.of(kernel, s[0], s[1], s[2], s[3], true));
      }
    }
    return cases.stream();
  }

  /**
   * B written straight into the packed form ({@link Gemm#packedBRow}), {@code n} of its {@code nPitch} columns
   * used; every other float of the buffer is NaN (a producer's scratch may hold anything there), so using one in C
   * fails.
   */
  @ParameterizedTest(name = "{0} m{1} n{2} k{3} pitch{4} small{5}")
  @MethodSource("packedBCases")
  void packedBMatchesNaiveReference(MicroKernel kernel, int m, int n, int k, int nPitch, boolean small) {
    Gemm gemm = small ? new Gemm(kernel, new BlockSizes(2 * kernel.mr() + 1, 7, 2 * kernel.nr() + 1))
        : new Gemm(kernel);
    SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k);
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, k * n);
    int off = 3;
    float[] packed = new float[off + gemm.packedBSize(k, nPitch) + 5];
    Arrays.fill(packed, Float.NaN);
    int nr = kernel.nr();
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) {
        packed[off + gemm.packedBRow(k, nPitch, p) + j / nr * gemm.packedBPanel(k, p) + j % nr] = b[p * n + j];
      }
    }
    int ldc = n + 2;
    float[] c = new float[m * ldc];
    Arrays.fill(c, Float.NaN); // C is written, never read
    float[] bias = small ? random(rnd, m) : null; // with a bias comes a clamp to [-0.5, 0.75], the fused layer
    gemm.sgemmPackedB(gemm.pack(false, m, k, a, 0, k), n, packed, off, nPitch,
        small ? Epilogue.of(bias, 0, -0.5f, 0.75f) : Epilogue.NONE, c, 0, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < ldc; j++) {
        if (j >= n) {
          assertTrue(Float.isNaN(c[i * ldc + j]), "C[" + i + "][" + j + "] past n written");
          continue;
        }
        double expected = small ? bias[i] : 0;
        for (int p = 0; p < k; p++) {
          expected += (double) a[i * k + p] * b[p * n + j];
        }
        if (small) {
          expected = Math.min(Math.max(expected, -0.5), 0.75);
        }
        double tol = 1e-5 * Math.max(1, k) * (1 + Math.abs(expected));
        if (!(Math.abs(c[i * ldc + j] - expected) <= tol)) {
          fail("C[" + i + "][" + j + "] = " + c[i * ldc + j] + ", expected " + expected + " +- " + tol);
        }
      }
    }
  }

  @Test
  void packedAIsRejectedByAGemmWithOtherBlocking() {
    Gemm.PackedA packed = new Gemm(new VectorMicroKernel()).pack(false, 8, 600, new float[8 * 600], 0, 600);
    Gemm other = new Gemm(new VectorMicroKernel(), new BlockSizes(64, 100, 64));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> other.sgemm(packed, false, 4, 1f, new float[600 * 4], 0, 4, 0f, new float[8 * 4], 0, 4));
    assertTrue(e.getMessage().contains("KC=512") && e.getMessage().contains("KC=100"), e.getMessage());
  }

  @Test
  void betaZeroWithAlphaZeroOverwritesNaN() {
    for (MicroKernel kernel : KERNELS) {
      float[] c = new float[12];
      Arrays.fill(c, Float.NaN);
      new Gemm(kernel).sgemm(false, false, 3, 4, 2, 0f, new float[6], 0, 2, new float[8], 0, 4,
          0f, c, 0, 4);
      for (float v : c) {
        assertEquals(0f, v, kernel.describe());
      }
    }
  }

  /** A bad argument, the name the message must start with, and the call that passes it. */
  record BadArgument(String name, Consumer<Gemm> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadArgument> badArguments() {
    // A valid call is m=2, n=3, k=4: A 2x4 (lda 4), B 4x3 (ldb 3), C 2x3 (ldc 3).
    float[] a = new float[8];
    float[] b = new float[12];
    float[] c = new float[6];
    return Stream.of(
        new BadArgument("m", g -> g.sgemm(false, false, -1, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("n", g -> g.sgemm(false, false, 2, -1, 4, 1, a, 0, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("k", g -> g.sgemm(false, false, 2, 3, -1, 1, a, 0, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("lda", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 3, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("lda", g -> g.sgemm(true, false, 2, 3, 4, 1, a, 0, 1, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("ldb", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 4, b, 0, 2, 0, c, 0, 3)),
        new BadArgument("ldb", g -> g.sgemm(false, true, 2, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("ldc", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 0, 2)),
        new BadArgument("aOff", g -> g.sgemm(false, false, 2, 3, 4, 1, a, -1, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("a", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 1, 4, b, 0, 3, 0, c, 0, 3)),
        new BadArgument("b", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 4, b, 0, 4, 0, c, 0, 3)),
        new BadArgument("c", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 4, b, 0, 3, 0, c, 1, 3)),
        new BadArgument("c", g -> g.sgemm(false, false, 2, 3, 4, 1, a, 0, 4, b, 0, 3, 0, null, 0, 3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void badArgumentIsNamed(BadArgument bad) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bad.call().accept(new Gemm(new ScalarMicroKernel())));
    assertTrue(e.getMessage().startsWith(bad.name() + " "), e.getMessage());
  }

  @Test
  void selectionHonoursPropertyAndModule() {
    assertInstanceOf(ScalarMicroKernel.class, Kernels.choose("scalar", true).kernel());
    Kernels.Selection absent = Kernels.choose(null, false);
    assertInstanceOf(ScalarMicroKernel.class, absent.kernel());
    assertTrue(absent.reason().contains("not in boot layer"), absent.reason());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Kernels.choose("vector", false));
    assertTrue(e.getMessage().contains("jdk.incubator.vector"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Kernels.choose("gpu", true));
    // Surefire runs with --add-modules jdk.incubator.vector (conf/jvm.options).
    MicroKernel chosen = Kernels.choose(null, true).kernel();
    Class<?> expected = chosen.nr() >= 32 ? VectorMicroKernel.class : VectorMicroKernel4.class;
    assertEquals(expected, chosen.getClass());
    assertFalse(Kernels.selected().describe().isEmpty());
  }

  private static float[] random(SplittableRandom rnd, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
