package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConvTransposeTest {

  /** One sweep point over 1, 2 or 3 spatial axes; outSize null means "from the output padding". */
  record Case(int n, int c, int o, int[] in, int[] k, int[] s, int[] p, int[] op, int[] d, int g, boolean bias,
      int[] outSize) {
    @Override
    public String toString() {
      return "b" + n + "_c" + c + "_o" + o + "_in" + dims(in) + "_k" + dims(k) + "_s" + dims(s) + "_p" + dims(p)
          + "_op" + dims(op) + "_d" + dims(d) + "_g" + g + (bias ? "_bias" : "_nobias")
          + (outSize == null ? "" : "_out" + dims(outSize));
    }
  }

  private static String dims(int[] v) {
    return String.join("x", Arrays.stream(v).mapToObj(Integer::toString).toList());
  }

  private static int[] a(int... v) {
    return v;
  }

  static Stream<Case> cases() {
    return Stream.of(
        // 1-D
        new Case(2, 3, 4, a(5), a(3), a(2), a(1), a(1), a(1), 1, true, null),
        new Case(1, 4, 6, a(7), a(3), a(1), a(0), a(0), a(2), 2, true, null),    // dilation, groups
        new Case(2, 4, 6, a(6), a(1), a(1), a(0), a(0), a(1), 2, false, null),   // 1 tap: GEMM into the output
        new Case(1, 2, 3, a(4), a(3), a(1), a(1), a(1), a(2), 1, true, null),    // output padding < dilation only
        new Case(1, 2, 2, a(4), a(2), a(3), a(0), a(2), a(1), 1, true, null),    // stride > kernel: gaps
        new Case(1, 3, 2, a(6), a(3), a(2), a(1), a(0), a(1), 1, true, a(12)),   // explicit output size
        // 2-D
        new Case(1, 3, 4, a(4, 4), a(3, 3), a(2, 2), a(1, 1), a(1, 1), a(1, 1), 1, true, null),
        new Case(2, 4, 6, a(5, 3), a(3, 2), a(2, 1), a(1, 0), a(0, 0), a(1, 1), 2, true, null),
        new Case(1, 2, 3, a(4, 5), a(3, 3), a(1, 2), a(2, 1), a(0, 1), a(2, 1), 1, false, null),
        new Case(1, 6, 6, a(3, 3), a(3, 3), a(2, 2), a(0, 0), a(0, 0), a(1, 1), 6, true, null),  // depthwise
        new Case(1, 4, 2, a(3, 4), a(1, 1), a(1, 1), a(0, 0), a(0, 0), a(1, 1), 1, true, null),  // 1x1 direct
        new Case(1, 4, 2, a(3, 4), a(1, 1), a(2, 2), a(0, 0), a(1, 0), a(1, 1), 1, true, null),  // 1x1 stride 2
        new Case(1, 2, 3, a(6, 6), a(3, 3), a(1, 1), a(2, 2), a(0, 0), a(1, 1), 1, true, null),  // shrinks
        new Case(1, 3, 2, a(4, 5), a(4, 4), a(2, 2), a(1, 1), a(0, 0), a(1, 1), 1, true, a(8, 11)),
        new Case(2, 16, 32, a(8, 8), a(3, 3), a(2, 2), a(1, 1), a(1, 1), a(1, 1), 1, true, null), // GEMM blocks
        // rows wide enough for the vector merge of two width phases, odd width (a last column) and even
        new Case(1, 3, 5, a(5, 18), a(3, 3), a(2, 2), a(1, 1), a(0, 0), a(1, 1), 1, true, null),
        new Case(2, 8, 4, a(7, 20), a(4, 4), a(2, 2), a(1, 1), a(0, 0), a(1, 1), 2, false, null),
        // 3-D
        new Case(1, 2, 3, a(3, 3, 3), a(3, 3, 3), a(2, 2, 2), a(1, 1, 1), a(1, 0, 1), a(1, 1, 1), 1, true, null),
        new Case(2, 4, 4, a(2, 3, 4), a(2, 3, 1), a(1, 2, 2), a(0, 1, 0), a(0, 1, 1), a(2, 1, 1), 2, false, null),
        new Case(1, 2, 2, a(2, 2, 3), a(2, 2, 2), a(2, 2, 2), a(0, 0, 0), a(0, 0, 0), a(1, 1, 1), 1, true,
            a(5, 4, 7)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesScatterDefinition(Case k) {
    int taps = Arrays.stream(k.k).reduce(1, (x, y) -> x * y);
    int inVolume = Arrays.stream(k.in).reduce(1, (x, y) -> x * y);
    float[] weight = Naive.random(11, k.c * (k.o / k.g) * taps);
    float[] bias = k.bias ? Naive.random(12, k.o) : null;
    float[] input = Naive.random(13, k.n * k.c * inVolume);
    ConvTranspose layer = new ConvTranspose("up", k.c, k.o, k.k, k.s, k.p, k.op, k.d, k.g, weight, bias, k.outSize);
    int[] sample = new int[k.in.length + 1];
    sample[0] = k.c;
    System.arraycopy(k.in, 0, sample, 1, k.in.length);
    int[] outShape = layer.outputShape(sample);
    int[] outSpatial = Arrays.copyOfRange(outShape, 1, outShape.length);
    float[] expected = scatter(input, k, weight, bias, outSpatial);

    Tensor out = Tensor.zeros(Shapes.batched(k.n, outShape));
    ExecutionContext ctx = new ExecutionContext();
    layer.forward(Tensor.wrap(input, Shapes.batched(k.n, sample)), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, k.toString());
    Arrays.fill(out.data(), Float.NaN); // the layer must write every output element
    layer.forward(Tensor.wrap(input, Shapes.batched(k.n, sample)), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, k + " (second run, dirty output and scratch)");
  }

  /**
   * The definition, axis by axis in padded-free output coordinates: input (ci, x) times W[ci][oc][t]
   * goes to output y = x*s - p + t*d of every oc in ci's group, dropped outside [0, out). Double sums.
   */
  static float[] scatter(float[] in, Case k, float[] weight, float[] bias, int[] out) {
    int rank = k.in.length;
    int cg = k.c / k.g;
    int og = k.o / k.g;
    int inVolume = Arrays.stream(k.in).reduce(1, (x, y) -> x * y);
    int outVolume = Arrays.stream(out).reduce(1, (x, y) -> x * y);
    int taps = Arrays.stream(k.k).reduce(1, (x, y) -> x * y);
    double[] acc = new double[k.n * k.o * outVolume];
    for (int b = 0; b < k.n; b++) {
      for (int ci = 0; ci < k.c; ci++) {
        int g = ci / cg;
        for (int x = 0; x < inVolume; x++) {
          int[] xi = unravel(x, k.in);
          double v = in[(b * k.c + ci) * inVolume + x];
          for (int oc = 0; oc < og; oc++) {
            for (int t = 0; t < taps; t++) {
              int[] ti = unravel(t, k.k);
              int y = 0;
              boolean inside = true;
              for (int a = 0; a < rank; a++) {
                int ya = xi[a] * k.s[a] - k.p[a] + ti[a] * k.d[a];
                inside &= ya >= 0 && ya < out[a];
                y = y * out[a] + ya;
              }
              if (inside) {
                acc[(b * k.o + g * og + oc) * outVolume + y] += v * weight[(ci * og + oc) * taps + t];
              }
            }
          }
        }
      }
    }
    float[] result = new float[acc.length];
    for (int i = 0; i < acc.length; i++) {
      int oc = (i / outVolume) % k.o;
      result[i] = (float) (acc[i] + (bias == null ? 0 : bias[oc]));
    }
    return result;
  }

  private static int[] unravel(int index, int[] dims) {
    int[] idx = new int[dims.length];
    for (int a = dims.length - 1; a >= 0; a--) {
      idx[a] = index % dims[a];
      index /= dims[a];
    }
    return idx;
  }

  @Test
  void outputSizesFollowPyTorch() {
    // nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1) on 12x12 gives 23x23; output_size=[24, 24] gives 24x24.
    ConvTranspose up = conv2(16, 16, 1, a(0, 0), null, new float[16 * 16 * 9]);
    assertArrayEquals(a(16, 23, 23), up.outputShape(a(16, 12, 12)));
    ConvTranspose sized = conv2(16, 16, 1, a(0, 0), a(24, 23), new float[16 * 16 * 9]);
    assertArrayEquals(a(16, 24, 23), sized.outputShape(a(16, 12, 12)));
    ShapeException wrong = assertThrows(ShapeException.class, () -> sized.outputShape(a(16, 11, 12)));
    assertEquals("layer 'up' (conv_transpose2d): expected input (16, 12, 12) (the only size with outputSize "
        + "(24, 23)) but got (16, 11, 12)", wrong.getMessage());
    ShapeException channels = assertThrows(ShapeException.class, () -> up.outputShape(a(3, 12, 12)));
    assertEquals("layer 'up' (conv_transpose2d): expected input (16, H>=1, W>=1) but got (3, 12, 12)",
        channels.getMessage());
    // Padding larger than the kernel reach: the smallest input with an output of at least 1.
    ConvTranspose shrink = new ConvTranspose("t", 1, 1, a(3), a(1), a(3), a(0), a(1), 1, new float[3], null, null);
    assertArrayEquals(a(1, 1), shrink.outputShape(a(1, 5)));
    ShapeException small = assertThrows(ShapeException.class, () -> shrink.outputShape(a(1, 4)));
    assertEquals("layer 't' (conv_transpose1d): expected input (1, L>=5) but got (1, 4)", small.getMessage());
    ConvTranspose cube = new ConvTranspose("v", 2, 4, a(2, 2, 2), a(2, 2, 2), a(0, 0, 0), a(0, 0, 0),
        a(1, 1, 1), 2, new float[2 * 2 * 8], new float[4], null);
    assertArrayEquals(a(4, 6, 8, 10), cube.outputShape(a(2, 3, 4, 5)));
    assertEquals("conv_transpose3d", cube.op());
    assertEquals(2 * 2 * 8 + 4, cube.parameterCount());
    assertEquals(3L * 4 * 5 * 2 * 2 * 8, cube.macs(a(2, 3, 4, 5)));
    assertNull(up.outputSize());
  }

  @Test
  void constructorErrorsNameOperatorLayerAndParameter() {
    // Output padding must be below the stride or the dilation (PyTorch's rule), on every axis.
    ConvTest.assertParam("outputPadding", () -> conv2(2, 2, 1, a(2, 0), null, new float[36]));
    ConvTest.assertParam("outputPadding", () -> new ConvTranspose("t", 2, 2, a(3), a(2), a(1), a(2), a(2), 1,
        new float[12], null, null));
    ConvTest.assertParam("outputPadding", () -> conv2(2, 2, 1, a(1, 0), a(5, 5), new float[36]));
    ConvTest.assertParam("groups", () -> conv2(4, 6, 4, a(0, 0), null, new float[4 * 1 * 9]));
    ConvTest.assertParam("groups", () -> conv2(6, 4, 4, a(0, 0), null, new float[6 * 1 * 9]));
    ConvTest.assertParam("weight", () -> conv2(2, 4, 2, a(0, 0), null, new float[4 * 2 * 9]));
    ConvTest.assertParam("weight", () -> conv2(2, 2, 1, a(0, 0), null, null));
    ConvTest.assertParam("kernel", () -> new ConvTranspose("t", 1, 1, a(1, 1, 1, 1), a(1, 1, 1, 1),
        a(0, 0, 0, 0), a(0, 0, 0, 0), a(1, 1, 1, 1), 1, new float[1], null, null));
    ConvTest.assertParam("stride", () -> new ConvTranspose("t", 1, 1, a(3, 3), a(1), a(0, 0), a(0, 0),
        a(1, 1), 1, new float[9], null, null));
    ConvTest.assertParam("dilation", () -> new ConvTranspose("t", 1, 1, a(3), a(1), a(0), a(0), a(0), 1,
        new float[3], null, null));
    ConvTest.assertParam("bias", () -> new ConvTranspose("t", 1, 2, a(3), a(1), a(0), a(0), a(1), 1,
        new float[6], new float[1], null));
    ConvTest.assertParam("outputSize", () -> new ConvTranspose("t", 1, 1, a(3), a(1), a(0), a(0), a(1), 1,
        new float[3], null, a(4, 4)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv2(2, 2, 1, a(2, 0), null,
        new float[36]));
    assertEquals("conv_transpose2d 'up': parameter 'outputPadding' must be smaller than the stride (2, 2) or the "
        + "dilation (1, 1) on every axis but is (2, 0)", e.getMessage());
  }

  @Test
  void copiesItsArrays() {
    float[] weight = Naive.random(5, 2 * 2 * 9);
    int[] stride = {2, 2};
    ConvTranspose layer = new ConvTranspose("t", 2, 2, a(3, 3), stride, a(1, 1), a(0, 0), a(1, 1), 1, weight, null,
        null);
    float[] input = Naive.random(6, 2 * 3 * 3);
    Tensor before = Tensor.zeros(1, 2, 5, 5);
    layer.forward(Tensor.wrap(input, 1, 2, 3, 3), before, new ExecutionContext());
    weight[0] = 100;
    stride[0] = 1;
    Tensor after = Tensor.zeros(1, 2, 5, 5);
    layer.forward(Tensor.wrap(input, 1, 2, 3, 3), after, new ExecutionContext());
    assertEquals(before, after);
  }

  /** 3x3, stride 2, padding 1, dilation 1. */
  private static ConvTranspose conv2(int c, int o, int g, int[] outputPadding, int[] outputSize, float[] weight) {
    return new ConvTranspose("up", c, o, a(3, 3), a(2, 2), a(1, 1), outputPadding, a(1, 1), g, weight, null,
        outputSize);
  }
}
