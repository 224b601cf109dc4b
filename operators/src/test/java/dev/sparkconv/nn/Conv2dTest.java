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

class Conv2dTest {

  /** One sweep point; the name states every parameter so a failure says which. */
  record Case(int n, int c, int o, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
      int g, boolean bias) {
    @Override
    public String toString() {
      return "b" + n + "_c" + c + "_o" + o + "_in" + h + "x" + w + "_k" + kh + "x" + kw + "_s" + sh + "x" + sw
          + "_p" + ph + "x" + pw + "_d" + dh + "x" + dw + "_g" + g + (bias ? "_bias" : "_nobias");
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(1, 3, 4, 8, 8, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),
        new Case(2, 3, 5, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
        new Case(2, 4, 6, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 2, true),
        new Case(1, 2, 3, 11, 10, 3, 3, 1, 1, 2, 2, 2, 2, 1, false),
        new Case(2, 6, 6, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 6, true),     // depthwise
        new Case(1, 4, 8, 6, 5, 3, 3, 2, 1, 1, 1, 1, 1, 4, true),     // depthwise, multiplier 2
        new Case(3, 5, 7, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),     // 1x1 stride 1: GEMM on the input
        new Case(2, 4, 6, 3, 5, 1, 1, 1, 1, 0, 0, 1, 1, 2, false),    // same, grouped
        new Case(1, 3, 4, 7, 7, 1, 1, 2, 2, 0, 0, 1, 1, 1, true),     // 1x1 stride 2: im2col
        new Case(1, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, true),     // 1x1 with padding
        new Case(2, 2, 3, 3, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1, true),     // kernel larger than the input
        new Case(1, 2, 2, 10, 11, 2, 2, 3, 3, 0, 0, 1, 1, 1, true),   // stride larger than the kernel
        new Case(2, 3, 4, 9, 12, 3, 5, 1, 2, 1, 2, 2, 1, 1, true),    // non-square everything
        new Case(1, 3, 3, 13, 17, 4, 4, 3, 3, 2, 2, 1, 1, 3, false),  // odd sizes, even kernel
        new Case(4, 2, 5, 6, 6, 3, 3, 1, 1, 0, 0, 1, 1, 1, false),    // batch 4, no bias
        new Case(1, 2, 2, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),     // 1x1 input, padding only around it
        new Case(1, 3, 2, 5, 5, 3, 3, 2, 2, 3, 1, 3, 1, 1, true),     // padding beyond the dilated reach
        new Case(2, 16, 32, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)); // enough work for GEMM blocking
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesDirectConvolution(Case k) {
    int rows = k.c / k.g * k.kh * k.kw;
    float[] weight = Naive.random(1, k.o * rows);
    float[] bias = k.bias ? Naive.random(2, k.o) : null;
    float[] input = Naive.random(3, k.n * k.c * k.h * k.w);
    Conv2d conv = new Conv2d("conv", k.c, k.o, new int[] {k.kh, k.kw}, new int[] {k.sh, k.sw},
        new int[] {k.ph, k.pw}, new int[] {k.dh, k.dw}, k.g, weight, bias);
    int[] outShape = conv.outputShape(new int[] {k.c, k.h, k.w});
    Tensor out = Tensor.zeros(k.n, outShape[0], outShape[1], outShape[2]);
    ExecutionContext ctx = new ExecutionContext();
    conv.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);

    float[] expected = Naive.conv2d(input, k.n, k.c, k.h, k.w, weight, bias, k.o, k.kh, k.kw, k.sh, k.sw,
        k.ph, k.pw, k.dh, k.dw, k.g);
    Naive.assertClose(expected, out.data(), 1e-5, k.toString());
    // A second run on the same context (reused, dirty scratch) gives the same values.
    conv.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, k + " (second run)");
  }

  @Test
  void countsParametersAndMacs() {
    Conv2d conv = conv3x3(4, 6, 2, new float[6 * 2 * 9], new float[6]);
    assertArrayEquals(new int[] {6, 8, 8}, conv.outputShape(new int[] {4, 8, 8}));
    assertEquals(6 * 2 * 9 + 6, conv.parameterCount());
    assertEquals(6L * 8 * 8 * 2 * 9, conv.macs(new int[] {4, 8, 8}));
  }

  @Test
  void shapeErrorsNameLayerExpectedAndActual() {
    Conv2d c1 = new Conv2d("c1", 1, 6, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1,
        new float[150], null);
    ShapeException channels = assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {3, 32, 32}));
    assertEquals("layer 'c1' (conv2d): expected input (1, H>=5, W>=5) but got (3, 32, 32)", channels.getMessage());
    ShapeException small = assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {1, 4, 32}));
    assertEquals("layer 'c1' (conv2d): expected input (1, H>=5, W>=5) but got (1, 4, 32)", small.getMessage());
    assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {1, 32}));
  }

  @Test
  void constructorErrorsNameOperatorLayerAndParameter() {
    assertParam("stride", () -> new Conv2d("c", 2, 2, new int[] {3, 3}, new int[] {0, 1}, new int[] {0, 0},
        new int[] {1, 1}, 1, new float[36], null));
    assertParam("padding", () -> new Conv2d("c", 2, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {-1, 0},
        new int[] {1, 1}, 1, new float[36], null));
    assertParam("dilation", () -> new Conv2d("c", 2, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
        new int[] {1}, 1, new float[36], null));
    assertParam("kernel", () -> new Conv2d("c", 2, 2, null, new int[] {1, 1}, new int[] {0, 0},
        new int[] {1, 1}, 1, new float[36], null));
    assertParam("groups", () -> conv3x3(4, 6, 4, new float[6 * 9], null));
    assertParam("weight", () -> conv3x3(2, 2, 1, new float[35], null));
    assertParam("bias", () -> conv3x3(2, 2, 1, new float[36], new float[3]));
    assertParam("inChannels", () -> conv3x3(0, 2, 1, new float[0], null));
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> new Conv2d("", 2, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1,
            new float[36], null));
    assertTrue(name.getMessage().contains("conv2d") && name.getMessage().contains("'name'"), name.getMessage());
  }

  @Test
  void copiesItsArraysSoCallersCannotMutateIt() {
    float[] weight = Naive.random(7, 36);
    int[] stride = {1, 1};
    Conv2d conv = new Conv2d("c", 2, 2, new int[] {3, 3}, stride, new int[] {0, 0}, new int[] {1, 1}, 1,
        weight, null);
    float[] input = Naive.random(8, 2 * 5 * 5);
    Tensor before = Tensor.zeros(1, 2, 3, 3);
    conv.forward(Tensor.wrap(input, 1, 2, 5, 5), before, new ExecutionContext());
    weight[0] = 100;
    stride[0] = 2;
    Tensor after = Tensor.zeros(1, 2, 3, 3);
    conv.forward(Tensor.wrap(input, 1, 2, 5, 5), after, new ExecutionContext());
    assertEquals(before, after);
  }

  private static Conv2d conv3x3(int c, int o, int g, float[] weight, float[] bias) {
    return new Conv2d("c", c, o, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, g,
        weight, bias);
  }

  static void assertParam(String parameter, org.junit.jupiter.api.function.Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().matches("^\\w+ '\\w+': parameter '" + parameter + "' .*"), e.getMessage());
  }
}
