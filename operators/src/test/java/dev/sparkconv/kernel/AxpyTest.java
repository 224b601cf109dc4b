package dev.sparkconv.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both {@link Axpy} implementations against a double-precision loop, tail sizes and offsets. */
class AxpyTest {

  static Stream<Arguments> cases() {
    return Stream.of(new ScalarAxpy(), new VectorAxpy()).flatMap(impl ->
        Stream.of(0, 1, 7, 13, 16, 33, 64, 207, 3136).map(n -> Arguments.of(impl, n)));
  }

  /** Sigmoid and erf over [-12, 12] and the tails, offsets in, tail lengths: within 3e-7 (erf 5e-7) absolute. */
  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void sigmoidAndErfMatchDoublePrecision(Axpy impl, int n) {
    float[] x = new float[n + 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 11 == 0 ? (i % 2 == 0 ? -1000f : 1000f) : -12f + 24f * i / Math.max(1, x.length - 1);
    }
    float[] s = new float[n + 2];
    float[] e = new float[n + 2];
    impl.sigmoid(n, x, 3, s, 2);
    impl.erf(n, x, 3, e, 2);
    for (int i = 0; i < n; i++) {
      double v = x[3 + i];
      assertEquals(1 / (1 + Math.exp(-v)), s[2 + i], 3e-7, "sigmoid(" + v + ")");
      assertEquals(dev.sparkconv.nn.Erf.erf(v), e[2 + i], 5e-7, "erf(" + v + ")");
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void matchesTheDefinition(Axpy impl, int n) {
    SplittableRandom rnd = new SplittableRandom(n);
    float[] x = random(rnd, n + 20);
    float[] y = random(rnd, n + 5);
    double[] expected1 = new double[y.length];
    double[] expected3 = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      expected1[i] = y[i];
      expected3[i] = y[i];
    }
    for (int i = 0; i < n; i++) {
      expected1[3 + i] += 0.5 * x[7 + i];
      expected3[3 + i] += 0.5 * x[7 + i] - 2.0 * x[9 + i] + 0.25 * x[11 + i];
    }
    float[] y1 = y.clone();
    impl.axpy(n, 0.5f, x, 7, y1, 3);
    float[] y3 = y.clone();
    impl.axpy3(n, 0.5f, -2f, 0.25f, x, 7, 9, 11, y3, 3);
    for (int i = 0; i < y.length; i++) {
      assertEquals(expected1[i], y1[i], 1e-6, "axpy at " + i);
      assertEquals(expected3[i], y3[i], 1e-5, "axpy3 at " + i);
    }
  }

  /** Into a third array and in place over either operand; nothing written outside the n sums. */
  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void addMatchesTheDefinition(Axpy impl, int n) {
    SplittableRandom rnd = new SplittableRandom(n + 1);
    float[] x = random(rnd, n + 9);
    float[] y = random(rnd, n + 6);
    float[] out = random(rnd, n + 4);
    float[] sum = out.clone();
    impl.add(n, x, 9, y, 2, sum, 1);
    float[] intoX = x.clone();
    impl.add(n, intoX, 9, y, 2, intoX, 9);
    float[] intoY = y.clone();
    impl.add(n, x, 9, intoY, 2, intoY, 2);
    for (int i = 0; i < out.length; i++) {
      float expected = i < 1 || i >= 1 + n ? out[i] : x[9 + i - 1] + y[2 + i - 1];
      assertEquals(expected, sum[i], 0, "add at " + i);
    }
    for (int i = 0; i < x.length; i++) {
      assertEquals(i < 9 ? x[i] : x[i] + y[2 + i - 9], intoX[i], 0, "add into x at " + i);
    }
    for (int i = 0; i < y.length; i++) {
      assertEquals(i < 2 || i >= 2 + n ? y[i] : x[9 + i - 2] + y[i], intoY[i], 0, "add into y at " + i);
    }
  }

  /** Both phases from one array, as col2im passes them; nothing written outside the 2n outputs. */
  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void interleave2MatchesTheDefinition(Axpy impl, int n) {
    SplittableRandom rnd = new SplittableRandom(n + 2);
    float[] x = random(rnd, n + 20);
    float[] y = random(rnd, 2 * n + 8);
    float[] merged = y.clone();
    impl.interleave2(n, 0.75f, x, 5, 11, merged, 3);
    for (int i = 0; i < y.length; i++) {
      int j = i - 3;
      float expected = j < 0 || j >= 2 * n ? y[i] : 0.75f + x[(j % 2 == 0 ? 5 : 11) + j / 2];
      assertEquals(expected, merged[i], 0, "interleave2 at " + i);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void windowDotAndMaxMatchTheDefinition(Axpy impl, int n) {
    SplittableRandom rnd = new SplittableRandom(n + 1);
    float[] x = random(rnd, n + 40);
    float[] w = random(rnd, 11);
    int[] taps = {0, 1, 2, 13, 14, 15, 26, 27, 28};
    float[] y = random(rnd, n + 5);
    float[] window = y.clone();
    impl.window9(n, w, 2, 0.75f, x, taps, 1, window, 3);
    double dot = 0;
    for (int i = 0; i < n; i++) {
      double sum = 0.75;
      for (int t = 0; t < 9; t++) {
        sum += (double) w[2 + t] * x[1 + taps[t] + i];
      }
      assertEquals(sum, window[3 + i], 1e-5, "window9 at " + i);
      dot += (double) x[5 + i] * y[i];
    }
    assertEquals(dot, impl.dot(n, x, 5, y, 0), 1e-4 * (1 + n), "dot");
    // Four rows of x, n + 9 apart, against y; results 3 apart from index 2.
    float[] rows4 = random(rnd, 4 * (n + 9) + 1);
    float[] dots = new float[2 + 3 * 3 + 1];
    impl.dots4(n, rows4, 1, n + 9, y, 0, dots, 2, 3);
    for (int r = 0; r < 4; r++) {
      double expected = 0;
      for (int i = 0; i < n; i++) {
        expected += (double) rows4[1 + r * (n + 9) + i] * y[i];
      }
      assertEquals(expected, dots[2 + 3 * r], 1e-4 * (1 + n), "dots4 row " + r);
    }
    // Those four rows against four rows of y, n + 5 apart from index 2; sixteen results from index 1.
    float[] cols4 = random(rnd, 2 + 4 * (n + 5));
    float[] dots16 = new float[1 + 16];
    impl.dots4x4(n, rows4, 1, n + 9, cols4, 2, n + 5, dots16, 1);
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        double expected = 0;
        for (int i = 0; i < n; i++) {
          expected += (double) rows4[1 + r * (n + 9) + i] * cols4[2 + c * (n + 5) + i];
        }
        assertEquals(expected, dots16[1 + 4 * r + c], 1e-4 * (1 + n), "dots4x4 row " + r + " column " + c);
      }
    }
    // Two rows of a 3x3 window with column dilation 2 over input rows 7 apart, written n + 3 apart.
    float[] big = random(rnd, 4 * 7 + n + 8);
    float[] two = new float[2 * (n + 3) + 1];
    impl.window3x3Rows2(n, w, 2, 0.75f, big, 1, 7, 2, two, 1, n + 3);
    for (int row = 0; row < 2; row++) {
      for (int i = 0; i < n; i++) {
        double sum = 0.75;
        for (int kh = 0; kh < 3; kh++) {
          for (int kw = 0; kw < 3; kw++) {
            sum += (double) w[2 + 3 * kh + kw] * big[1 + (row + kh) * 7 + 2 * kw + i];
          }
        }
        assertEquals(sum, two[1 + row * (n + 3) + i], 1e-5, "window3x3Rows2 row " + row + " at " + i);
      }
    }
    if (n > 2) {
      x[4 + n / 2] = Float.NaN; // NaN wins, as in Math.max
    }
    float[] max = y.clone();
    impl.maxInto(n, x, 4, max, 3);
    for (int i = 0; i < n; i++) {
      assertEquals(Math.max(y[3 + i], x[4 + i]), max[3 + i], 0, "maxInto at " + i);
    }
    for (int i : new int[] {0, 1, 2, n + 3, n + 4}) {
      assertEquals(y[i], window[i], 0, "window9 wrote outside at " + i);
      assertEquals(y[i], max[i], 0, "maxInto wrote outside at " + i);
    }
    if (n > 2) {
      assertEquals(Float.NaN, max[3 + n / 2], "NaN must win");
    }
  }

  @Test
  void followsTheMicroKernel() {
    Class<? extends Axpy> expected =
        Kernels.selected() instanceof ScalarMicroKernel ? ScalarAxpy.class : VectorAxpy.class;
    assertInstanceOf(expected, Kernels.axpy());
  }

  private static float[] random(SplittableRandom rnd, int length) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
