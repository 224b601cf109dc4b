package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.kernel.Kernels;
import dev.sparkconv.kernel.Nchwc;
import dev.sparkconv.kernel.ScalarNchwc;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel-blocked (NCHWc) path against the plain one (itself tested against PyTorch fixtures): each blocked
 * convolution kernel, vector and scalar, on tail channel counts and odd maps; the blocked element-wise steps; and
 * whole MobileNetV2- and ResNet-like networks planned with and without the blocked layout, intermediate targets
 * included.
 */
class BlockedLayoutTest {

  /** The kernels under test: the vector one when the module is there, and scalar ones with B = 16, 8 and 3. */
  static List<Nchwc> kernels() {
    List<Nchwc> k = new ArrayList<>();
    if (Kernels.nchwc() != null) {
      k.add(Kernels.nchwc());
    }
    k.add(new ScalarNchwc(16));
    k.add(new ScalarNchwc(8));
    k.add(new ScalarNchwc(3));
    return k;
  }

  /** name, channels, out channels, H, W, k, stride, pad, dilation, groups, clamp */
  static Stream<Arguments> convCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] dw = { // c, h, w, k, s, p, d
        {3, 7, 7, 3, 1, 1, 1}, {17, 13, 11, 3, 1, 1, 1}, {33, 13, 11, 3, 2, 1, 1}, {17, 1, 1, 3, 1, 1, 1},
        {16, 7, 7, 3, 2, 1, 1}, {17, 13, 11, 3, 2, 0, 1}, {17, 13, 11, 3, 1, 2, 2}, {3, 13, 11, 5, 1, 2, 1},
        {33, 9, 8, 5, 2, 2, 1}, {17, 14, 14, 3, 1, 0, 1}, {8, 2, 3, 3, 1, 1, 1}, {32, 15, 15, 3, 1, 1, 1},
        {17, 57, 56, 3, 2, 1, 1}, {16, 113, 112, 3, 1, 1, 1}};
    for (int[] c : dw) {
      cases.add(Arguments.of(String.format("depthwise c%d in%dx%d k%d s%d p%d d%d", c[0], c[1], c[2], c[3], c[4],
          c[5], c[6]), c[0], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[0]));
    }
    int[][] pw = { // in, out, h, w
        {3, 17, 7, 7}, {17, 33, 13, 11}, {33, 3, 1, 1}, {16, 32, 7, 7}, {32, 16, 5, 5}, {17, 48, 2, 3},
        {64, 40, 13, 11}, {24, 144, 7, 5}, {20, 70, 9, 7}, {33, 128, 4, 4}, {40, 64, 7, 7}, {24, 72, 7, 7}};
    for (int[] c : pw) {
      cases.add(Arguments.of(String.format("pointwise c%d o%d in%dx%d", c[0], c[1], c[2], c[3]), c[0], c[1], c[2],
          c[3], 1, 1, 0, 1, 1));
    }
    int[][] direct = { // in, out, h, w, k, s, p, d, groups
        {3, 17, 5, 7, 3, 1, 1, 1, 1}, {17, 33, 9, 9, 3, 2, 1, 1, 1}, {33, 3, 9, 9, 5, 1, 2, 1, 1},
        {17, 17, 9, 9, 3, 1, 2, 2, 1}, {16, 32, 7, 7, 1, 2, 0, 1, 1}, {17, 48, 9, 9, 5, 2, 2, 1, 1},
        {3, 16, 9, 9, 7, 2, 3, 1, 1}, {16, 32, 6, 6, 3, 1, 0, 1, 1}, {17, 17, 5, 7, 1, 1, 1, 1, 1},
        {33, 65, 5, 7, 3, 2, 1, 1, 1}, {96, 96, 5, 6, 5, 1, 2, 1, 2}, {96, 192, 7, 5, 3, 2, 1, 2, 2},
        {20, 70, 7, 9, 3, 1, 1, 1, 1}, {17, 128, 5, 5, 3, 1, 1, 1, 1}, {32, 64, 5, 15, 3, 1, 1, 1, 1}};
    for (int[] c : direct) {
      cases.add(Arguments.of(String.format("direct c%d o%d in%dx%d k%d s%d p%d d%d g%d", c[0], c[1], c[2], c[3],
          c[4], c[5], c[6], c[7], c[8]), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]));
    }
    return cases.stream();
  }

  /** Direct convolutions with padding other on each side (begin {top, left}, end {bottom, right}). */
  @Test
  void directConvolutionWithAsymmetricPaddingMatchesThePlainPath() {
    int[][] cases = { // in, out, k, s, top, left, bottom, right
        {17, 33, 3, 1, 1, 2, 0, 1}, {5, 16, 5, 2, 2, 0, 1, 2}, {33, 17, 3, 2, 0, 1, 1, 0}};
    for (int[] c : cases) {
      Conv conv = new Conv("asymmetric", c[0], c[1], new int[] {c[2], c[2]}, new int[] {c[3], c[3]},
          new int[] {c[4], c[5], c[6], c[7]}, new int[] {1, 1}, 1, Naive.random(1, c[1] * c[0] * c[2] * c[2]),
          Naive.random(2, c[1]));
      assertBlockedMatchesPlain(conv, new int[] {c[0], 9, 8}, Arrays.toString(c));
    }
  }

  /**
   * 3x3 depthwise rows of every width from 1 to 20 at strides 1 and 2 (the vector kernel takes eight or four outputs
   * at a time, then pairs, the last pair overlapping), padding 0 to 2 on each side, and dilation 2 (pairs only).
   */
  @Test
  void depthwiseRowsOfEveryWidthMatchThePlainPath() {
    int[][] pads = {{1, 1, 1, 1}, {0, 0, 0, 0}, {2, 0, 1, 2}, {0, 2, 2, 1}};
    for (int stride = 1; stride <= 2; stride++) {
      for (int dilation = 1; dilation <= 2; dilation++) {
        for (int[] pad : pads) {
          for (int outW = 1; outW <= 20; outW++) {
            int inW = (outW - 1) * stride + 2 * dilation + 1 - pad[1] - pad[3];
            if (inW < 1) {
              continue;
            }
            Conv conv = new Conv("depthwise", 17, 17, new int[] {3, 3}, new int[] {stride, stride}, pad,
                new int[] {dilation, dilation}, 17, Naive.random(1, 17 * 9), Naive.random(2, 17));
            assertBlockedMatchesPlain(conv, new int[] {17, 4 + stride, inW},
                "depthwise out width " + outW + " s" + stride + " d" + dilation + " pad " + Arrays.toString(pad));
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("convCases")
  void blockedConvolutionMatchesThePlainPath(String name, int inC, int outC, int h, int w, int k, int s, int p, int d,
      int groups) {
    Conv conv = new Conv(name, inC, outC, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {d, d},
        groups, Naive.random(1, outC * inC / groups * k * k), Naive.random(2, outC));
    assertBlockedMatchesPlain(conv, new int[] {inC, h, w}, name);
  }

  /**
   * 3x3 stride-1 layers with at least 16 4x4 output tiles run blocked Winograd F(4x4, 3x3): against the definition
   * (Naive.conv, in double), channels that fill no block (17, 33, 20) or one (16, 64), maps whose last tiles are
   * cropped (15x17, 23x14, 30x30), valid, same, full and asymmetric padding, more tiles than one chunk (30x30: 64,
   * chunks of 42 and 22 at B = 16), two and three groups of whole blocks (48 channels: 3, 6 or 16 blocks), a ReLU
   * and a clip. The plan must say Winograd, so a fallback to the direct kernel fails the test.
   */
  @Test
  void blockedWinogradMatchesTheDefinition() {
    int[][] cases = { // in, out, h, w, top, left, bottom, right[, groups]
        {17, 33, 15, 17, 1, 1, 1, 1}, {16, 16, 16, 16, 1, 1, 1, 1}, {33, 20, 23, 14, 0, 0, 0, 0},
        {64, 64, 14, 14, 2, 2, 2, 2}, {20, 17, 30, 30, 1, 1, 1, 1}, {16, 48, 18, 16, 1, 0, 2, 1},
        {96, 96, 13, 13, 1, 1, 1, 1, 2}, {144, 144, 15, 14, 1, 1, 1, 1, 3}};
    for (int[] c : cases) {
      assertBlockedWinogradMatchesTheDefinition(c, 3, 4, 2, true);
    }
  }

  /**
   * In a plan for batches of one sample, 3x3 stride-1 layers with fewer than 16 4x4 output tiles but at least 16
   * 2x2 ones (maps of 7 to 12 a side) run blocked F(2x2, 3x3), 4x4 input tiles: against the definition, channels
   * that fill no block (17, 33, 20) or whole blocks (64 at 8x8, 96 in two groups), cropped last tiles (7x7, 7x8,
   * 11x11), same, valid and asymmetric padding, two groups of whole blocks, batches of one and two, a ReLU and a clip.
   */
  @Test
  void blockedWinograd2x2MatchesTheDefinition() {
    int[][] cases = { // in, out, h, w, top, left, bottom, right[, groups]
        {17, 33, 7, 7, 1, 1, 1, 1}, {64, 64, 8, 8, 1, 1, 1, 1}, {33, 20, 10, 10, 0, 0, 0, 0},
        {20, 17, 7, 8, 0, 1, 2, 1}, {96, 96, 7, 7, 1, 1, 1, 1, 2}, {20, 20, 11, 11, 1, 1, 1, 1}};
    for (int[] c : cases) {
      for (int batch : new int[] {1, 2}) {
        assertBlockedWinogradMatchesTheDefinition(c, 3, 2, batch, true);
      }
    }
  }

  /**
   * 5x5 stride-1 layers run blocked F(2x2, 5x5) (the same 6x6 input tiles, 2x2 outputs each): against the
   * definition, odd channels and maps, same, valid and asymmetric padding, two groups (AlexNet's second layer).
   */
  @Test
  void blockedWinograd5x5MatchesTheDefinition() {
    int[][] cases = { // in, out, h, w, top, left, bottom, right[, groups]
        {17, 33, 15, 17, 2, 2, 2, 2}, {96, 96, 13, 13, 2, 2, 2, 2, 2}, {16, 20, 12, 13, 0, 0, 0, 0},
        {20, 16, 14, 13, 1, 2, 3, 2}};
    for (int[] c : cases) {
      assertBlockedWinogradMatchesTheDefinition(c, 5, 2, 2, true);
    }
  }

  /**
   * 3-D layers with a (kT, 3, 3) kernel, stride 1 in H and W, run blocked Winograd: each tile transforms the kT input
   * frames its output frame reads, whose blocks are the rows of one product per position. Against the definition:
   * kT 3 and 1, frame stride 2, frame dilation 2, frame padding 0 to 2, cropped tiles, 48 input channels (whole
   * blocks for B = 16, 8 and 3). In plans for batches of one sample, a map of fewer than 16 4x4 tiles over its
   * frames (2 frames of 7x7: 8) runs F(2x2, 3x3), one of more (5 of 9x10: 45) F(4x4, 3x3).
   */
  @Test
  void blockedWinograd3dMatchesTheDefinition() {
    int[][] cases = { // in, out, T, H, W, kT, stride T, dilation T, pad T, pad H and W, one sample, m
        {48, 20, 5, 9, 10, 3, 1, 1, 1, 1, 0, 4}, {48, 48, 6, 13, 12, 3, 2, 1, 1, 1, 0, 4},
        {48, 17, 7, 8, 8, 3, 1, 2, 2, 1, 0, 4}, {48, 16, 4, 6, 7, 1, 1, 1, 0, 1, 0, 4},
        {48, 20, 2, 7, 7, 3, 1, 1, 1, 1, 1, 2}, {48, 20, 5, 9, 10, 3, 1, 1, 1, 1, 1, 4}};
    int batch = 2;
    for (int[] c : cases) {
      int[] k = {c[5], 3, 3};
      int[] pad = {c[8], c[9], c[9], c[8], c[9], c[9]};
      float[] weight = Naive.random(7, c[1] * c[0] * c[5] * 9);
      float[] bias = Naive.random(8, c[1]);
      Conv conv = new Conv("winograd3d", c[0], c[1], k, new int[] {c[6], 1, 1}, pad, new int[] {c[7], 1, 1}, 1,
          weight, bias);
      int[] sample = {c[0], c[2], c[3], c[4]};
      int positions = c[2] * c[3] * c[4];
      int outPositions = Shapes.size(conv.outputShape(sample)) / c[1];
      float[] input = Naive.random(9, batch * c[0] * positions);
      float[] expected = Naive.conv(input, batch, c[0], new int[] {c[2], c[3], c[4]}, weight, bias, c[1], k,
          new int[] {c[6], 1, 1}, pad, new int[] {c[7], 1, 1}, 1, "zeros", false);
      for (int i = 0; i < expected.length; i++) {
        expected[i] = Math.max(expected[i], 0f);
      }
      for (Nchwc kernel : kernels()) {
        String what = Arrays.toString(c) + " B=" + kernel.block();
        ExecutionContext ctx = new ExecutionContext();
        ConvPlan plan = ConvPlan.blocked(conv, sample, 0f, Float.POSITIVE_INFINITY, ctx.gemm(), kernel, c[10] == 1);
        assertTrue(plan.toString().contains("WINOGRAD " + c[11] + "x" + c[11] + ", blocked"), what + ": " + plan);
        float[] actual = runBlocked(plan, kernel, input, batch, c[0], positions, c[1], outPositions, ctx);
        assertClose(expected, actual, rms(expected), what);
      }
    }
  }

  /** A batch of plain {@code input} through a blocked plan: converted to blocked, run, converted back to plain. */
  private static float[] runBlocked(ConvPlan plan, Nchwc kernel, float[] input, int batch, int inC, int positions,
      int outC, int outPositions, ExecutionContext ctx) {
    int inSize = kernel.blockedSize(inC, positions);
    float[] in = new float[batch * inSize];
    for (int n = 0; n < batch; n++) {
      kernel.toBlocked(input, n * inC * positions, inC, positions, in, n * inSize);
    }
    int outSize = kernel.blockedSize(outC, outPositions);
    float[] out = new float[batch * outSize];
    Arrays.fill(out, Float.NaN);
    plan.run(in, out, batch, ctx);
    float[] plain = new float[batch * outC * outPositions];
    for (int n = 0; n < batch; n++) {
      kernel.toPlain(out, n * outSize, outC, outPositions, plain, n * outC * outPositions);
    }
    return plain;
  }

  /**
   * In a plan for batches of several samples, maps of fewer 4x4 tiles than a chunk (a 3x3 map: one tile, chunks of 18
   * at 256 channels) run blocked Winograd too, 18 samples padded and transformed together: a batch of 19 runs a group
   * of 18 and one of 1. The same layer in a plan for one sample is not Winograd's.
   */
  @Test
  void blockedWinogradRunsTheTilesOfSeveralSamplesTogether() {
    int[] c = {256, 256, 3, 3, 1, 1, 1, 1};
    for (ConvPlan plan : assertBlockedWinogradMatchesTheDefinition(c, 3, 4, 19, false)) {
      assertEquals(18, plan.blockedWinogradSamples, plan.toString());
    }
    Conv conv = new Conv("winograd", 256, 256, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
        new int[] {1, 1}, 1, Naive.random(4, 256 * 256 * 9), null);
    ConvPlan one = ConvPlan.blocked(conv, new int[] {256, 3, 3}, 0f, 6f, new ExecutionContext().gemm(),
        new ScalarNchwc(16), true);
    assertFalse(one.toString().contains("WINOGRAD"), one.toString());
  }

  /**
   * Case c (in, out, h, w, top, left, bottom, right[, groups]) with a k x k kernel, a batch of {@code batch}, against
   * the definition, with a ReLU and a clip, on every kernel; the plans, which must say Winograd with m x m output
   * tiles, are returned.
   */
  private static List<ConvPlan> assertBlockedWinogradMatchesTheDefinition(int[] c, int k, int m, int batch,
      boolean oneSample) {
    int[] pad = {c[4], c[5], c[6], c[7]};
    int groups = c.length > 8 ? c[8] : 1;
    float[] weight = Naive.random(4, c[1] * c[0] / groups * k * k);
    float[] bias = Naive.random(5, c[1]);
    Conv conv = new Conv("winograd", c[0], c[1], new int[] {k, k}, new int[] {1, 1}, pad, new int[] {1, 1}, groups,
        weight, bias);
    int[] sample = {c[0], c[2], c[3]};
    int[] outShape = conv.outputShape(sample);
    int positions = c[2] * c[3];
    int outPositions = outShape[1] * outShape[2];
    float[] input = Naive.random(6, batch * c[0] * positions);
    float[] definition = Naive.conv(input, batch, c[0], new int[] {c[2], c[3]}, weight, bias, c[1],
        new int[] {k, k}, new int[] {1, 1}, pad, new int[] {1, 1}, groups, "zeros", false);
    List<ConvPlan> plans = new ArrayList<>();
    for (float[] clamp : new float[][] {{0f, Float.POSITIVE_INFINITY}, {-0.25f, 0.5f}}) {
      float[] expected = definition.clone();
      for (int i = 0; i < expected.length; i++) {
        expected[i] = Math.min(Math.max(expected[i], clamp[0]), clamp[1]);
      }
      for (Nchwc kernel : kernels()) {
        String what = Arrays.toString(c) + " batch " + batch + " B=" + kernel.block() + " clamp "
            + Arrays.toString(clamp);
        ExecutionContext ctx = new ExecutionContext();
        ConvPlan plan = ConvPlan.blocked(conv, sample, clamp[0], clamp[1], ctx.gemm(), kernel, oneSample);
        assertTrue(plan.toString().contains("WINOGRAD " + m + "x" + m + ", blocked"), what + ": " + plan);
        assertTrue(plan.winogradWeights == null, what + ": a blocked plan holds the GEMM Winograd's weights too");
        plans.add(plan);
        float[] actual = runBlocked(plan, kernel, input, batch, c[0], positions, c[1], outPositions, ctx);
        assertClose(expected, actual, rms(definition), what);
      }
    }
    return plans;
  }

  /**
   * NaN inputs (both signs) through 1x1 layers with ReLU and ReLU6: NaN outputs where the plain path has them (the
   * vector kernel's tiles clamp on the floats' bits, where a NaN would become a bound), the rest within 1e-4.
   */
  @Test
  void pointwiseClampsKeepNaN() {
    int[][] shapes = {{17, 70, 9, 7}, {16, 16, 5, 5}, {24, 40, 7, 7}, {32, 64, 3, 5}}; // in, out, h, w
    float[][] clamps = {{0f, Float.POSITIVE_INFINITY}, {0f, 6f}};
    ExecutionContext ctx = new ExecutionContext();
    for (int[] c : shapes) {
      int[] sample = {c[0], c[2], c[3]};
      int positions = c[2] * c[3];
      Conv conv = new Conv("pw", c[0], c[1], new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0},
          new int[] {1, 1}, 1, Naive.random(1, c[1] * c[0]), Naive.random(2, c[1]));
      float[] input = Naive.random(3, c[0] * positions);
      input[positions + 2] = Float.NaN;
      input[(c[0] - 1) * positions + positions - 1] = Float.intBitsToFloat(0xffc00000); // a negative NaN
      for (float[] clamp : clamps) {
        float[] expected = new float[c[1] * positions];
        ConvPlan.of(conv, sample, clamp[0], clamp[1], ctx.gemm()).run(input, expected, 1, ctx);
        for (Nchwc kernel : kernels()) {
          float[] in = new float[kernel.blockedSize(c[0], positions)];
          kernel.toBlocked(input, 0, c[0], positions, in, 0);
          float[] out = new float[kernel.blockedSize(c[1], positions)];
          ConvPlan.blocked(conv, sample, clamp[0], clamp[1], ctx.gemm(), kernel, false).run(in, out, 1, ctx);
          float[] actual = new float[expected.length];
          kernel.toPlain(out, 0, c[1], positions, actual, 0);
          String what = Arrays.toString(c) + " B=" + kernel.block() + " clamp " + Arrays.toString(clamp);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.isNaN(expected[i]), Float.isNaN(actual[i]), what + ": NaN at " + i);
            if (!Float.isNaN(expected[i])) {
              assertEquals(expected[i], actual[i], 1e-4f * Math.max(1f, Math.abs(expected[i])), what + " at " + i);
            }
          }
        }
      }
    }
  }

  /**
   * A convolution reading its plain input and writing blocked, against the plain plan: first layers (fewer input
   * channels than B) as ResNet's 7x7 s2, MobileNet's 3x3 s2, AlexNet's 11x11 s4, dilation, 1x1, asymmetric padding,
   * and layers of more channels than a block; batch 2, three clamps, on every kernel.
   */
  @Test
  void directFromPlainInputMatchesThePlainPath() {
    int[][] cases = { // in, out, h, w, k, s, top, left, bottom, right, d
        {3, 17, 5, 7, 3, 1, 1, 1, 1, 1, 1}, {3, 16, 13, 11, 7, 2, 3, 3, 3, 3, 1}, {3, 32, 11, 9, 3, 2, 1, 1, 1, 1, 1},
        {2, 40, 23, 21, 11, 4, 0, 0, 0, 0, 1}, {1, 8, 6, 6, 5, 1, 2, 2, 2, 2, 1}, {3, 20, 9, 8, 1, 1, 0, 0, 0, 0, 1},
        {3, 17, 9, 9, 3, 1, 2, 2, 2, 2, 2}, {5, 33, 9, 8, 3, 2, 0, 1, 2, 0, 1}, {3, 70, 9, 9, 3, 1, 1, 1, 1, 1, 1},
        {3, 32, 15, 15, 3, 2, 1, 1, 1, 1, 1}, {3, 64, 17, 17, 7, 2, 3, 3, 3, 3, 1}, // stride 2, rows of 8 and 9
        // more input channels than a block (ConvPlan.readsPlainPays): strided 1x1, 3x3 stride 2 and 1
        {37, 40, 9, 7, 1, 2, 0, 0, 0, 0, 1}, {20, 24, 11, 9, 3, 2, 1, 1, 1, 1, 1}, {33, 17, 7, 8, 3, 1, 1, 1, 1, 1, 1}};
    for (int[] c : cases) {
      Conv conv = new Conv("stem", c[0], c[1], new int[] {c[4], c[4]}, new int[] {c[5], c[5]},
          new int[] {c[6], c[7], c[8], c[9]}, new int[] {c[10], c[10]}, 1,
          Naive.random(1, c[1] * c[0] * c[4] * c[4]), Naive.random(2, c[1]));
      assertFromPlainMatchesPlain(conv, new int[] {c[0], c[2], c[3]}, Arrays.toString(c));
    }
  }

  /** {@code conv} reading its plain input, blocked output, on every kernel it applies to. */
  private static void assertFromPlainMatchesPlain(Conv conv, int[] sample, String name) {
    assertBlockedMatchesPlain(conv, sample, name, true);
  }

  /**
   * 3-D (video) convolutions against the plain plan: 3x3x3 with stride, dilation and asymmetric kernels, 1x1x1
   * stride 1 (pointwise) and 2, groups of whole blocks, and first layers from plain (r3d_18's 3x7x7 stem).
   */
  @Test
  void convolution3dMatchesThePlainPath() {
    int[][] cases = { // in, out, d, h, w, kd, kh, kw, sd, sh, sw, pad, dilation, groups
        {17, 33, 5, 6, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1}, {16, 70, 4, 5, 6, 3, 3, 3, 2, 2, 2, 1, 1, 1},
        {33, 17, 3, 5, 5, 1, 1, 1, 2, 2, 2, 0, 1, 1}, {17, 17, 5, 7, 6, 3, 3, 3, 1, 1, 1, 2, 2, 1},
        {20, 16, 2, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 1}, {96, 96, 3, 4, 3, 3, 1, 3, 1, 1, 2, 1, 1, 2},
        {3, 20, 5, 11, 9, 3, 7, 7, 1, 2, 2, 1, 1, 1}, {2, 17, 4, 6, 5, 2, 3, 3, 2, 1, 1, 1, 1, 1}};
    for (int[] c : cases) {
      Conv conv = new Conv("conv3d", c[0], c[1], new int[] {c[5], c[6], c[7]}, new int[] {c[8], c[9], c[10]},
          new int[] {c[11], c[11], c[11]}, new int[] {c[12], c[12], c[12]}, c[13],
          Naive.random(1, c[1] * c[0] / c[13] * c[5] * c[6] * c[7]), Naive.random(2, c[1]));
      int[] sample = {c[0], c[2], c[3], c[4]};
      if (c[0] < 16) {
        assertFromPlainMatchesPlain(conv, sample, Arrays.toString(c));
      } else {
        assertBlockedMatchesPlain(conv, sample, Arrays.toString(c));
      }
    }
  }

  /**
   * Blocked max pooling against the plain layer, bit for bit, on every kernel: stride 1 and 2, padding, dilation,
   * ceil mode (windows past the map), a window partly outside, and NaN inputs winning.
   */
  @Test
  void blockedMaxPoolMatchesThePlainLayer() {
    int[][] cases = { // c, h, w, k, s, p, d, ceil
        {17, 9, 8, 3, 2, 1, 1, 0}, {3, 7, 7, 2, 2, 0, 1, 0}, {33, 11, 9, 3, 1, 1, 1, 0}, {16, 10, 10, 3, 2, 1, 2, 0},
        {17, 8, 9, 3, 2, 0, 1, 1}, {5, 6, 5, 5, 3, 2, 1, 1}, {24, 20, 18, 3, 2, 1, 1, 0}, {16, 9, 10, 3, 2, 1, 1, 1},
        {16, 7, 12, 3, 3, 1, 2, 1}};
    for (int[] c : cases) {
      MaxPool pool = new MaxPool("pool", new int[] {c[3], c[3]}, new int[] {c[4], c[4]}, new int[] {c[5], c[5]},
          new int[] {c[6], c[6]}, c[7] == 1);
      int[] sample = {c[0], c[1], c[2]};
      int[] outShape = pool.outputShape(sample);
      float[] input = Naive.random(5, Shapes.size(sample));
      input[7] = Float.NaN;
      input[input.length - 1] = Float.NaN; // a corner: border windows take their inside taps twice
      Tensor expected = Tensor.zeros(1, outShape[0], outShape[1], outShape[2]);
      pool.forward(Tensor.wrap(input, 1, c[0], c[1], c[2]), expected, new ExecutionContext());
      for (Nchwc kernel : kernels()) {
        int positions = c[1] * c[2];
        int outPositions = outShape[1] * outShape[2];
        float[] in = new float[kernel.blockedSize(c[0], positions)];
        kernel.toBlocked(input, 0, c[0], positions, in, 0);
        float[] out = new float[kernel.blockedSize(c[0], outPositions)];
        kernel.maxPool(in, 0, new Nchwc.Window(Nchwc.blocks(c[0], kernel.block()), c[1], c[2], outShape[1],
            outShape[2], c[3], c[3], c[4], c[4], c[6], c[6], c[5], c[5], kernel.block()), out, 0);
        float[] actual = new float[expected.size()];
        kernel.toPlain(out, 0, c[0], outPositions, actual, 0);
        assertArrayEquals(expected.data(), actual,
            Arrays.toString(c) + " B=" + kernel.block());
      }
    }
  }

  /** {@code conv} blocked on every kernel against its plain plan, batch 2, three clamps; pad channels finite. */
  private static void assertBlockedMatchesPlain(Conv conv, int[] sample, String name) {
    assertBlockedMatchesPlain(conv, sample, name, false);
  }

  /** The same; with {@code fromPlain} the plan reads the plain input (kernels it does not apply to skipped). */
  private static void assertBlockedMatchesPlain(Conv conv, int[] sample, String name, boolean fromPlain) {
    int inC = sample[0];
    int outC = conv.outChannels();
    int batch = 2;
    float[] input = Naive.random(3, batch * Shapes.size(sample));
    int[] outShape = conv.outputShape(sample);
    int positions = Shapes.size(sample) / inC;
    int outPositions = Shapes.size(outShape) / outC;
    ExecutionContext ctx = new ExecutionContext();
    float[][] clamps = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, 6f}, {-0.25f, 0.5f}};
    float scale = 0; // the unclamped output's root mean square
    for (float[] clamp : clamps) {
      float[] expected = new float[batch * Shapes.size(outShape)];
      ConvPlan.of(conv, sample, clamp[0], clamp[1], ctx.gemm()).run(input, expected, batch, ctx);
      scale = scale == 0 ? rms(expected) : scale;
      for (Nchwc kernel : kernels()) {
        if (fromPlain && !ConvPlan.fromPlainApplies(conv)) {
          continue;
        }
        float[] in = input;
        if (!fromPlain) {
          in = new float[batch * kernel.blockedSize(inC, positions)];
          for (int n = 0; n < batch; n++) {
            kernel.toBlocked(input, n * inC * positions, inC, positions, in, n * kernel.blockedSize(inC, positions));
          }
        }
        int outSize = kernel.blockedSize(outC, outPositions);
        float[] out = new float[batch * outSize];
        Arrays.fill(out, Float.NaN);
        (fromPlain ? ConvPlan.blockedFromPlain(conv, sample, clamp[0], clamp[1], ctx.gemm(), kernel)
            : ConvPlan.blocked(conv, sample, clamp[0], clamp[1], ctx.gemm(), kernel, false)).run(in, out, batch, ctx);
        float[] actual = new float[expected.length];
        for (int n = 0; n < batch; n++) {
          kernel.toPlain(out, n * outSize, outC, outPositions, actual, n * outC * outPositions);
          for (int i = n * outSize; i < (n + 1) * outSize; i++) {
            assertTrue(Float.isFinite(out[i]), "pad channels are finite");
          }
        }
        assertClose(expected, actual, scale, name + " B=" + kernel.block() + " clamp " + Arrays.toString(clamp));
      }
    }
  }

  static Stream<Arguments> conversionCases() {
    List<Arguments> cases = new ArrayList<>();
    for (int channels : new int[] {3, 16, 17, 33}) {
      for (int positions : new int[] {1, 7, 16, 49, 143}) {
        cases.add(Arguments.of("c" + channels + " p" + positions, channels, positions));
      }
    }
    return cases.stream();
  }

  /**
   * Conversions are copies: each kernel's blocked layout equals the scalar reference's of the same B bit for bit,
   * pad channels zero (even where the first channel of the last block is not finite), and back to plain is the
   * input again. Offsets inside larger arrays, destinations prefilled with NaN.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("conversionCases")
  void layoutConversionsAreExactRoundTrips(String name, int channels, int positions) {
    float[] plain = Naive.random(6, 5 + channels * positions);
    plain[5 + (channels - 1) / 16 * 16 * positions] = Float.NaN;
    plain[5 + (channels - 1) * positions] = Float.POSITIVE_INFINITY;
    for (Nchwc kernel : kernels()) {
      Nchwc reference = new ScalarNchwc(kernel.block());
      int size = kernel.blockedSize(channels, positions);
      float[] expected = new float[3 + size];
      float[] blocked = new float[3 + size];
      Arrays.fill(expected, Float.NaN);
      Arrays.fill(blocked, Float.NaN);
      reference.toBlocked(plain, 5, channels, positions, expected, 3);
      kernel.toBlocked(plain, 5, channels, positions, blocked, 3);
      assertArrayEquals(expected, blocked, 0f, name + " B=" + kernel.block());
      for (int ch = channels; ch < Nchwc.blocks(channels, kernel.block()) * kernel.block(); ch++) {
        for (int p = 0; p < positions; p++) {
          int at = 3 + ((ch / kernel.block()) * positions + p) * kernel.block() + ch % kernel.block();
          assertEquals(0f, blocked[at], "pad channel " + ch + " B=" + kernel.block());
        }
      }
      float[] back = new float[plain.length + 2];
      Arrays.fill(back, Float.NaN);
      kernel.toPlain(blocked, 3, channels, positions, back, 5);
      assertArrayEquals(Arrays.copyOfRange(plain, 5, plain.length), Arrays.copyOfRange(back, 5, plain.length), 0f,
          name + " B=" + kernel.block());
      assertTrue(Float.isNaN(back[4]) && Float.isNaN(back[plain.length]), "nothing written outside");
    }
  }

  @Test
  void blockedElementwiseStepsMatchPlainOnes() {
    int channels = 19;
    int positions = 13 * 11;
    float[] a = Naive.random(4, channels * positions);
    float[] b = Naive.random(5, channels * positions);
    for (Nchwc kernel : kernels()) {
      int size = kernel.blockedSize(channels, positions);
      float[] ab = new float[size];
      float[] bb = new float[size];
      kernel.toBlocked(a, 0, channels, positions, ab, 0);
      kernel.toBlocked(b, 0, channels, positions, bb, 0);
      float[] roundTrip = new float[a.length];
      kernel.toPlain(ab, 0, channels, positions, roundTrip, 0);
      assertArrayEquals(a, roundTrip, 0f);
      float[] sum = new float[size];
      kernel.add(ab, 0, bb, 0, sum, 0, size - 3, 0f, 0.5f); // a tail past the last whole vector
      kernel.add(ab, size - 3, bb, size - 3, sum, size - 3, 3, 0f, 0.5f);
      float[] clamped = new float[size];
      kernel.clamp(ab, 0, clamped, 0, size - 5, -0.5f, 0.25f);
      kernel.clamp(ab, size - 5, clamped, size - 5, 5, -0.5f, 0.25f);
      float[] mean = new float[channels];
      kernel.globalAverage(ab, 0, channels, positions, mean, 0);
      float[] sumPlain = new float[a.length];
      float[] clampedPlain = new float[a.length];
      kernel.toPlain(sum, 0, channels, positions, sumPlain, 0);
      kernel.toPlain(clamped, 0, channels, positions, clampedPlain, 0);
      float[] meanExpected = new float[channels];
      for (int i = 0; i < a.length; i++) {
        assertEquals(Math.min(Math.max(a[i] + b[i], 0f), 0.5f), sumPlain[i], 0f);
        assertEquals(Math.min(Math.max(a[i], -0.5f), 0.25f), clampedPlain[i], 0f);
        meanExpected[i / positions] += a[i] / positions;
      }
      assertArrayEquals(meanExpected, mean, 1e-5f, "B=" + kernel.block());
    }
  }

  /** Inverted residual blocks (pointwise expand, depthwise, linear pointwise project, residual add), ReLU6. */
  static Network mobileNetLike() {
    Network.Builder b = Network.builder("mobilenet-like", new int[] {3, 29, 27});
    int seed = 10;
    b.add(conv("stem", 3, 16, 3, 2, 1, 1, seed++)).add(new Clip("stem.act", 0f, 6f));
    String last = "stem.act";
    int channels = 16;
    int[][] blocks = {{48, 16, 1}, {40, 24, 2}, {72, 24, 1}, {144, 33, 2}};
    for (int i = 0; i < blocks.length; i++) {
      int hidden = blocks[i][0];
      int out = blocks[i][1];
      String p = "b" + i;
      b.add(conv(p + ".expand", channels, hidden, 1, 1, 0, 1, seed++), last).add(new Clip(p + ".expand.act", 0f, 6f))
          .add(conv(p + ".dw", hidden, hidden, 3, blocks[i][2], 1, hidden, seed++))
          .add(new Clip(p + ".dw.act", 0f, 6f))
          .add(conv(p + ".project", hidden, out, 1, 1, 0, 1, seed++));
      if (out == channels && blocks[i][2] == 1) {
        b.add(new Add(p + ".add"), p + ".project", last);
        last = p + ".add";
      } else {
        last = p + ".project";
      }
      channels = out;
    }
    return b.add(conv("head", channels, 80, 1, 1, 0, 1, seed++), last).add(new Clip("head.act", 0f, 6f))
        .add(new GlobalAvgPool("pool")).add(new Flatten("flatten"))
        .add(new Linear("fc", 80, 10, Naive.random(seed, 800), Naive.random(seed + 1, 10))).build();
  }

  /** Basic blocks of 3x3 convolutions with a 1x1 shortcut, Add then a standalone ReLU (blocked when both are). */
  static Network resNetLike() {
    return Network.builder("resnet-like", new int[] {3, 15, 13})
        .add(conv("stem", 3, 17, 3, 1, 1, 1, 30)).add(new Relu("stem.act"))
        .add(conv("c1", 17, 17, 3, 1, 1, 1, 31)).add(new Relu("c1.act"))
        .add(conv("c2", 17, 17, 1, 1, 0, 1, 32))
        .add(conv("shortcut", 17, 17, 1, 1, 0, 1, 33), "stem.act")
        .add(new Add("add"), "c2", "shortcut").add(new Relu("add.act"))
        .add(conv("down", 17, 33, 3, 2, 1, 1, 34)).add(new Relu("down.act"))
        .add(conv("dw", 33, 33, 3, 1, 1, 33, 35))
        .add(new GlobalAvgPool("pool")).build();
  }

  /**
   * ResNet-18's shapes in small: a 7x7 stride-2 stem (from the plain input) and its max pool, basic blocks of 3x3
   * convolutions with residual adds, a stride-2 block with a 1x1 stride-2 shortcut, then an AlexNet-like 5x5 convolution of two groups: direct blocked where
   * that pays (the 96-channel 3x3 stride-1 one stays plain, for Winograd).
   */
  static Network resNet18Like() {
    return Network.builder("resnet18-like", new int[] {3, 45, 41})
        .add(conv("stem", 3, 32, 7, 2, 3, 1, 50)).add(new Relu("stem.act"))
        .add(new MaxPool2d("stem.pool", new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false))
        .add(conv("b1.c1", 32, 32, 3, 1, 1, 1, 51)).add(new Relu("b1.c1.act"))
        .add(conv("b1.c2", 32, 32, 3, 1, 1, 1, 52))
        .add(new Add("b1.add"), "b1.c2", "stem.pool").add(new Relu("b1.act"))
        .add(conv("b2.c1", 32, 96, 3, 2, 1, 1, 53)).add(new Relu("b2.c1.act"))
        .add(conv("b2.c2", 96, 96, 3, 1, 1, 1, 54))
        .add(conv("b2.shortcut", 32, 96, 1, 2, 0, 1, 55), "b1.act")
        .add(new Add("b2.add"), "b2.c2", "b2.shortcut").add(new Relu("b2.act"))
        .add(conv("grouped", 96, 96, 5, 1, 2, 2, 56)).add(new Relu("grouped.act"))
        .add(new GlobalAvgPool("pool")).build();
  }

  /**
   * ShuffleNet's unit in small: a channel concat of two blocked branches (13 and 11 channels, neither whole
   * blocks), a channel shuffle and a slice of it into a convolution, then a concat of a plain slice and a blocked
   * convolution.
   */
  static Network shuffleNetLike() {
    return Network.builder("shufflenet-like", new int[] {3, 13, 11})
        .add(conv("stem", 3, 22, 3, 1, 1, 1, 60)).add(new Relu("stem.act"))
        .add(conv("a", 22, 13, 1, 1, 0, 1, 61), "stem.act").add(new Relu("a.act"))
        .add(conv("b.dw", 22, 22, 3, 1, 1, 22, 62), "stem.act")
        .add(conv("b", 22, 11, 1, 1, 0, 1, 63)).add(new Relu("b.act"))
        .add(new Concat("cat", 0), "a.act", "b.act")
        .add(new ChannelShuffle("shuffle", 2))
        .add(new Slice("keep", 0, 0, 12, 1), "shuffle")
        .add(new Slice("rest", 0, 12, 24, 1), "shuffle")
        .add(conv("c", 12, 20, 1, 1, 0, 1, 64)).add(new Relu("c.act"))
        .add(new Concat("mix", 0), "keep", "c.act")
        .add(new GlobalAvgPool("pool")).build();
  }

  @Test
  void aChannelConcatOfBlockedInputsWritesPlainDirectly() {
    Network net = shuffleNetLike();
    for (Nchwc kernel : kernels()) {
      ExecutionPlan plan = ExecutionPlan.of(net, net.inputShape(), new int[] {indexOf(net, "pool")},
          new ExecutionContext().gemm(), kernel);
      String b = " B=" + kernel.block();
      assertTrue(plan.blocked[indexOf(net, "a.act")] && plan.blocked[indexOf(net, "b.act")], "branches blocked" + b);
      assertEquals(ExecutionPlan.BlockedOp.CONCAT, plan.blockedOps[indexOf(net, "cat")], "cat" + b);
      assertFalse(plan.blocked[indexOf(net, "cat")], "cat writes plain" + b);
      assertNull(plan.convertInto[indexOf(net, "cat")], "cat converts nothing first" + b);
      assertNull(plan.blockedOps[indexOf(net, "mix")], "mix has a plain input" + b);
    }
  }

  /**
   * A residual Add that alone reads a convolution, and the ReLU after it, run inside the convolution (in place, in its
   * layout) where the Add's other input is ready first and in the same layout; its values are ReLU(conv + residual)
   * of the two tensors requested apart (which fuses nothing into them).
   */
  @Test
  void aResidualAddAndItsReluRunInsideTheConvolution() {
    Network net = resNet18Like();
    int[] sample = net.inputShape();
    Tensor input = randomBatch(2, sample, 11);
    List<Nchwc> layouts = new ArrayList<>(kernels());
    layouts.add(null); // every tensor plain
    for (Nchwc kernel : layouts) {
      String b = kernel == null ? " plain" : " B=" + kernel.block();
      ExecutionContext ctx = new ExecutionContext();
      ExecutionPlan plan = ExecutionPlan.of(net, sample, new int[] {indexOf(net, "pool")}, ctx.gemm(), kernel);
      int conv = indexOf(net, "b1.c2");
      assertEquals(conv, plan.fusedFrom[indexOf(net, "b1.add")], "add fused" + b);
      assertEquals(conv, plan.fusedFrom[indexOf(net, "b1.act")], "relu fused" + b);
      assertEquals(indexOf(net, "stem.pool"), plan.residualOf[conv], "residual" + b);
      assertEquals(plan.blocked[conv], plan.blocked[indexOf(net, "stem.pool")], "one layout" + b);
      // the shortcut runs after b2.c2: the Add goes with it, b2.c2 being the residual, where both share a layout
      int shortcut = indexOf(net, "b2.shortcut");
      int c2 = indexOf(net, "b2.c2");
      assertEquals(plan.blocked[shortcut] == plan.blocked[c2] ? c2 : -1, plan.residualOf[shortcut], "b2" + b);
      assertEquals(-1, plan.residualOf[c2], "b2.c2 feeds the Add with the shortcut" + b);

      ExecutionPlan apart = ExecutionPlan.of(net, sample, indicesOf(net, new String[] {"b1.c2", "stem.pool"}),
          ctx.gemm(), kernel);
      assertEquals(-1, apart.residualOf[conv], "a requested convolution keeps its own values" + b);
      Tensor[] parts = copies(Executor.run(apart, input, ctx));
      ExecutionPlan fused = ExecutionPlan.of(net, sample, new int[] {indexOf(net, "b1.act")}, ctx.gemm(), kernel);
      assertEquals(conv, fused.fusedFrom[indexOf(net, "b1.act")], "requested at the chain's end" + b);
      float[] actual = Executor.run(fused, input, ctx)[0].toArray();
      float[] sum = parts[0].toArray();
      float[] residual = parts[1].toArray();
      int negative = 0;
      for (int i = 0; i < sum.length; i++) {
        negative += sum[i] + residual[i] < 0 ? 1 : 0;
        assertEquals(Math.max(sum[i] + residual[i], 0f), actual[i], 1e-6f, "at " + i + b);
      }
      assertTrue(negative > sum.length / 10, "the ReLU clamps some: " + negative + b);
    }
  }

  /** Weights scaled by 1 / sqrt(fan-in) (as trained networks keep them) so that activations stay near 1. */
  private static Conv conv(String name, int in, int out, int k, int s, int p, int groups, int seed) {
    int fanIn = in / groups * k * k;
    float[] weight = Naive.random(seed, out * fanIn);
    for (int i = 0; i < weight.length; i++) {
      weight[i] /= (float) Math.sqrt(fanIn);
    }
    return new Conv(name, in, out, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {1, 1}, groups,
        weight, Naive.random(seed + 100, out));
  }

  static Stream<Arguments> networkCases() {
    return Stream.of(
        Arguments.of("mobilenet-like output", mobileNetLike(), new String[] {"fc"}),
        Arguments.of("mobilenet-like inside the region", mobileNetLike(),
            new String[] {"b0.dw.act", "b0.add", "b2.project", "pool", "fc", "b1.expand"}),
        Arguments.of("mobilenet-like fused activation and its conv", mobileNetLike(),
            new String[] {"b3.dw", "b3.dw.act"}),
        Arguments.of("resnet-like output", resNetLike(), new String[] {"pool"}),
        Arguments.of("resnet-like inside the region", resNetLike(), new String[] {"add", "add.act", "c2", "pool"}),
        Arguments.of("resnet18-like output", resNet18Like(), new String[] {"pool"}),
        Arguments.of("shufflenet-like output", shuffleNetLike(), new String[] {"pool"}),
        Arguments.of("shufflenet-like inside the region", shuffleNetLike(), new String[] {"cat", "rest", "mix"}),
        Arguments.of("resnet18-like inside the region", resNet18Like(),
            new String[] {"stem.act", "stem.pool", "b1.add", "b2.shortcut", "grouped"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networkCases")
  void networkWithBlockedLayoutMatchesPlain(String name, Network network, String[] names) {
    int[] targets = indicesOf(network, names);
    int[] sample = network.inputShape();
    Tensor input = randomBatch(3, sample, 7);
    ExecutionContext plainCtx = new ExecutionContext();
    ExecutionPlan plain = ExecutionPlan.of(network, sample, targets, plainCtx.gemm(), null);
    for (boolean b : plain.blocked) {
      assertFalse(b);
    }
    Tensor[] expected = copies(Executor.run(plain, input, plainCtx));
    for (Nchwc kernel : kernels()) {
      ExecutionContext ctx = new ExecutionContext();
      ExecutionPlan blocked = ExecutionPlan.of(network, sample, targets, ctx.gemm(), kernel);
      int blockedConvs = 0;
      for (int v = 0; v < blocked.blocked.length; v++) {
        blockedConvs += blocked.convPlans[v] != null && blocked.convPlans[v].nchwc != null ? 1 : 0;
      }
      // The vector kernel on 16 registers runs direct only on 1x1 strided layers (ConvPlan.blockedPays).
      int leastBlocked = kernel.directCompetes() ? 3 : 1;
      assertTrue(blockedConvs >= leastBlocked, "blocked convolutions: " + blockedConvs + " B=" + kernel.block());
      for (int rep = 0; rep < 2; rep++) { // the second run reuses the context's buffers
        Tensor[] actual = Executor.run(blocked, input, ctx);
        for (int i = 0; i < names.length; i++) {
          assertArrayEquals(expected[i].shape(), actual[i].shape());
          assertClose(expected[i].toArray(), actual[i].toArray(), names[i] + " B=" + kernel.block());
        }
      }
    }
  }

  /**
   * A batch run in chunks of samples ({@link ExecutionPlan#chunking}) gives what the whole batch gives, plain and
   * blocked, for every budget from one sample through the network to no chunks: chunks of one, two and more samples
   * with a shorter last chunk, requested tensors inside the chunked nodes, and the chunked nodes ending before a
   * fully connected layer.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("networkCases")
  void aBatchRunInChunksMatchesTheWholeBatch(String name, Network network, String[] names) {
    int[] targets = indicesOf(network, names);
    int batch = 5;
    int[] sample = network.inputShape();
    Tensor input = randomBatch(batch, sample, 11);
    List<Nchwc> layouts = new ArrayList<>(kernels());
    layouts.add(null);
    for (Nchwc kernel : layouts) {
      ExecutionContext ctx = new ExecutionContext();
      ExecutionPlan plan = ExecutionPlan.of(network, sample, targets, ctx.gemm(), kernel);
      String layout = kernel == null ? "plain" : "B=" + kernel.block();
      assertNull(plan.chunking(batch, Long.MAX_VALUE), layout);
      Tensor[] whole = copies(Executor.run(plan, input, ctx, Long.MAX_VALUE));
      boolean severalSamples = false;
      int[] last = {0, 0};
      for (long budget = Float.BYTES; budget < (1L << 30); budget *= 2) {
        ExecutionPlan.Chunking chunking = plan.chunking(batch, budget);
        if (chunking == null || chunking.nodes() == last[0] && chunking.samples() == last[1]) {
          continue; // the same chunks as the budget before
        }
        last = new int[] {chunking.nodes(), chunking.samples()};
        assertTrue(chunking.samples() >= 1 && chunking.samples() < batch && chunking.nodes() > 0, layout);
        severalSamples |= chunking.samples() > 1 && batch % chunking.samples() != 0;
        for (int i = 0; i < chunking.nodes(); i++) { // a Linear that runs reads its weights once per call
          int v = network.order()[i];
          assertFalse(plan.slot[v] >= 0 && network.node(v).layer() instanceof Linear, layout + " budget " + budget);
        }
        Tensor[] chunked = Executor.run(plan, input, ctx, budget);
        for (int i = 0; i < names.length; i++) {
          assertArrayEquals(whole[i].shape(), chunked[i].shape());
          assertClose(whole[i].toArray(), chunked[i].toArray(), names[i] + " " + layout + " budget " + budget);
        }
      }
      assertTrue(severalSamples, layout + ": no chunk of several samples with a shorter last one");
    }
  }

  /**
   * A convolution alone (plain in, plain out) is blocked only where that pays with its two conversions
   * ({@link ConvPlan#blockedPaysAlone}): on larger maps it stays plain with no conversion; on small ones it is
   * blocked, its input converted in and its output back for the plain reader, and matches the plain plan.
   */
  @Test
  void blockedIsNeverPlannedWithoutKernelsAndIsolatedConvolutionsGoBlockedOnlyOnSmallMaps() {
    Network[] plainAlone = {isolated(conv("conv", 5, 7, 1, 1, 0, 1, 40), 5, 8), // pointwise on 64 positions
        isolated(conv("conv", 24, 24, 3, 1, 1, 24, 41), 24, 15)}; // depthwise, output rows 15 wide
    for (Network net : plainAlone) {
      ExecutionPlan plan = ExecutionPlan.of(net, net.inputShape(), new int[] {indexOf(net, "flat")},
          new ExecutionContext().gemm(), new ScalarNchwc(8));
      assertFalse(plan.blocked[indexOf(net, "conv")], "plain in, plain out: no conversions for one layer");
      assertNull(plan.convertInto[indexOf(net, "conv")]);
      assertNull(plan.convertInto[indexOf(net, "flat")]);
    }
    Network[] blockedAlone = {isolated(conv("conv", 5, 7, 1, 1, 0, 1, 42), 5, 7), // pointwise on 49 positions
        isolated(conv("conv", 24, 24, 3, 2, 1, 24, 43), 24, 28), // depthwise, output rows 14 wide
        isolated(conv("conv", 17, 17, 3, 1, 1, 17, 44), 17, 5)};
    for (Network net : blockedAlone) {
      int[] target = {indexOf(net, "flat")};
      int batch = 2;
      Tensor input = Tensor.view(Naive.random(8, batch * Shapes.size(net.inputShape())),
          Shapes.batched(batch, net.inputShape()));
      float[] expected = plainRun(net, target, input);
      for (Nchwc kernel : kernels()) {
        ExecutionContext ctx = new ExecutionContext();
        ExecutionPlan plan = ExecutionPlan.of(net, net.inputShape(), target, ctx.gemm(), kernel);
        assertTrue(plan.blocked[indexOf(net, "conv")], "pays alone on a small map");
        assertTrue(plan.convertInto[indexOf(net, "conv")][0] >= 0, "input converted to blocked");
        assertTrue(plan.convertInto[indexOf(net, "flat")][0] >= 0, "output converted back for the flatten");
        assertClose(expected, Executor.run(plan, input, ctx)[0].toArray(), "B=" + kernel.block());
      }
    }
    ExecutionPlan none = ExecutionPlan.of(mobileNetLike(), new int[] {3, 29, 27}, new int[] {0},
        new ExecutionContext().gemm(), new ScalarNchwc(1));
    assertNull(none.nchwc, "B = 1: never blocked");
  }

  /**
   * A 1x1 stride-2 layer alone with enough multiply-adds per converted float (128 -> 512: 64) is blocked only with a
   * direct kernel that competes (AVX-512 and the scalar references), and then reads its plain input as it is (128
   * multiply-adds per input float, {@link ConvPlan#readsPlainPays}): only its output is converted. On AVX2's kernel
   * it stays plain, with no conversion.
   */
  @Test
  void aStridedPointwiseLayerAloneIsBlockedOnlyWhereTheDirectKernelCompetes() {
    Network net = isolated(conv("conv", 128, 512, 1, 2, 0, 1, 46), 128, 6);
    int[] target = {indexOf(net, "flat")};
    Tensor input = Tensor.view(Naive.random(11, 2 * Shapes.size(net.inputShape())),
        Shapes.batched(2, net.inputShape()));
    float[] expected = plainRun(net, target, input);
    for (Nchwc kernel : kernels()) {
      ExecutionContext ctx = new ExecutionContext();
      ExecutionPlan plan = ExecutionPlan.of(net, net.inputShape(), target, ctx.gemm(), kernel);
      assertEquals(kernel.directCompetes(), plan.blocked[indexOf(net, "conv")], "B=" + kernel.block());
      assertEquals(kernel.directCompetes(), plan.fromPlain[indexOf(net, "conv")], "B=" + kernel.block());
      assertNull(plan.convertInto[indexOf(net, "conv")], "B=" + kernel.block());
      assertEquals(kernel.directCompetes(), plan.convertInto[indexOf(net, "flat")] != null, "B=" + kernel.block());
      assertClose(expected, Executor.run(plan, input, ctx)[0].toArray(), "B=" + kernel.block());
    }
  }

  /**
   * A 3x3 stride-1 layer of more than {@link ConvPlan#DIRECT_MAX_WINOGRAD_CHANNELS} input channels, in a plan for
   * batches of one sample: on a 6x6 map (9 2x2 tiles, fewer than {@link ConvPlan#WINOGRAD_MIN_TILES}) it runs
   * direct, blocked; on a 7x7 map (16 2x2 tiles, 4 4x4 ones) blocked F(2x2, 3x3); on a 14x14 map (16 4x4 tiles)
   * blocked F(4x4, 3x3). A plan for more samples runs F(4x4, 3x3) on all three (the tiles of several samples
   * together). Batches of one and of three agree with the plain plan. With 64 input channels it is blocked in both.
   */
  @Test
  void oneSamplePlansPickWinogradByTheirTiles() {
    for (int side : new int[] {6, 7, 14}) {
      Network net = isolated(conv("conv", 80, 48, 3, 1, 1, 1, 45), 80, side);
      int[] target = {indexOf(net, "flat")};
      for (Nchwc kernel : kernels()) {
        ExecutionContext ctx = new ExecutionContext();
        ExecutionPlan one = ExecutionPlan.of(net, net.inputShape(), target, true, ctx.gemm(), kernel);
        ExecutionPlan many = ExecutionPlan.of(net, net.inputShape(), target, false, ctx.gemm(), kernel);
        int conv = indexOf(net, "conv");
        String what = side + "x" + side + ", B=" + kernel.block();
        assertEquals(side > 6 || kernel.directCompetes(), one.blocked[conv], what + " one sample");
        String plan = one.convPlans[conv].toString();
        assertEquals(side == 14 ? 4 : side == 7 ? 2 : 0, plan.contains("WINOGRAD 4x4, blocked") ? 4
            : plan.contains("WINOGRAD 2x2, blocked") ? 2 : 0, what + ": " + plan);
        assertTrue(many.convPlans[conv].toString().contains("WINOGRAD 4x4, blocked"), what + " many samples");
        for (int batch : new int[] {1, 3}) {
          Tensor input = Tensor.view(Naive.random(9, batch * Shapes.size(net.inputShape())),
              Shapes.batched(batch, net.inputShape()));
          float[] expected = plainRun(net, target, input);
          assertClose(expected, Executor.run(one, input, ctx)[0].toArray(), "one-sample plan, batch " + batch);
        }
      }
      float[] x = Naive.random(10, Shapes.size(net.inputShape()));
      ExecutionContext ctx = new ExecutionContext();
      float[] alone = net.forward(Tensor.wrap(x, Shapes.batched(1, net.inputShape())), ctx).toArray();
      float[] twice = new float[2 * x.length];
      System.arraycopy(x, 0, twice, 0, x.length);
      System.arraycopy(x, 0, twice, x.length, x.length);
      float[] pair = net.forward(Tensor.wrap(twice, Shapes.batched(2, net.inputShape())), ctx).toArray();
      assertClose(alone, Arrays.copyOf(pair, alone.length), "forward: a batch of one against the same sample in two");
    }
    Network few = isolated(conv("conv", 64, 48, 3, 1, 1, 1, 46), 64, 14);
    ExecutionPlan many = ExecutionPlan.of(few, few.inputShape(), new int[] {indexOf(few, "flat")}, false,
        new ExecutionContext().gemm(), new ScalarNchwc(16));
    assertTrue(many.blocked[indexOf(few, "conv")], "64 input channels: blocked, for any batch");
  }

  /** One convolution named "conv" on a {@code side} x {@code side} map of {@code channels}, then "flat". */
  /** The first target's output of the plain plan (no blocked kernels): the reference the blocked plans meet. */
  private static float[] plainRun(Network net, int[] target, Tensor input) {
    ExecutionContext ctx = new ExecutionContext();
    return Executor.run(ExecutionPlan.of(net, net.inputShape(), target, ctx.gemm(), null), input, ctx)[0].toArray();
  }

  private static Network isolated(Conv conv, int channels, int side) {
    return Network.builder("isolated", new int[] {channels, side, side}).add(conv).add(new Flatten("flat")).build();
  }

  private static int indexOf(Network network, String name) {
    List<Node> nodes = network.nodes();
    for (int v = 0; v < nodes.size(); v++) {
      if (nodes.get(v).name().equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static float rms(float[] values) {
    double squares = 0;
    for (float v : values) {
      squares += (double) v * v;
    }
    return (float) Math.sqrt(squares / Math.max(1, values.length));
  }

  private static Tensor randomBatch(int batch, int[] sample, int seed) {
    return Tensor.view(Naive.random(seed, batch * Shapes.size(sample)), Shapes.batched(batch, sample));
  }

  private static int[] indicesOf(Network network, String[] names) {
    return Arrays.stream(names).mapToInt(name -> indexOf(network, name)).toArray();
  }

  private static Tensor[] copies(Tensor[] views) {
    Tensor[] out = new Tensor[views.length];
    for (int i = 0; i < views.length; i++) {
      out[i] = Tensor.view(views[i].toArray(), views[i].shape());
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertClose(expected, actual, 1f, what);
  }

  /**
   * Within 1e-4 relative to the element or to {@code scale}, whichever is larger. The plain path may run Winograd
   * with 6x6 tiles, off relative to the output's scale, not each element's (F(2x2, 5x5): 1.1e-4 on an output of
   * 0.23 among outputs of root mean square 11), while a wrong blocked kernel is off by whole units.
   */
  private static void assertClose(float[] expected, float[] actual, float scale, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      float tolerance = 1e-4f * Math.max(Math.max(1f, scale), Math.abs(expected[i]));
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        throw new AssertionError(what + ": at " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
