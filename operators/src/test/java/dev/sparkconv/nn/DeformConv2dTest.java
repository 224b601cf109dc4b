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

/**
 * Deformable convolution against the papers' formula: the offset conv as a direct loop, then
 * x(p) = sum over image pixels q of max(0, 1 - |qy - py|) * max(0, 1 - |qx - px|) * x(q) (Dai et al.,
 * eq. 3-4), in doubles, never through the layer's columns or GEMM.
 */
class DeformConv2dTest {

  record Case(int n, int c, int o, int h, int w, int k, int s, int p, int d, int g, int og, boolean modulated,
      double offsetScale, boolean bias) {
    @Override
    public String toString() {
      return (modulated ? "v2" : "v1") + "_b" + n + "_c" + c + "_o" + o + "_in" + h + "x" + w + "_k" + k + "_s" + s
          + "_p" + p + "_d" + d + "_g" + g + "_og" + og + "_offx" + offsetScale + (bias ? "_bias" : "_nobias");
    }

    int out(int size) {
      return (size + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    int offsetChannels() {
      return (modulated ? 3 : 2) * og * k * k;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(1, 3, 4, 6, 7, 3, 1, 1, 1, 1, 1, false, 1, true),
        new Case(2, 4, 6, 7, 6, 3, 1, 1, 1, 2, 2, false, 1, true),
        new Case(1, 4, 4, 8, 8, 3, 2, 1, 1, 1, 4, true, 1, true),    // stride 2, one offset group per channel
        new Case(2, 2, 3, 9, 8, 3, 1, 2, 2, 1, 1, true, 1, false),   // dilation
        new Case(1, 3, 2, 6, 6, 3, 1, 1, 1, 1, 1, false, 12, true),  // offsets far outside the image
        new Case(1, 4, 4, 5, 7, 2, 1, 0, 1, 2, 2, true, 8, true),    // even kernel, groups, outside
        new Case(1, 8, 16, 10, 10, 3, 1, 1, 1, 1, 2, true, 2, true)); // enough work for GEMM blocking
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPaperFormula(Case k) {
    int taps = k.k * k.k;
    float[] weight = Naive.random(41, k.o * k.c / k.g * taps);
    float[] bias = k.bias ? Naive.random(42, k.o) : null;
    float[] offsetWeight = Naive.random(43, k.offsetChannels() * k.c * taps);
    for (int i = 0; i < offsetWeight.length; i++) {
      offsetWeight[i] *= (float) k.offsetScale;
    }
    float[] offsetBias = Naive.random(44, k.offsetChannels());
    float[] input = Naive.random(45, k.n * k.c * k.h * k.w);
    DeformConv2d layer = build(k, weight, bias, offsetWeight, offsetBias);
    assertArrayEquals(new int[] {k.o, k.out(k.h), k.out(k.w)}, layer.outputShape(new int[] {k.c, k.h, k.w}));
    float[] expected = reference(input, k, weight, bias, offsetWeight, offsetBias);
    Tensor out = Tensor.zeros(k.n, k.o, k.out(k.h), k.out(k.w));
    ExecutionContext ctx = new ExecutionContext();
    layer.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-4, k.toString());
    Arrays.fill(out.data(), Float.NaN);
    layer.forward(Tensor.wrap(input, k.n, k.c, k.h, k.w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-4, k + " (second run)");
  }

  private static DeformConv2d build(Case k, float[] weight, float[] bias, float[] offsetWeight, float[] offsetBias) {
    return new DeformConv2d("dcn", k.c, k.o, new int[] {k.k, k.k}, new int[] {k.s, k.s}, new int[] {k.p, k.p},
        new int[] {k.d, k.d}, k.g, k.og, k.modulated, weight, bias, offsetWeight, offsetBias);
  }

  static float[] reference(float[] in, Case k, float[] weight, float[] bias, float[] offsetWeight,
      float[] offsetBias) {
    int oh = k.out(k.h);
    int ow = k.out(k.w);
    int taps = k.k * k.k;
    int plane = oh * ow;
    float[] offsets = Naive.conv2d(in, k.n, k.c, k.h, k.w, offsetWeight, offsetBias, k.offsetChannels(), k.k, k.k,
        k.s, k.s, k.p, k.p, k.d, k.d, 1);
    int cg = k.c / k.g;
    int og = k.o / k.g;
    int perOffsetGroup = k.c / k.og;
    float[] out = new float[k.n * k.o * plane];
    for (int b = 0; b < k.n; b++) {
      int offBase = b * k.offsetChannels() * plane;
      for (int oc = 0; oc < k.o; oc++) {
        int g = oc / og;
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            double sum = bias == null ? 0 : bias[oc];
            for (int ci = 0; ci < cg; ci++) {
              int c = g * cg + ci;
              int group = c / perOffsetGroup;
              for (int ky = 0; ky < k.k; ky++) {
                for (int kx = 0; kx < k.k; kx++) {
                  int t = ky * k.k + kx;
                  int pos = y * ow + x;
                  double dy = offsets[offBase + (2 * (group * taps + t)) * plane + pos];
                  double dx = offsets[offBase + (2 * (group * taps + t) + 1) * plane + pos];
                  double mask = 1;
                  if (k.modulated) {
                    double logit = offsets[offBase + (2 * k.og * taps + group * taps + t) * plane + pos];
                    mask = 1 / (1 + Math.exp(-logit));
                  }
                  double py = y * k.s - k.p + ky * k.d + dy;
                  double px = x * k.s - k.p + kx * k.d + dx;
                  double v = 0;
                  for (int qy = (int) Math.floor(py); qy <= Math.floor(py) + 1; qy++) {
                    for (int qx = (int) Math.floor(px); qx <= Math.floor(px) + 1; qx++) {
                      if (qy >= 0 && qy < k.h && qx >= 0 && qx < k.w) {
                        double gw = Math.max(0, 1 - Math.abs(qy - py)) * Math.max(0, 1 - Math.abs(qx - px));
                        v += gw * in[((b * k.c + c) * k.h + qy) * k.w + qx];
                      }
                    }
                  }
                  sum += mask * v * weight[((oc * cg + ci) * k.k + ky) * k.k + kx];
                }
              }
            }
            out[(b * k.o + oc) * plane + y * ow + x] = (float) sum;
          }
        }
      }
    }
    return out;
  }

  @Test
  void zeroOffsetsAreAnOrdinaryConvolutionAndV2HalvesIt() {
    Case k = new Case(2, 4, 6, 7, 8, 3, 2, 1, 1, 2, 2, false, 0, true);
    float[] weight = Naive.random(51, 6 * 2 * 9);
    float[] bias = Naive.random(52, 6);
    float[] input = Naive.random(53, 2 * 4 * 7 * 8);
    float[] conv = Naive.conv2d(input, 2, 4, 7, 8, weight, bias, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2);
    DeformConv2d v1 = build(k, weight, bias, new float[2 * 2 * 9 * 4 * 9], null);
    Tensor out = Tensor.zeros(2, 6, 4, 4);
    v1.forward(Tensor.wrap(input, 2, 4, 7, 8), out, new ExecutionContext());
    Naive.assertClose(conv, out.data(), 1e-5, "v1 with zero offsets vs conv2d");

    // v2 with zero offset weights: mask sigmoid(0) = 1/2 on every sample.
    Case k2 = new Case(2, 4, 6, 7, 8, 3, 2, 1, 1, 2, 2, true, 0, false);
    float[] half = Naive.conv2d(input, 2, 4, 7, 8, weight, null, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2);
    for (int i = 0; i < half.length; i++) {
      half[i] *= 0.5f;
    }
    DeformConv2d v2 = build(k2, weight, null, new float[3 * 2 * 9 * 4 * 9], new float[3 * 2 * 9]);
    v2.forward(Tensor.wrap(input, 2, 4, 7, 8), out, new ExecutionContext());
    Naive.assertClose(half, out.data(), 1e-5, "v2 with zero offsets vs conv2d / 2");
    assertEquals(3 * 2 * 9, v2.offsetChannels());
    assertEquals(6 * 2 * 9 + 3 * 2 * 9 * 4 * 9 + 3 * 2 * 9, v2.parameterCount());
    assertEquals(16L * (6 * 2 * 9 + 3 * 2 * 9 * 4 * 9), v2.macs(new int[] {4, 7, 8}));
  }

  @Test
  void wholePixelOffsetsShiftTheSamples() {
    // 1x1 kernel, offset (dy, dx) = (1, -2) from the offset bias: out(y, x) = in(y + 1, x - 2), zero outside.
    float[] input = Naive.random(61, 5 * 6);
    DeformConv2d shift = new DeformConv2d("s", 1, 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0},
        new int[] {1, 1}, 1, 1, false, new float[] {1f}, null, new float[2], new float[] {1f, -2f});
    Tensor out = Tensor.zeros(1, 1, 5, 6);
    shift.forward(Tensor.wrap(input, 1, 1, 5, 6), out, new ExecutionContext());
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 6; x++) {
        float expected = y + 1 < 5 && x - 2 >= 0 ? input[(y + 1) * 6 + x - 2] : 0f;
        assertEquals(expected, out.data()[y * 6 + x], "(" + y + ", " + x + ")");
      }
    }
  }

  @Test
  void constructorErrorsNameOperatorLayerAndParameter() {
    ConvTest.assertParam("offsetGroups", () -> dcn(4, 4, 1, 3, false, new float[4 * 4 * 9],
        new float[2 * 3 * 9 * 4 * 9]));
    ConvTest.assertParam("groups", () -> dcn(4, 6, 4, 1, false, new float[6 * 9], new float[2 * 9 * 4 * 9]));
    ConvTest.assertParam("weight", () -> dcn(4, 4, 2, 1, false, new float[4 * 4 * 9], new float[2 * 9 * 4 * 9]));
    ConvTest.assertParam("offsetWeight", () -> dcn(4, 4, 1, 1, true, new float[4 * 4 * 9],
        new float[2 * 9 * 4 * 9]));
    ConvTest.assertParam("offsetWeight", () -> dcn(4, 4, 1, 1, false, new float[4 * 4 * 9], null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dcn(4, 4, 1, 2, true, new float[4 * 4 * 9], new float[2 * 2 * 9 * 4 * 9]));
    assertEquals("deform_conv2d 'd': parameter 'offsetWeight' must hold (3*offsetGroups*kH*kW)*inC*kH*kW = 1944 "
        + "values but is 1296 values", e.getMessage());
  }

  private static DeformConv2d dcn(int c, int o, int g, int og, boolean modulated, float[] weight, float[] offsets) {
    return new DeformConv2d("d", c, o, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, g, og,
        modulated, weight, null, offsets, null);
  }
}
