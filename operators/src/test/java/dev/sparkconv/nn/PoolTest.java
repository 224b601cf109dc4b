package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PoolTest {

  record Case(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
    @Override
    public String toString() {
      return "b" + n + "_c" + c + "_in" + h + "x" + w + "_k" + kh + "x" + kw + "_s" + sh + "x" + sw
          + "_p" + ph + "x" + pw + (ceil ? "_ceil" : "_floor");
    }

    int[] kernel() {
      return new int[] {kh, kw};
    }

    int[] stride() {
      return new int[] {sh, sw};
    }

    int[] pad() {
      return new int[] {ph, pw};
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, false),
        new Case(1, 2, 7, 7, 3, 3, 2, 2, 1, 1, false),
        new Case(1, 2, 8, 8, 3, 3, 2, 2, 0, 0, true),   // ceil adds a partial window
        new Case(2, 1, 6, 6, 3, 3, 2, 2, 1, 1, true),
        new Case(1, 1, 5, 5, 2, 2, 2, 2, 1, 1, true),   // ceil's last window would start in the right padding
        new Case(1, 2, 9, 6, 3, 2, 1, 2, 1, 0, false),  // non-square
        new Case(3, 1, 5, 7, 2, 2, 1, 1, 0, 0, false),  // overlapping, odd sizes
        new Case(1, 1, 10, 11, 2, 3, 3, 4, 1, 1, true), // stride larger than the kernel
        new Case(1, 1, 2, 2, 3, 3, 2, 2, 0, 0, true));  // ceil mode lets a 3x3 window pool a 2x2 input
  }

  @ParameterizedTest(name = "max_{0}")
  @MethodSource("cases")
  void maxPoolMatchesNaive(Case k) {
    check("max", new MaxPool2d("p", k.kernel(), k.stride(), k.pad(), k.ceil), k);
  }

  @ParameterizedTest(name = "avg_{0}")
  @MethodSource("cases")
  void avgPoolCountingPaddingMatchesNaive(Case k) {
    check("avg", new AvgPool2d("p", k.kernel(), k.stride(), k.pad(), k.ceil, true), k);
  }

  @ParameterizedTest(name = "avg_valid_{0}")
  @MethodSource("cases")
  void avgPoolNotCountingPaddingMatchesNaive(Case k) {
    check("avg_valid", new AvgPool2d("p", k.kernel(), k.stride(), k.pad(), k.ceil, false), k);
  }

  private static void check(String kind, Layer pool, Case k) {
    float[] input = Naive.random(11, k.n * k.c * k.h * k.w);
    int[] shape = pool.outputShape(new int[] {k.c, k.h, k.w});
    assertArrayEquals(new int[] {k.c, Naive.windows(k.h, k.kh, k.sh, k.ph, k.ceil),
        Naive.windows(k.w, k.kw, k.sw, k.pw, k.ceil)}, shape, "output shape");
    Tensor out = Tensor.zeros(k.n, shape[0], shape[1], shape[2]);
    pool.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, new ExecutionContext());
    float[] expected = Naive.pool(kind, input, k.n * k.c, k.h, k.w, k.kh, k.kw, k.sh, k.sw, k.ph, k.pw, k.ceil);
    Naive.assertClose(expected, out.data(), 1e-6, kind + " " + k);
  }

  @Test
  void maxPoolPropagatesNaN() {
    MaxPool2d pool = new MaxPool2d("p", new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false);
    Tensor out = Tensor.zeros(1, 1, 1, 1);
    pool.forward(Tensor.wrap(new float[] {1, Float.NaN, 3, 2}, 1, 1, 2, 2), out, new ExecutionContext());
    assertTrue(Float.isNaN(out.data()[0]));
  }

  @Test
  void globalAvgPoolAveragesEachPlane() {
    GlobalAvgPool gap = new GlobalAvgPool("gap");
    assertArrayEquals(new int[] {3, 1, 1}, gap.outputShape(new int[] {3, 5, 4}));
    float[] input = Naive.random(12, 2 * 3 * 5 * 4);
    Tensor out = Tensor.zeros(2, 3, 1, 1);
    gap.forward(Tensor.wrap(input, 2, 3, 5, 4), out, new ExecutionContext());
    float[] expected = Naive.pool("avg", input, 6, 5, 4, 5, 4, 1, 1, 0, 0, false);
    Naive.assertClose(expected, out.data(), 1e-6, "global avg pool");
    assertThrows(ShapeException.class, () -> gap.outputShape(new int[] {3}));
  }

  @Test
  void errorsNameTheParameterAndTheMinimumInput() {
    ConvTest.assertParam("padding",
        () -> new MaxPool2d("s2", new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 0}, false));
    ConvTest.assertParam("stride",
        () -> new AvgPool2d("s2", new int[] {2, 2}, new int[] {2, -1}, new int[] {0, 0}, false, true));
    ConvTest.assertParam("kernel",
        () -> new AvgPool2d("s2", new int[] {2, 2, 2}, new int[] {2, 2}, new int[] {0, 0}, false, true));
    MaxPool2d s2 = new MaxPool2d("s2", new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0}, false);
    ShapeException e = assertThrows(ShapeException.class, () -> s2.outputShape(new int[] {6, 2, 9}));
    assertEquals("layer 's2' (maxpool2d): expected input (C, H>=3, W>=3) but got (6, 2, 9)", e.getMessage());
  }
}
