package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tiled convolution and the locally connected layer against the textbook loop, and against each other. */
class UnsharedConv2dTest {

  /** tile null: locally connected. */
  record Case(int n, int c, int o, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
      int[] tile, boolean bias) {
    @Override
    public String toString() {
      return (tile == null ? "local" : "tile" + tile[0] + "x" + tile[1]) + "_b" + n + "_c" + c + "_o" + o + "_in"
          + h + "x" + w + "_k" + kh + "x" + kw + "_s" + sh + "x" + sw + "_p" + ph + "x" + pw + "_d" + dh + "x" + dw
          + (bias ? "_bias" : "_nobias");
    }

    int outH() {
      return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    int outW() {
      return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    int[] tileOrOutput() {
      return tile == null ? new int[] {outH(), outW()} : tile;
    }
  }

  private static int[] a(int... v) {
    return v;
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(2, 3, 4, 6, 6, 3, 3, 1, 1, 0, 0, 1, 1, null, true),
        new Case(1, 2, 3, 7, 6, 3, 2, 2, 1, 1, 0, 1, 2, null, false),
        new Case(300, 1, 2, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, null, true),     // batch beyond one GEMM's columns
        new Case(1, 4, 5, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, null, true),       // 1x1: per-pixel linear maps
        new Case(2, 3, 4, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, a(1, 1), true),    // an ordinary convolution
        new Case(2, 3, 4, 8, 9, 3, 3, 1, 1, 1, 1, 1, 1, a(2, 3), true),
        new Case(1, 2, 3, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, a(2, 2), false),
        new Case(5, 2, 2, 11, 10, 3, 3, 1, 1, 0, 0, 2, 1, a(3, 2), true),  // dilation; 3 samples per GEMM
        new Case(1, 2, 2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, a(3, 5), true),    // tile beyond the 2x2 output
        new Case(1, 2, 3, 6, 7, 2, 3, 1, 2, 1, 1, 1, 1, a(7, 4), true));   // tile = output: locally connected
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesDirectLoop(Case k) {
    int[] t = k.tileOrOutput();
    float[] weight = Naive.random(21, t[0] * t[1] * k.o * k.c * k.kh * k.kw);
    float[] bias = k.bias ? Naive.random(22, k.o * t[0] * t[1]) : null;
    float[] input = Naive.random(23, k.n * k.c * k.h * k.w);
    UnsharedConv2d layer = build(k, weight, bias);
    int[] outShape = layer.outputShape(a(k.c, k.h, k.w));
    assertArrayEquals(a(k.o, k.outH(), k.outW()), outShape);
    float[] expected = direct(input, k, weight, bias);
    Tensor out = Tensor.zeros(k.n, k.o, k.outH(), k.outW());
    ExecutionContext ctx = new ExecutionContext();
    layer.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, k.toString());
    Arrays.fill(out.data(), Float.NaN);
    layer.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, k + " (second run)");
  }

  private static UnsharedConv2d build(Case k, float[] weight, float[] bias) {
    int[] kernel = a(k.kh, k.kw);
    int[] stride = a(k.sh, k.sw);
    int[] padding = a(k.ph, k.pw);
    int[] dilation = a(k.dh, k.dw);
    return k.tile == null
        ? new LocallyConnected2d("lc", k.c, k.o, a(k.h, k.w), kernel, stride, padding, dilation, weight, bias)
        : new TiledConv2d("tc", k.c, k.o, kernel, stride, padding, dilation, k.tile, weight, bias);
  }

  /** out[n][o][y][x] = bias[o][y%tH][x%tW] + sum in * W[y%tH][x%tW][o][c][ky][kx], zero outside; doubles. */
  static float[] direct(float[] in, Case k, float[] weight, float[] bias) {
    int[] t = k.tileOrOutput();
    int oh = k.outH();
    int ow = k.outW();
    float[] out = new float[k.n * k.o * oh * ow];
    int idx = 0;
    for (int b = 0; b < k.n; b++) {
      for (int o = 0; o < k.o; o++) {
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            int ty = y % t[0];
            int tx = x % t[1];
            double s = bias == null ? 0 : bias[(o * t[0] + ty) * t[1] + tx];
            for (int c = 0; c < k.c; c++) {
              for (int ky = 0; ky < k.kh; ky++) {
                for (int kx = 0; kx < k.kw; kx++) {
                  int iy = y * k.sh - k.ph + ky * k.dh;
                  int ix = x * k.sw - k.pw + kx * k.dw;
                  if (iy >= 0 && iy < k.h && ix >= 0 && ix < k.w) {
                    int wi = ((((ty * t[1] + tx) * k.o + o) * k.c + c) * k.kh + ky) * k.kw + kx;
                    s += (double) in[((b * k.c + c) * k.h + iy) * k.w + ix] * weight[wi];
                  }
                }
              }
            }
            out[idx++] = (float) s;
          }
        }
      }
    }
    return out;
  }

  @Test
  void tileOneIsConvolutionAndTileOutputIsLocallyConnected() {
    float[] weight = Naive.random(31, 4 * 3 * 9);
    float[] bias = Naive.random(32, 4);
    float[] input = Naive.random(33, 2 * 3 * 7 * 8);
    TiledConv2d tiled = new TiledConv2d("t", 3, 4, a(3, 3), a(1, 2), a(1, 1), a(1, 1), a(1, 1), weight, bias);
    Tensor out = Tensor.zeros(2, 4, 7, 4);
    tiled.forward(Tensor.wrap(input, 2, 3, 7, 8), out, new ExecutionContext());
    Naive.assertClose(Naive.conv2d(input, 2, 3, 7, 8, weight, bias, 4, 3, 3, 1, 2, 1, 1, 1, 1, 1), out.data(), 1e-5,
        "tile 1x1 vs conv2d");

    float[] local = Naive.random(34, 7 * 4 * 4 * 3 * 9);
    float[] localBias = Naive.random(35, 4 * 7 * 4);
    LocallyConnected2d lc = new LocallyConnected2d("l", 3, 4, a(7, 8), a(3, 3), a(1, 2), a(1, 1), a(1, 1), local,
        localBias);
    TiledConv2d full = new TiledConv2d("t", 3, 4, a(3, 3), a(1, 2), a(1, 1), a(1, 1), a(7, 4), local, localBias);
    Tensor a = Tensor.zeros(2, 4, 7, 4);
    Tensor b = Tensor.zeros(2, 4, 7, 4);
    lc.forward(Tensor.wrap(input, 2, 3, 7, 8), a, new ExecutionContext());
    full.forward(Tensor.wrap(input, 2, 3, 7, 8), b, new ExecutionContext());
    assertEquals(a, b);
    assertArrayEquals(a(7, 4), lc.outputSize());
    assertEquals(7L * 4 * 4 * 3 * 9 + 4 * 7 * 4, lc.parameterCount());
    assertEquals(4L * 7 * 4 * 3 * 9, lc.macs(a(3, 7, 8)));
  }

  @Test
  void locallyConnectedTakesOnlyItsInputSize() {
    LocallyConnected2d lc = new LocallyConnected2d("lc1", 2, 3, a(5, 6), a(3, 3), a(1, 1), a(0, 0), a(1, 1),
        new float[3 * 4 * 3 * 2 * 9], null);
    assertArrayEquals(a(3, 3, 4), lc.outputShape(a(2, 5, 6)));
    ShapeException e = assertThrows(ShapeException.class, () -> lc.outputShape(a(2, 6, 6)));
    assertEquals("layer 'lc1' (locally_connected2d): expected input (2, 5, 6) (its weights are per output "
        + "position) but got (2, 6, 6)", e.getMessage());
    TiledConv2d tc = new TiledConv2d("tc1", 2, 3, a(3, 3), a(1, 1), a(0, 0), a(1, 1), a(2, 2),
        new float[4 * 3 * 2 * 9], null);
    assertArrayEquals(a(3, 8, 9), tc.outputShape(a(2, 10, 11))); // any size, like a convolution
    ShapeException small = assertThrows(ShapeException.class, () -> tc.outputShape(a(2, 2, 11)));
    assertEquals("layer 'tc1' (tiled_conv2d): expected input (2, H>=3, W>=3) but got (2, 2, 11)", small.getMessage());
  }

  @Test
  void constructorErrorsNameOperatorLayerAndParameter() {
    ConvTest.assertParam("weight", () -> new LocallyConnected2d("l", 2, 3, a(5, 5), a(3, 3), a(1, 1), a(0, 0),
        a(1, 1), new float[3 * 2 * 9], null));
    ConvTest.assertParam("bias", () -> new LocallyConnected2d("l", 2, 3, a(5, 5), a(3, 3), a(1, 1), a(0, 0),
        a(1, 1), new float[9 * 3 * 2 * 9], new float[3]));
    ConvTest.assertParam("inputSize", () -> new LocallyConnected2d("l", 2, 3, a(2, 5), a(3, 3), a(1, 1),
        a(0, 0), a(1, 1), new float[0], null));
    ConvTest.assertParam("inputSize", () -> new LocallyConnected2d("l", 2, 3, null, a(3, 3), a(1, 1), a(0, 0),
        a(1, 1), new float[0], null));
    ConvTest.assertParam("tile", () -> new TiledConv2d("t", 2, 3, a(3, 3), a(1, 1), a(0, 0), a(1, 1), a(0, 2),
        new float[0], null));
    ConvTest.assertParam("tile", () -> new TiledConv2d("t", 2, 3, a(3, 3), a(1, 1), a(0, 0), a(1, 1), null,
        new float[0], null));
    ConvTest.assertParam("stride", () -> new TiledConv2d("t", 2, 3, a(3, 3), a(0, 1), a(0, 0), a(1, 1), a(1, 1),
        new float[54], null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TiledConv2d("t", 2, 3,
        a(3, 3), a(1, 1), a(0, 0), a(1, 1), a(2, 2), new float[54], null));
    assertEquals("tiled_conv2d 't': parameter 'weight' must hold tH*tW*outC*inC*kH*kW = 216 values but is 54 values",
        e.getMessage());
  }
}
