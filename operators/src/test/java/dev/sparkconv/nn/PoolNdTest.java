package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** N-d pooling against textbook loops in padded coordinates, shape inference and parameter errors. */
class PoolNdTest {
  private final ExecutionContext ctx = new ExecutionContext();

  /** One window geometry; spatial sizes, kernel, stride, padding and dilation have one entry per axis. */
  record Case(int n, int c, int[] in, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
    @Override
    public String toString() {
      return "b" + n + "_c" + c + "_in" + dims(in) + "_k" + dims(k) + "_s" + dims(s) + "_p" + dims(p) + "_d" + dims(d)
          + (ceil ? "_ceil" : "_floor");
    }

    int[] sample() {
      int[] shape = new int[in.length + 1];
      shape[0] = c;
      System.arraycopy(in, 0, shape, 1, in.length);
      return shape;
    }

    Case undilated() {
      return new Case(n, c, in, k, s, p, WindowPool.ones(k.length), ceil);
    }
  }

  static String dims(int[] v) {
    return String.join("x", Arrays.stream(v).mapToObj(Integer::toString).toList());
  }

  static int[] v(int... values) {
    return values;
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(2, 3, v(10), v(3), v(2), v(1), v(1), false),
        new Case(1, 1, v(5), v(2), v(2), v(1), v(1), true),           // ceil's last window would start in padding
        new Case(1, 2, v(2), v(3), v(2), v(1), v(1), true),           // window larger than the input
        new Case(1, 2, v(12), v(3), v(1), v(1), v(2), false),         // dilated
        new Case(1, 1, v(11), v(4), v(3), v(2), v(3), true),
        new Case(1, 2, v(7, 8), v(2, 3), v(2, 1), v(1, 1), v(2, 1), true),
        new Case(2, 2, v(9, 6), v(3, 2), v(1, 2), v(1, 0), v(1, 1), false),
        new Case(1, 3, v(9, 37), v(3, 3), v(2, 2), v(1, 1), v(1, 1), false), // odd width, stride-2 phases, vectors
        new Case(1, 2, v(20, 41), v(3, 3), v(2, 2), v(1, 1), v(1, 1), true),
        new Case(1, 2, v(6, 40), v(3, 3), v(1, 1), v(1, 1), v(2, 2), false),
        new Case(1, 1, v(5, 50), v(2, 5), v(1, 3), v(0, 2), v(1, 2), true),
        new Case(1, 2, v(6, 6, 6), v(2, 2, 2), v(2, 2, 2), v(0, 0, 0), v(1, 1, 1), false),
        new Case(1, 2, v(5, 7, 6), v(3, 3, 3), v(2, 2, 2), v(1, 1, 1), v(1, 1, 1), true),
        new Case(2, 1, v(4, 5, 6), v(2, 3, 2), v(1, 2, 2), v(1, 1, 0), v(2, 1, 1), false),
        new Case(1, 1, v(2, 2, 2), v(3, 3, 3), v(2, 2, 2), v(1, 1, 1), v(1, 1, 1), true));
  }

  @ParameterizedTest(name = "max_{0}")
  @MethodSource("cases")
  void maxPoolMatchesNaive(Case k) {
    check(new MaxPool("p", k.k, k.s, k.p, k.d, k.ceil), k, "max", 0);
  }

  @ParameterizedTest(name = "avg_{0}")
  @MethodSource("cases")
  void avgPoolMatchesNaiveWithBothDivisors(Case k) {
    Case u = k.undilated();
    check(new AvgPool("p", u.k, u.s, u.p, u.ceil, true), u, "avg", 0);
    check(new AvgPool("p", u.k, u.s, u.p, u.ceil, false), u, "avg_valid", 0);
  }

  @ParameterizedTest(name = "mixed_{0}")
  @MethodSource("cases")
  void mixedPoolIsTheWeightedSumOfMaxAndAverage(Case k) {
    Case u = k.undilated();
    check(new MixedPool("p", u.k, u.s, u.p, u.ceil, true, 0.3f), u, "mixed", 0.3f);
  }

  @Test
  void lpPoolIsThePowerMeanTimesTheWindow() {
    Case k = new Case(2, 2, v(7, 8), v(3, 2), v(2, 1), v(0, 0), v(1, 1), false);
    check(new LpPool("p", 2f, k.k, k.s), k, "lp2", 0);
    Case k1 = new Case(1, 2, v(9), v(3), v(2), v(0), v(1), false);
    check(new LpPool("p", 1f, k1.k, k1.s), k1, "sum", 0);
    Case k3 = new Case(1, 1, v(4, 5, 6), v(2, 2, 2), v(1, 2, 2), v(0, 0, 0), v(1, 1, 1), false);
    check(new LpPool("p", 2f, k3.k, k3.s), k3, "lp2", 0);
  }

  private void check(Layer pool, Case k, String kind, float lambda) {
    int rank = k.in.length;
    int[] expectedShape = new int[rank + 1];
    expectedShape[0] = k.c;
    for (int i = 0; i < rank; i++) {
      expectedShape[i + 1] = windows(k.in[i], k.d[i] * (k.k[i] - 1) + 1, k.s[i], k.p[i], k.ceil);
    }
    assertArrayEquals(expectedShape, pool.outputShape(k.sample()), "output shape " + k);
    float[] input = Naive.random(k.toString().hashCode(), k.n * Shapes.size(k.sample()));
    Tensor out = Tensor.zeros(Shapes.batched(k.n, expectedShape));
    pool.forward(Tensor.wrap(input, Shapes.batched(k.n, k.sample())), out, ctx);
    Naive.assertClose(naive(kind, input, k, expectedShape, lambda), out.data(), 1e-5, kind + " " + k);
    assertTrue(pool instanceof Windowed);
    assertArrayEquals(k.k, ((Windowed) pool).kernel());
    assertArrayEquals(k.s, ((Windowed) pool).stride());
    assertArrayEquals(k.d, ((Windowed) pool).dilation());
  }

  /** Windows along one axis by enumeration: floor keeps windows inside the padded input; ceil also a
   * partial one that starts inside the input or the left padding. */
  static int windows(int in, int span, int s, int p, boolean ceil) {
    int count = 0;
    for (int start = 0; ; start += s) {
      boolean fits = start + span <= in + 2 * p;
      boolean partial = ceil && start + span < in + 2 * p + s && start < in + p;
      if (!fits && !partial) {
        return count;
      }
      count++;
    }
  }

  /** The textbook loops over padded coordinates, spatial axes walked as a flat odometer. */
  private static float[] naive(String kind, float[] in, Case k, int[] outShape, float lambda) {
    int rank = k.in.length;
    int[] outDims = Arrays.copyOfRange(outShape, 1, rank + 1);
    int outPlane = Shapes.size(outDims);
    int inPlane = Shapes.size(k.in);
    int taps = Shapes.size(k.k);
    float[] out = new float[k.n * k.c * outPlane];
    for (int plane = 0; plane < k.n * k.c; plane++) {
      for (int o = 0; o < outPlane; o++) {
        int[] pos = unravel(o, outDims);
        double sum = 0;
        double power = 0;
        double max = Double.NEGATIVE_INFINITY;
        int inPadded = 0;
        int real = 0;
        for (int t = 0; t < taps; t++) {
          int[] tap = unravel(t, k.k);
          boolean inside = true;
          boolean insidePadded = true;
          int index = 0;
          for (int a = 0; a < rank; a++) {
            int padded = pos[a] * k.s[a] + tap[a] * k.d[a];
            insidePadded &= padded < k.in[a] + 2 * k.p[a];
            int x = padded - k.p[a];
            inside &= x >= 0 && x < k.in[a];
            index = index * k.in[a] + x;
          }
          if (insidePadded) {
            inPadded++;
          }
          if (inside) {
            double value = in[plane * inPlane + index];
            sum += value;
            power += value * value;
            max = Math.max(max, value);
            real++;
          }
        }
        out[plane * outPlane + o] = (float) switch (kind) {
          case "max" -> max;
          case "avg" -> sum / inPadded;
          case "avg_valid" -> sum / real;
          case "mixed" -> lambda * max + (1 - lambda) * sum / inPadded;
          case "lp2" -> Math.sqrt(power);
          case "sum" -> sum;
          default -> throw new IllegalArgumentException(kind);
        };
      }
    }
    return out;
  }

  private static int[] unravel(int index, int[] dims) {
    int[] pos = new int[dims.length];
    for (int a = dims.length - 1; a >= 0; a--) {
      pos[a] = index % dims[a];
      index /= dims[a];
    }
    return pos;
  }

  @Test
  void opNamesFollowTheRank() {
    assertEquals("maxpool1d", new MaxPool("p", v(2), v(2), v(0), v(1), false).op());
    assertEquals("maxpool3d", new MaxPool("p", v(2, 2, 2), v(2, 2, 2), v(0, 0, 0), v(1, 1, 1), false).op());
    assertEquals("avgpool1d", new AvgPool("p", v(2), v(2), v(0), false, true).op());
    assertEquals("avgpool2d", new AvgPool2d("p", v(2, 2), v(2, 2), v(0, 0), false, true).op());
    assertEquals("maxpool2d", new MaxPool2d("p", v(2, 2), v(2, 2), v(0, 0), false).op());
  }

  @Test
  void poolErrorsNameOperatorLayerAndParameter() {
    assertParam("maxpool", "kernel", () -> new MaxPool("s2", v(2, 2, 2, 2), v(2), v(0), v(1), false));
    assertParam("maxpool2d", "stride", () -> new MaxPool("s2", v(2, 2), v(2), v(0, 0), v(1, 1), false));
    assertParam("maxpool2d", "dilation", () -> new MaxPool("s2", v(2, 2), v(2, 2), v(0, 0), v(1, 0), false));
    assertParam("maxpool1d", "padding", () -> new MaxPool("s2", v(3), v(1), v(2), v(1), false));
    assertParam("avgpool3d", "padding", () -> new AvgPool("s2", v(2, 2, 2), v(1, 1, 1), v(0, 2, 0), false, true));
    assertParam("mixed_pool", "lambda", () -> new MixedPool("s2", v(2, 2), v(2, 2), v(0, 0), false, true, 1.5f));
    assertParam("lp_pool", "p", () -> new LpPool("s2", 0f, v(2, 2), v(2, 2)));
    assertParam("lp_pool", "stride", () -> new LpPool("s2", 2f, v(2, 2), v(0, 2)));
    assertParam("adaptive_maxpool", "outputSize", () -> new AdaptivePool("s2", true, v(2, 0)));
    assertParam("adaptive_avgpool", "outputSize", () -> new AdaptivePool("s2", false, v()));
    assertParam("spp", "levels", () -> new SpatialPyramidPool("s2", v(1, 0, 4), true));
    assertParam("spp", "levels", () -> new SpatialPyramidPool("s2", v(), true));
  }

  static void assertParam(String op, String parameter, org.junit.jupiter.api.function.Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().startsWith(op + " 's2': parameter '" + parameter + "' "), e.getMessage());
  }

  @Test
  void shapeErrorsNameTheLayerAndTheMinimumInput() {
    MaxPool p1 = new MaxPool("s2", v(3), v(2), v(0), v(2), false);
    ShapeException e = assertThrows(ShapeException.class, () -> p1.outputShape(v(4, 4)));
    assertEquals("layer 's2' (maxpool1d): expected input (C, L>=5) but got (4, 4)", e.getMessage());
    AvgPool p3 = new AvgPool("s2", v(2, 3, 2), v(1, 1, 1), v(0, 1, 0), false, true);
    e = assertThrows(ShapeException.class, () -> p3.outputShape(v(4, 5, 6)));
    assertEquals("layer 's2' (avgpool3d): expected input (C, D>=2, H>=1, W>=2) but got (4, 5, 6)", e.getMessage());
    assertThrows(ShapeException.class, () -> new AdaptivePool("a", false, v(2, 2)).outputShape(v(3, 4)));
    assertThrows(ShapeException.class, () -> new GlobalMaxPool("g").outputShape(v(3)));
    assertThrows(ShapeException.class, () -> new SpatialPyramidPool("s", v(1, 2), true).outputShape(v(3)));
  }

  @Test
  void adaptiveWindowsFollowPyTorchsStartAndEnd() {
    for (int in = 1; in <= 12; in++) {
      for (int out = 1; out <= 12; out++) {
        for (int i = 0; i < out; i++) {
          assertEquals((int) Math.floor((double) i * in / out), AdaptivePool.start(i, in, out));
          assertEquals((int) Math.ceil((double) (i + 1) * in / out), AdaptivePool.end(i, in, out));
        }
      }
    }
    // (1, 7, 9) to (3, 4): the windows overlap where the sizes do not divide
    float[] input = Naive.random(5, 7 * 9);
    for (boolean max : new boolean[] {false, true}) {
      AdaptivePool pool = new AdaptivePool("a", max, v(3, 4));
      assertArrayEquals(v(1, 3, 4), pool.outputShape(v(1, 7, 9)));
      Tensor out = Tensor.zeros(1, 1, 3, 4);
      pool.forward(Tensor.wrap(input, 1, 1, 7, 9), out, ctx);
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          double sum = 0;
          double m = Double.NEGATIVE_INFINITY;
          int y0 = y * 7 / 3;
          int y1 = ((y + 1) * 7 + 2) / 3;
          int x0 = x * 9 / 4;
          int x1 = ((x + 1) * 9 + 3) / 4;
          for (int yy = y0; yy < y1; yy++) {
            for (int xx = x0; xx < x1; xx++) {
              sum += input[yy * 9 + xx];
              m = Math.max(m, input[yy * 9 + xx]);
            }
          }
          double expected = max ? m : sum / ((y1 - y0) * (x1 - x0));
          assertEquals(expected, out.data()[y * 4 + x], 1e-6, "adaptive max=" + max + " at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void sppGivesOneLengthForEveryInputSize() {
    SpatialPyramidPool spp = new SpatialPyramidPool("spp", v(1, 2, 4), true);
    for (int[] shape : new int[][] {{3, 13, 11}, {3, 4, 4}, {3, 2, 3}, {3, 64, 17}}) {
      assertArrayEquals(v(3 * 21), spp.outputShape(shape));
      float[] input = Naive.random(shape[1] * 100 + shape[2], 2 * Shapes.size(shape));
      Tensor out = Tensor.zeros(2, 63);
      spp.forward(Tensor.wrap(input, Shapes.batched(2, shape)), out, ctx);
      // level 1 is the global maximum of each channel; the level-2 block follows the three level-1 values
      int plane = shape[1] * shape[2];
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 3; c++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int i = 0; i < plane; i++) {
            m = Math.max(m, input[(n * 3 + c) * plane + i]);
          }
          assertEquals(m, out.data()[n * 63 + c], "global max of sample " + n + " channel " + c);
        }
        Tensor level2 = Tensor.zeros(1, 3, 2, 2);
        new AdaptivePool("a", true, v(2, 2)).forward(
            Tensor.wrap(Arrays.copyOfRange(input, n * 3 * plane, (n + 1) * 3 * plane), 1, 3, shape[1], shape[2]),
            level2, ctx);
        assertArrayEquals(level2.data(), Arrays.copyOfRange(out.data(), n * 63 + 3, n * 63 + 15));
      }
    }
    assertArrayEquals(v(2 * (1 + 8)), new SpatialPyramidPool("s", v(1, 2), false).outputShape(v(2, 5, 5, 5)));
    assertArrayEquals(v(2 * (1 + 3)), new SpatialPyramidPool("s", v(1, 3), false).outputShape(v(2, 2)));
  }

  @Test
  void globalPoolsReduceEveryRank() {
    for (int[] shape : new int[][] {{3, 7}, {2, 3, 4}, {2, 3, 4, 5}, {1, 2, 2, 2, 2}}) {
      float[] input = Naive.random(Shapes.size(shape), 2 * Shapes.size(shape));
      int[] ones = new int[shape.length];
      Arrays.fill(ones, 1);
      ones[0] = shape[0];
      Tensor avg = Tensor.zeros(Shapes.batched(2, ones));
      Tensor max = Tensor.zeros(Shapes.batched(2, ones));
      new GlobalAvgPool("g").forward(Tensor.wrap(input, Shapes.batched(2, shape)), avg, ctx);
      new GlobalMaxPool("g").forward(Tensor.wrap(input.clone(), Shapes.batched(2, shape)), max, ctx);
      int plane = Shapes.size(shape) / shape[0];
      for (int p = 0; p < 2 * shape[0]; p++) {
        double sum = 0;
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < plane; i++) {
          sum += input[p * plane + i];
          m = Math.max(m, input[p * plane + i]);
        }
        assertEquals(sum / plane, avg.data()[p], 1e-6);
        assertEquals(m, max.data()[p]);
      }
    }
  }

  @Test
  void maxFamiliesPropagateNaN() {
    float[] input = {1, Float.NaN, 3, 2, 0, -1, 5, 4};
    Tensor out = Tensor.zeros(1, 2, 1, 1);
    new GlobalMaxPool("g").forward(Tensor.wrap(input, 1, 2, 2, 2), out, ctx);
    assertTrue(Float.isNaN(out.data()[0]));
    assertEquals(5f, out.data()[1]);
    new AdaptivePool("a", true, v(1, 1)).forward(Tensor.wrap(input, 1, 2, 2, 2), out, ctx);
    assertTrue(Float.isNaN(out.data()[0]));
    Tensor pooled = Tensor.zeros(1, 2, 1);
    new MaxPool("m", v(4), v(4), v(0), v(1), false).forward(Tensor.wrap(input, 1, 2, 4), pooled, ctx);
    assertTrue(Float.isNaN(pooled.data()[0]));
    assertEquals(5f, pooled.data()[1]);
  }

  @Test
  void forwardRunsOnLongerBuffersAsTheNetworkPassesThem() {
    MaxPool pool = new MaxPool("m", v(2, 2), v(2, 2), v(0, 0), v(1, 1), false);
    float[] big = new float[100];
    System.arraycopy(new float[] {1, 2, 3, 4}, 0, big, 0, 4);
    Tensor out = Tensor.view(new float[10], 1, 1, 1, 1);
    pool.forward(Tensor.view(big, 1, 1, 2, 2), out, ctx);
    assertEquals(4f, out.data()[0]);
  }
}
