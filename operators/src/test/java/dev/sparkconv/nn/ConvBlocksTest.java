package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkconv.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Channel shuffle, and the factored blocks against one {@link Naive#conv} whose kernels are the outer
 * products the blocks stand for (separable: vertical x horizontal; flattened: lateral x vertical x horizontal).
 */
class ConvBlocksTest {

  @Test
  void shuffleInterleavesTheGroups() {
    float[] in = {0, 1, 2, 3, 4, 5};
    Tensor out = Tensor.zeros(1, 6, 1);
    new ChannelShuffle("s", 2).forward(Tensor.wrap(in, 1, 6, 1), out, new ExecutionContext());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, out.data());
    new ChannelShuffle("s", 3).forward(Tensor.wrap(in, 1, 6, 1), out, new ExecutionContext());
    assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, out.data());
  }

  /** Shuffling by g then by C/g is the transpose of the transpose: the identity, for any rank and batch. */
  @ParameterizedTest(name = "c{0} g{1} rank{2}")
  @CsvSource({"12, 3, 1", "12, 4, 2", "8, 2, 3", "6, 1, 2", "6, 6, 2"})
  void shuffleTwiceIsTheIdentity(int c, int g, int rank) {
    int[] shape = new int[rank + 1];
    shape[0] = c;
    java.util.Arrays.fill(shape, 1, rank + 1, 3);
    int[] batched = ConvTest.concat(new int[] {2}, shape);
    float[] in = Naive.random(1, Naive.product(batched));
    Tensor mid = Tensor.zeros(batched);
    Tensor back = Tensor.zeros(batched);
    ExecutionContext ctx = new ExecutionContext();
    new ChannelShuffle("a", g).forward(Tensor.wrap(in, batched), mid, ctx);
    new ChannelShuffle("b", c / g).forward(mid, back, ctx);
    assertArrayEquals(in, back.data());
  }

  @Test
  void shuffleRejectsChannelsItCannotSplit() {
    ChannelShuffle s = new ChannelShuffle("s", 4);
    assertEquals("layer 's' (channel_shuffle): expected input (C, ...) with C divisible by groups 4 but got (6, 3)",
        assertThrows(ShapeException.class, () -> s.outputShape(new int[] {6, 3})).getMessage());
    ConvTest.assertParam("groups", () -> new ChannelShuffle("s", 0));
  }

  /** Block sweep: n, c, o, h, w, kh, kw, stride, padding {t, l, b, r}, dilation, groups, mode, bias. */
  static Stream<Arguments> blocks() {
    return Stream.of(
        Arguments.of(1, 3, 4, 7, 8, 3, 3, ones(), pad(1, 1, 1, 1), ones(), 1, PaddingMode.ZEROS, true),
        Arguments.of(2, 4, 6, 9, 7, 5, 3, new int[] {2, 1}, pad(2, 0, 1, 2), ones(), 2, PaddingMode.ZEROS, false),
        Arguments.of(1, 2, 3, 6, 6, 3, 5, ones(), pad(1, 2, 1, 2), new int[] {1, 2}, 1, PaddingMode.REFLECT, true),
        Arguments.of(2, 2, 2, 5, 6, 3, 3, new int[] {1, 2}, pad(2, 1, 0, 1), ones(), 1, PaddingMode.REPLICATE, true),
        Arguments.of(1, 4, 4, 6, 5, 4, 2, ones(), pad(1, 0, 2, 1), ones(), 4, PaddingMode.CIRCULAR, true));
  }

  @ParameterizedTest(name = "separable b{0} c{1} o{2} in{3}x{4} k{5}x{6} {11}")
  @MethodSource("blocks")
  void separableIsAConvolutionWithOuterProductKernels(int n, int c, int o, int h, int w, int kh, int kw,
      int[] stride, int[] padding, int[] dilation, int groups, PaddingMode mode, boolean hasBias) {
    float[] v = Naive.random(1, o * c / groups * kh);
    float[] hz = Naive.random(2, o * kw);
    float[] bias = hasBias ? Naive.random(3, o) : null;
    SeparableConv2d block = new SeparableConv2d("sep", c, o, new int[] {kh, kw}, stride, padding, dilation, groups,
        mode, v, hz, bias);
    int cg = c / groups;
    float[] kernel = new float[o * cg * kh * kw];
    for (int oc = 0; oc < o; oc++) {
      for (int ci = 0; ci < cg; ci++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            kernel[((oc * cg + ci) * kh + y) * kw + x] = v[(oc * cg + ci) * kh + y] * hz[oc * kw + x];
          }
        }
      }
    }
    check(block, n, c, h, w, kernel, bias, o, kh, kw, stride, padding, dilation, groups, mode);
    assertEquals(v.length + hz.length + (hasBias ? o : 0), block.parameterCount());
  }

  @ParameterizedTest(name = "flattened b{0} c{1} o{2} in{3}x{4} k{5}x{6} {11}")
  @MethodSource("blocks")
  void flattenedIsAConvolutionWithRankOneFilters(int n, int c, int o, int h, int w, int kh, int kw,
      int[] stride, int[] padding, int[] dilation, int groups, PaddingMode mode, boolean hasBias) {
    float[] lat = Naive.random(4, o * c);
    float[] v = Naive.random(5, o * kh);
    float[] hz = Naive.random(6, o * kw);
    float[] bias = hasBias ? Naive.random(7, o) : null;
    FlattenedConv2d block = new FlattenedConv2d("flat", c, o, new int[] {kh, kw}, stride, padding, dilation, mode,
        lat, v, hz, bias);
    float[] kernel = new float[o * c * kh * kw];
    for (int oc = 0; oc < o; oc++) {
      for (int ci = 0; ci < c; ci++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            kernel[((oc * c + ci) * kh + y) * kw + x] = lat[oc * c + ci] * v[oc * kh + y] * hz[oc * kw + x];
          }
        }
      }
    }
    check(block, n, c, h, w, kernel, bias, o, kh, kw, stride, padding, dilation, 1, mode);
    assertEquals((long) o * (c + kh + kw) + (hasBias ? o : 0), block.parameterCount());
  }

  private static void check(FactoredConv2d block, int n, int c, int h, int w, float[] kernel, float[] bias, int o,
      int kh, int kw, int[] stride, int[] padding, int[] dilation, int groups, PaddingMode mode) {
    float[] input = Naive.random(9, n * c * h * w);
    int[] outShape = block.outputShape(new int[] {c, h, w});
    Tensor out = Tensor.zeros(n, outShape[0], outShape[1], outShape[2]);
    ExecutionContext ctx = new ExecutionContext();
    block.forward(Tensor.wrap(input, n, c, h, w), out, ctx);
    float[] expected = Naive.conv(input, n, c, new int[] {h, w}, kernel, bias, o, new int[] {kh, kw}, stride,
        padding, dilation, groups, mode.specName(), false);
    Naive.assertClose(expected, out.data(), 1e-5, block.toString());
    block.forward(Tensor.wrap(input, n, c, h, w), out, ctx);
    Naive.assertClose(expected, out.data(), 1e-5, block + " (second run)");
    assertArrayEquals(new int[] {kh, kw}, block.kernel());
    assertArrayEquals(padding, block.padding());
  }

  @Test
  void blocksCountMacsPerStageAndNameTheirShapeErrors() {
    FlattenedConv2d f = new FlattenedConv2d("f", 3, 4, new int[] {3, 3}, ones(), new int[] {0, 0}, ones(),
        PaddingMode.ZEROS, new float[12], new float[12], new float[12], null);
    assertArrayEquals(new int[] {4, 6, 4}, f.outputShape(new int[] {3, 8, 6}));
    assertEquals(4L * 8 * 6 * 3 + 4L * 6 * 6 * 3 + 4L * 6 * 4 * 3, f.macs(new int[] {3, 8, 6}));
    assertEquals("layer 'f' (flattened_conv2d): expected input (3, H>=3, W>=3) but got (3, 2, 6)",
        assertThrows(ShapeException.class, () -> f.outputShape(new int[] {3, 2, 6})).getMessage());
  }

  static Stream<Arguments> invalidBlocks() {
    return Stream.of(
        bad("separable negative padding", "padding", () -> separable(pad(-1, 0, 0, 0), 1, 18, 6, 2)),
        bad("separable padding of 3", "padding", () -> separable(new int[3], 1, 18, 6, 2)),
        bad("separable groups", "groups", () -> separable(new int[2], 4, 18, 6, 2)),
        bad("separable vertical weight", "verticalWeight", () -> separable(new int[2], 1, 17, 6, 2)),
        bad("separable horizontal weight", "horizontalWeight", () -> separable(new int[2], 1, 18, 5, 2)),
        bad("separable bias", "bias", () -> separable(new int[2], 1, 18, 6, 3)),
        bad("separable kernel", "kernel", () -> new SeparableConv2d("s", 3, 2, new int[] {3}, ones(), new int[2],
            ones(), 1, PaddingMode.ZEROS, new float[18], new float[6], null)),
        bad("separable mode", "paddingMode", () -> new SeparableConv2d("s", 3, 2, new int[] {3, 3}, ones(),
            new int[2], ones(), 1, null, new float[18], new float[6], null)),
        bad("flattened lateral weight", "lateralWeight", () -> new FlattenedConv2d("f", 3, 2, new int[] {3, 3},
            ones(), new int[2], ones(), PaddingMode.ZEROS, new float[5], new float[6], new float[6], null)),
        bad("flattened stride", "stride", () -> new FlattenedConv2d("f", 3, 2, new int[] {3, 3}, new int[] {0, 1},
            new int[2], ones(), PaddingMode.ZEROS, new float[6], new float[6], new float[6], null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBlocks")
  void constructorErrorsNameOperatorLayerAndParameter(String label, String parameter, Executable build) {
    ConvTest.assertParam(parameter, build);
  }

  private static SeparableConv2d separable(int[] padding, int groups, int vertical, int horizontal, int bias) {
    return new SeparableConv2d("s", 3, 2, new int[] {3, 3}, ones(), padding, ones(), groups, PaddingMode.ZEROS,
        new float[vertical], new float[horizontal], new float[bias]);
  }

  private static Arguments bad(String label, String parameter, Executable build) {
    return Arguments.of(label, parameter, build);
  }

  private static int[] ones() {
    return new int[] {1, 1};
  }

  private static int[] pad(int top, int left, int bottom, int right) {
    return new int[] {top, left, bottom, right};
  }
}
