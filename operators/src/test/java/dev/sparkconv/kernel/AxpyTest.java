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
