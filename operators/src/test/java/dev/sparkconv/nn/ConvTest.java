package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.tensor.Tensor;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Conv} of every rank against the textbook loop ({@link Naive#conv}), plus shapes and validation. */
class ConvTest {

  /**
   * One sweep point, written as its own name: "b2 c4 o6 in9x9 k3x3 s2 p1 d1 g2 reflect flip nobias".
   * Sizes are per axis ("3x5") or one value for every axis; p is per axis or {begin..., end...}.
   * Omitted: b1, s1, p0, d1, g1, zeros, cross-correlation, bias.
   */
  record Case(String spec) {
    @Override
    public String toString() {
      return spec.replace(' ', '_');
    }

    String field(String prefix, String dflt) {
      return Arrays.stream(spec.split(" ")).filter(t -> t.startsWith(prefix) && t.length() > prefix.length()
          && Character.isDigit(t.charAt(prefix.length()))).map(t -> t.substring(prefix.length())).findFirst()
          .orElse(dflt);
    }

    int scalar(String prefix, int dflt) {
      return Integer.parseInt(field(prefix, Integer.toString(dflt)));
    }

    int[] axes(String prefix, int dflt, int rank) {
      int[] v = Arrays.stream(field(prefix, Integer.toString(dflt)).split("x")).mapToInt(Integer::parseInt).toArray();
      return v.length == 1 ? filled(v[0], rank) : v;
    }

    boolean has(String word) {
      return Arrays.asList(spec.split(" ")).contains(word);
    }

    String mode() {
      return Stream.of("reflect", "replicate", "circular").filter(this::has).findFirst().orElse("zeros");
    }

    int[] in() {
      return Stream.of(field("in", "")).flatMap(f -> Arrays.stream(f.split("x"))).mapToInt(Integer::parseInt)
          .toArray();
    }

    int rank() {
      return in().length;
    }

    /** {begin..., end...}. */
    int[] pad() {
      int[] p = axes("p", 0, rank());
      return p.length == rank() ? concat(p, p) : p;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // 2-d: the sweep the old Conv2d passed, then padding modes, asymmetric padding, flip.
        "b1 c3 o4 in8x8 k3x3", "b2 c3 o5 in7x9 k3x3 p1", "b2 c4 o6 in9x9 k3x3 s2 p1 g2",
        "b1 c2 o3 in11x10 k3x3 p2 d2 nobias", "b2 c6 o6 in7x7 k3x3 p1 g6", "b1 c4 o8 in6x5 k3x3 s2x1 p1 g4",
        "b3 c5 o7 in5x6 k1x1", "b2 c4 o6 in3x5 k1x1 g2 nobias", "b1 c3 o4 in7x7 k1x1 s2",
        "b1 c3 o2 in4x4 k1x1 p1", "b2 c2 o3 in3x3 k5x5 p2", "b1 c2 o2 in10x11 k2x2 s3",
        "b2 c3 o4 in9x12 k3x5 s1x2 p1x2 d2x1", "b1 c3 o3 in13x17 k4x4 s3 p2 g3 nobias", "b4 c2 o5 in6x6 k3x3 nobias",
        "b1 c2 o2 in1x1 k3x3 p1", "b1 c3 o2 in5x5 k3x3 s2 p3x1 d3x1", "b2 c16 o32 in12x12 k3x3 p1",
        "b2 c3 o4 in6x7 k3x3 p1 reflect", "b1 c2 o3 in5x6 k3x4 p2x3 reflect", "b2 c3 o2 in4x5 k3x3 p2 replicate",
        "b1 c2 o3 in4x4 k5x5 p3 replicate", "b2 c2 o3 in5x6 k3x3 p1x2 circular", "b1 c2 o2 in3x3 k3x3 p3 circular",
        "b1 c3 o4 in7x8 k3x3 p0x1x2x0", "b2 c2 o3 in6x6 k4x2 p2x0x1x1 reflect", "b1 c2 o2 in5x5 k3x3 p1x0x0x2 circular",
        "b2 c3 o4 in7x7 k3x3 p1 flip", "b1 c4 o4 in6x5 k2x3 s2x1 p1 g2 flip replicate",
        "b2 c4 o8 in7x6 k3x3 p1 g4 reflect", "b1 c3 o6 in6x6 k3x3 s2 p2x1x0x1 g3 circular flip",
        "b1 c8 o8 in4x4 k1x1 g4", "b1 c1 o5 in9x9 k3x3 p1",
        // 3x3 stride 1 with enough 2x2 output tiles for Winograd: odd sizes crop the last tiles, asymmetric padding
        "b2 c8 o8 in12x12 k3x3 p1", "b1 c16 o24 in17x15 k3x3 p1", "b3 c5 o7 in9x10 k3x3", "b1 c6 o4 in16x16 k3x3 p2x1x0x3",
        "b2 c4 o4 in11x11 k3x3 p1 nobias", "b3 c2 o3 in40x40 k3x3 p1", // 10 x 10 4x4 tiles: blocks of 6 and 4 rows
        "b2 c520 o5 in8x9 k3x3 p1", // two K blocks of 260 channels in the Winograd GEMMs
        // F(4x4, 3x3) from 16 4x4 tiles a sample: cropped last tiles, asymmetric padding, chunks, two K blocks
        "b1 c3 o4 in14x14 k3x3 p1", "b2 c7 o5 in21x18 k3x3 p2x1x0x3", "b1 c300 o3 in15x13 k3x3 p1 nobias",
        "b3 c2 o3 in130x70 k3x3 p1", // 33 x 18 tiles a sample: chunks of 3 tile rows
        // Winograd per group (16+ input channels a group): F(4x4), F(2x2), 3-d, a ReLU-like clamp is elsewhere
        "b1 c32 o16 in14x15 k3x3 p1 g2", "b2 c48 o6 in9x10 k3x3 p1 g3 nobias", "b1 c32 o4 in3x8x9 k3x3x3 p1 g2",
        // F(2x2, 5x5): cropped tiles, asymmetric padding, blocks of tile rows, groups, 3-d
        "b2 c5 o4 in9x10 k5x5 p2", "b1 c6 o3 in40x23 k5x5 p1x2x3x0 nobias", "b1 c32 o8 in13x13 k5x5 p2 g2",
        "b1 c3 o2 in4x9x8 k3x5x5 p1x2x2",
        "b1 c16 o8 in80x90 k5x5 s1x2 p2 g2", // im2col in slabs of 12 output rows, the last one short
        // depthwise (the phase-plane kernel): dilation, asymmetric padding, multiplier, strides with dilation
        "b2 c4 o4 in9x11 k5x3 p2x1x0x3 d1x2 g4", "b1 c3 o6 in6x7 k2x4 p0 g3", "b1 c2 o2 in3x3 k3x3 p3x0x1x2 d2x1 g2",
        "b1 c4 o4 in11x12 k3x3 s2 p1 d2 g4", "b2 c3 o6 in10x9 k5x5 s2x3 p2x1x3x0 d1x2 g3", "b1 c2 o2 in8x8 k3x3 s4 g2",
        // column stride 2 with output rows of 9+ (computed at column stride 1, every other column kept)
        "b2 c3 o3 in20x21 k3x3 s2 p1 g3", "b1 c2 o4 in9x24 k3x3 s1x2 p1x0x2x1 d2 g2", "b1 c3 o3 in30x40 k3x3 s3x2 p1 g3 nobias",
        // 1-d
        "b1 c3 o4 in10 k3", "b2 c4 o6 in16 k5 s2 p2", "b1 c2 o3 in12 k3 d2 p2", "b1 c2 o3 in9 k4 p1x2",
        "b2 c4 o8 in10 k3 p1 g4", "b1 c4 o6 in9 k1 g2", "b1 c4 o4 in11 k3 p2 reflect", "b1 c3 o2 in7 k3 p3 replicate",
        "b2 c3 o2 in6 k3 p6 circular", "b1 c2 o3 in8 k3 p1 flip", "b1 c2 o2 in3 k5 p2", "b1 c2 o2 in13 k2 s4",
        "b1 c4 o8 in9 k3 s2 p2x0 g4 reflect flip",
        // 3-d
        "b1 c2 o3 in4x5x6 k3x3x3", "b2 c3 o4 in5x6x7 k2x3x3 s1x2x2 p0x1x1", "b1 c2 o3 in4x6x5 k3x3x3 p1 d1x2x1",
        "b1 c2 o2 in4x5x5 k3x3x3 p1 reflect", "b1 c2 o2 in3x4x5 k3x3x3 p1x2x0 replicate",
        "b1 c2 o2 in3x4x4 k3x3x3 p1x1x2 circular", "b2 c4 o4 in3x4x5 k3x3x3 p1 g2",
        "b1 c3 o6 in4x5x5 k3x3x3 s2 p1 g3", "b1 c4 o6 in2x3x4 k1x1x1 g2", "b1 c2 o3 in4x5x6 k3x3x3 p0x1x2x1x0x1",
        "b1 c2 o3 in3x4x5 k2x3x2 p1 flip", "b1 c2 o2 in2x3x3 k3x5x5 p1x2x2", "b3 c2 o2 in7x7x7 k2x2x2 s3",
        "b1 c3 o3 in4x4x4 k3x3x3 p1 g3 circular flip", "b1 c3 o6 in5x9x10 k3x3x3 s2x1x1 p0x1x2x1x0x1 d1x2x1 g3",
        "b1 c8 o4 in6x20x20 k3x3x3 p1", // im2col slabs across T slices
        // 3-d on Winograd (3x3 stride 1 in H and W): frames in the padding, T stride and dilation, kT of 1 and 2,
        // chunks of output frames (400 tiles a frame: 2 frames, then 1), K = 300 in two blocks
        "b2 c5 o6 in5x9x10 k3x3x3 p1", "b1 c4 o5 in7x8x9 k2x3x3 s2x1x1 p1", "b2 c3 o4 in6x7x8 k3x3x3 d2x1x1 p2x1x1 nobias",
        "b1 c6 o4 in5x11x12 k1x3x3 p0x1x1", "b1 c3 o2 in3x40x40 k3x3x3 p1", "b1 c100 o5 in3x6x6 k3x3x3 p1",
        "b1 c2 o3 in4x8x8 k3x3x3 p1x1x0x0x2x1 flip")
        .map(Case::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheDefinition(Case k) {
    int rank = k.rank();
    int n = k.scalar("b", 1);
    int c = k.scalar("c", 0);
    int o = k.scalar("o", 0);
    int g = k.scalar("g", 1);
    int[] kernel = k.axes("k", 1, rank);
    int[] stride = k.axes("s", 1, rank);
    int[] dilation = k.axes("d", 1, rank);
    float[] weight = Naive.random(1, o * c / g * Naive.product(kernel));
    float[] bias = k.has("nobias") ? null : Naive.random(2, o);
    float[] input = Naive.random(3, n * c * Naive.product(k.in()));
    Conv conv = new Conv("conv", c, o, kernel, stride, k.pad(), dilation, g,
        PaddingMode.valueOf(k.mode().toUpperCase()), k.has("flip"), weight, bias);
    int[] inShape = concat(new int[] {n, c}, k.in());
    Tensor out = Tensor.zeros(concat(new int[] {n}, conv.outputShape(Arrays.copyOfRange(inShape, 1, rank + 2))));
    ExecutionContext ctx = new ExecutionContext();
    conv.forward(Tensor.wrap(input, inShape), out, ctx);

    float[] expected = Naive.conv(input, n, c, k.in(), weight, bias, o, kernel, stride, k.pad(), dilation, g,
        k.mode(), k.has("flip"));
    double tol = tolerance(conv, inShape, c / g * Naive.product(kernel));
    Naive.assertClose(expected, out.data(), tol, k.toString());
    // A second run on the same context (reused, dirty scratch) gives the same values.
    conv.forward(Tensor.wrap(input, inShape), out, ctx);
    Naive.assertClose(expected, out.data(), tol, k + " (second run)");
  }

  /** Layers of different shapes and paths share one context, as in a network, without stale scratch. */
  @Test
  void layersShareOneContext() {
    ExecutionContext ctx = new ExecutionContext();
    List<Case> all = cases().toList();
    for (int round = 0; round < 2; round++) {
      for (int i = all.size() - 1; i >= 0; i -= 3) {
        matchesOn(all.get(i), ctx);
      }
    }
  }

  private static void matchesOn(Case k, ExecutionContext ctx) {
    int rank = k.rank();
    int n = k.scalar("b", 1);
    int c = k.scalar("c", 0);
    int o = k.scalar("o", 0);
    int g = k.scalar("g", 1);
    int[] kernel = k.axes("k", 1, rank);
    float[] weight = Naive.random(4, o * c / g * Naive.product(kernel));
    float[] input = Naive.random(5, n * c * Naive.product(k.in()));
    Conv conv = new Conv("conv", c, o, kernel, k.axes("s", 1, rank), k.pad(), k.axes("d", 1, rank), g,
        PaddingMode.valueOf(k.mode().toUpperCase()), k.has("flip"), weight, null);
    int[] inShape = concat(new int[] {n, c}, k.in());
    Tensor out = Tensor.zeros(concat(new int[] {n}, conv.outputShape(Arrays.copyOfRange(inShape, 1, rank + 2))));
    conv.forward(Tensor.wrap(input, inShape), out, ctx);
    Naive.assertClose(Naive.conv(input, n, c, k.in(), weight, null, o, kernel, k.axes("s", 1, rank), k.pad(),
        k.axes("d", 1, rank), g, k.mode(), k.has("flip")), out.data(), tolerance(conv, inShape,
        c / g * Naive.product(kernel)), k + " (shared context)");
  }

  /**
   * 1e-5, more for sums of over a thousand products (520 channels x 9 taps: 2.3e-5 off the double reference), and
   * 1e-4 where F(4x4, 3x3) or F(2x2, 5x5) runs: their 6x6 transforms scale by up to 8 (numpy in float32 is off by
   * up to 5e-5 on 16 channels of values in [-1, 1]). A wrong transform is off by whole units.
   */
  private static double tolerance(Conv conv, int[] inShape, int products) {
    ConvPlan plan = conv.plan(Arrays.copyOfRange(inShape, 1, inShape.length), Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, new Gemm());
    boolean sixBySix = plan.algorithm(inShape[0]) == ConvPlan.Algorithm.WINOGRAD
        && Winograd.positions(plan.winogradTile, conv.kernel[1]) == 36;
    return (sixBySix ? 1e-4 : 1e-5) * Math.max(1, products / 1000.0);
  }

  /**
   * Both Winograd tiles on the same shapes, against the double reference: whole samples per chunk, blocks of tile
   * rows (a short last one), several 3-d frames, a kT in the padding, two groups, a clamp;
   * m = 2 where the plan would pick 4.
   */
  @ParameterizedTest(name = "F({0}x{0}) {1}")
  @CsvSource({"2, b3 c5 o4 in9x10 k3x3 p1", "4, b3 c5 o4 in9x10 k3x3 p1", "2, b1 c3 o2 in45x27 k3x3 p1",
      "4, b1 c3 o2 in45x27 k3x3 p1", "2, b2 c6 o3 in30x19 k3x3 p0x2x1x0", "4, b2 c6 o3 in30x19 k3x3 p0x2x1x0",
      "2, b1 c4 o5 in3x22x21 k3x3x3 p1", "4, b1 c4 o5 in3x22x21 k3x3x3 p1", "2, b2 c2 o3 in4x6x7 k2x3x3 s2x1x1 p1",
      "4, b2 c2 o3 in4x6x7 k2x3x3 s2x1x1 p1", "2, b2 c32 o4 in20x21 k3x3 p1 g2", "4, b2 c32 o4 in20x21 k3x3 p1 g2",
      "2, b2 c3 o4 in27x27 k5x5 p2"})
  void winogradTilesMatchTheDefinition(int m, String spec) {
    Case k = new Case(spec);
    int n = k.scalar("b", 1);
    int c = k.scalar("c", 0);
    int o = k.scalar("o", 0);
    int rank = k.rank();
    int[] kernel = k.axes("k", 1, rank);
    int[] stride = k.axes("s", 1, rank);
    int[] dilation = k.axes("d", 1, rank);
    float[] weight = Naive.random(6, o * c / k.scalar("g", 1) * Naive.product(kernel));
    float[] bias = Naive.random(7, o);
    float[] input = Naive.random(8, n * c * Naive.product(k.in()));
    int g = k.scalar("g", 1);
    Conv conv = new Conv("conv", c, o, kernel, stride, k.pad(), dilation, g, weight, bias);
    int[] sample = concat(new int[] {c}, k.in());
    ConvPlan plan = ConvPlan.withWinogradTile(conv, sample, -0.5f, 0.75f, new Gemm(), m);
    assertEquals(ConvPlan.Algorithm.WINOGRAD, plan.algorithm(n));
    assertEquals(m, plan.winogradTile);
    float[] out = new float[n * Shapes.size(conv.outputShape(sample))];
    plan.run(input, out, n, new ExecutionContext());
    float[] expected = Naive.conv(input, n, c, k.in(), weight, bias, o, kernel, stride, k.pad(), dilation, g,
        "zeros", false);
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.min(0.75f, Math.max(-0.5f, expected[i]));
    }
    Naive.assertClose(expected, out, Winograd.positions(m, kernel[1]) == 36 ? 1e-4 : 1e-5, spec);
  }

  /** The Winograd cases above do run Winograd (else they would only test im2col twice); the plan says so. */
  @Test
  void planPicksWinogradFor3x3Stride1WithEnoughTiles() {
    Gemm gemm = new Gemm();
    float inf = Float.POSITIVE_INFINITY;
    Conv conv = new Conv("c", 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
        new float[8 * 8 * 9], null);
    ConvPlan twelve = conv.plan(new int[] {8, 12, 12}, -inf, inf, gemm);
    assertEquals(ConvPlan.Algorithm.WINOGRAD, twelve.algorithm(1));
    assertEquals(2, twelve.winogradTile, "9 4x4 tiles: F(2x2, 3x3)");
    assertEquals(4, conv.plan(new int[] {8, 13, 14}, -inf, inf, gemm).winogradTile, "16 4x4 tiles: F(4x4, 3x3)");
    ConvPlan small = conv.plan(new int[] {8, 6, 6}, -inf, inf, gemm);
    assertEquals(ConvPlan.Algorithm.IM2COL, small.algorithm(1), "9 tiles: too few");
    assertEquals(ConvPlan.Algorithm.WINOGRAD, small.algorithm(2), "18 tiles");
    Conv video = new Conv("v", 4, 4, new int[] {3, 3, 3}, new int[] {2, 1, 1}, new int[] {1, 1, 1},
        new int[] {2, 1, 1}, 1, new float[4 * 4 * 27], null);
    assertEquals(ConvPlan.Algorithm.WINOGRAD, video.plan(new int[] {4, 5, 8, 8}, -inf, inf, gemm).algorithm(1),
        "3-d, 3 output frames of 16 tiles");
    assertEquals(4, video.plan(new int[] {4, 9, 8, 8}, -inf, inf, gemm).winogradTile, "5 frames of 4 4x4 tiles");
    Conv videoStrided = new Conv("w", 4, 4, new int[] {3, 3, 3}, new int[] {1, 1, 2}, new int[] {1, 1, 1},
        new int[] {1, 1, 1}, 1, new float[4 * 4 * 27], null);
    assertEquals(ConvPlan.Algorithm.IM2COL, videoStrided.plan(new int[] {4, 5, 8, 8}, -inf, inf, gemm).algorithm(8));
    Conv strided = new Conv("s", 8, 8, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 1,
        new float[8 * 8 * 9], null);
    assertEquals(ConvPlan.Algorithm.IM2COL, strided.plan(new int[] {8, 24, 24}, -inf, inf, gemm).algorithm(8));
    Conv grouped = new Conv("g", 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2,
        new float[8 * 4 * 9], null);
    assertEquals(ConvPlan.Algorithm.IM2COL, grouped.plan(new int[] {8, 12, 12}, -inf, inf, gemm).algorithm(8),
        "4 input channels a group");
    Conv wide = new Conv("gw", 32, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2,
        new float[8 * 16 * 9], null);
    assertEquals(ConvPlan.Algorithm.WINOGRAD, wide.plan(new int[] {32, 12, 12}, -inf, inf, gemm).algorithm(1),
        "16 input channels a group");
    Conv depthwise = new Conv("d", 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 8,
        new float[8 * 9], null);
    assertEquals(ConvPlan.Algorithm.DEPTHWISE, depthwise.plan(new int[] {8, 12, 12}, -inf, inf, gemm).algorithm(8));
    Conv pointwise = new Conv("p", 8, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2,
        new float[4 * 4], null);
    assertEquals(ConvPlan.Algorithm.POINTWISE, pointwise.plan(new int[] {8, 5, 7}, -inf, inf, gemm).algorithm(8));
  }

  @Test
  void countsParametersAndMacs() {
    Conv conv = conv3x3(4, 6, 2, new float[6 * 2 * 9], new float[6]);
    assertArrayEquals(new int[] {6, 8, 8}, conv.outputShape(new int[] {4, 8, 8}));
    assertEquals(6 * 2 * 9 + 6, conv.parameterCount());
    assertEquals(6L * 8 * 8 * 2 * 9, conv.macs(new int[] {4, 8, 8}));
    Conv c3 = new Conv("c3", 2, 4, new int[] {2, 3, 3}, new int[] {1, 2, 2}, new int[] {0, 1, 1},
        new int[] {1, 1, 1}, 1, new float[4 * 2 * 18], null);
    assertArrayEquals(new int[] {4, 4, 3, 3}, c3.outputShape(new int[] {2, 5, 6, 5}));
    assertEquals(4L * 4 * 3 * 3 * 2 * 18, c3.macs(new int[] {2, 5, 6, 5}));
  }

  @Test
  void reportsItsGeometryPerDeclaredAxis() {
    Conv c = new Conv("c", 2, 2, new int[] {3, 5}, new int[] {1, 2}, new int[] {0, 1, 2, 3}, new int[] {2, 1}, 1,
        PaddingMode.REFLECT, true, Naive.random(1, 2 * 2 * 15), null);
    assertEquals("conv2d", c.op());
    assertArrayEquals(new int[] {3, 5}, c.kernel());
    assertArrayEquals(new int[] {1, 2}, c.stride());
    assertArrayEquals(new int[] {2, 1}, c.dilation());
    assertArrayEquals(new int[] {0, 1, 2, 3}, c.padding());
    assertArrayEquals(Naive.random(1, 2 * 2 * 15), c.weight(), "weight() as given, not flipped");
    assertEquals("conv1d", new Conv("c", 1, 1, new int[] {3}, new int[] {1}, new int[] {1}, new int[] {1}, 1,
        new float[3], null).op());
  }

  @Test
  void shapeErrorsNameLayerExpectedAndActual() {
    Conv c1 = new Conv("c1", 1, 6, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1,
        new float[150], null);
    ShapeException channels = assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {3, 32, 32}));
    assertEquals("layer 'c1' (conv2d): expected input (1, H>=5, W>=5) but got (3, 32, 32)", channels.getMessage());
    ShapeException small = assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {1, 4, 32}));
    assertEquals("layer 'c1' (conv2d): expected input (1, H>=5, W>=5) but got (1, 4, 32)", small.getMessage());
    assertThrows(ShapeException.class, () -> c1.outputShape(new int[] {1, 32}));
    // Reflect needs pad < size (PyTorch refuses otherwise), circular pad <= size.
    Conv reflect = new Conv("r", 2, 2, new int[] {3}, new int[] {1}, new int[] {3}, new int[] {1}, 1,
        PaddingMode.REFLECT, false, new float[12], null);
    assertEquals("layer 'r' (conv1d): expected input (2, L>=4) but got (2, 3)",
        assertThrows(ShapeException.class, () -> reflect.outputShape(new int[] {2, 3})).getMessage());
    Conv circular = new Conv("r", 2, 2, new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {0, 0, 3},
        new int[] {1, 1, 1}, 1, PaddingMode.CIRCULAR, false, new float[4], null);
    assertArrayEquals(new int[] {2, 1, 1, 9}, circular.outputShape(new int[] {2, 1, 1, 3}));
    assertEquals("layer 'r' (conv3d): expected input (2, T>=1, H>=1, W>=3) but got (2, 1, 1, 2)",
        assertThrows(ShapeException.class, () -> circular.outputShape(new int[] {2, 1, 1, 2})).getMessage());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("negative padding", "padding", () -> conv2(new int[] {3, 3}, ones(2), new int[] {-1, 0}, ones(2), 1, 36)),
        bad("negative end padding", "padding", () -> conv2(new int[] {3, 3}, ones(2), new int[] {0, 0, 0, -2},
            ones(2), 1, 36)),
        bad("padding of 3 entries", "padding", () -> conv2(new int[] {3, 3}, ones(2), new int[3], ones(2), 1, 36)),
        bad("groups not dividing in", "groups", () -> conv3x3(6, 4, 4, new float[4 * 9], null)),
        bad("groups not dividing out", "groups", () -> conv3x3(4, 6, 4, new float[6 * 9], null)),
        bad("groups zero", "groups", () -> conv3x3(4, 6, 0, new float[6 * 36], null)),
        bad("weight too short", "weight", () -> conv3x3(2, 2, 1, new float[35], null)),
        bad("weight null", "weight", () -> conv3x3(2, 2, 1, null, null)),
        bad("bias length", "bias", () -> conv3x3(2, 2, 1, new float[36], new float[3])),
        bad("stride rank", "stride", () -> conv2(new int[] {3, 3}, ones(1), new int[2], ones(2), 1, 36)),
        bad("stride zero", "stride", () -> conv2(new int[] {3, 3}, new int[] {0, 1}, new int[2], ones(2), 1, 36)),
        bad("dilation rank", "dilation", () -> conv2(new int[] {3, 3}, ones(2), new int[2], ones(3), 1, 36)),
        bad("dilation zero", "dilation", () -> conv2(new int[] {3, 3}, ones(2), new int[2], new int[2], 1, 36)),
        bad("kernel null", "kernel", () -> conv2(null, ones(2), new int[2], ones(2), 1, 36)),
        bad("kernel rank 4", "kernel", () -> conv2(new int[] {1, 1, 1, 1}, ones(4), new int[4], ones(4), 1, 2 * 2)),
        bad("kernel zero", "kernel", () -> conv2(new int[] {3, 0}, ones(2), new int[2], ones(2), 1, 0)),
        bad("inChannels zero", "inChannels", () -> conv3x3(0, 2, 1, new float[0], null)),
        bad("outChannels zero", "outChannels", () -> conv3x3(2, 0, 1, new float[0], null)),
        bad("padding mode null", "paddingMode", () -> new Conv("c", 2, 2, new int[] {3}, ones(1), new int[1],
            ones(1), 1, null, false, new float[12], null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void constructorErrorsNameOperatorLayerAndParameter(String label, String parameter, Executable build) {
    assertParam(parameter, build);
  }

  @Test
  void errorsNameTheOperatorOfTheRank() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv("c", 2, 2,
        new int[] {3, 3, 3}, ones(2), new int[3], ones(3), 1, new float[108], null));
    assertTrue(e.getMessage().startsWith("conv3d 'c': parameter 'stride' must have 3 entries"), e.getMessage());
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> new Conv("", 2, 2, new int[] {3, 3}, ones(2), new int[2], ones(2), 1, new float[36], null));
    assertTrue(name.getMessage().contains("conv2d") && name.getMessage().contains("'name'"), name.getMessage());
  }

  @Test
  void copiesItsArraysSoCallersCannotMutateIt() {
    float[] weight = Naive.random(7, 36);
    int[] stride = {1, 1};
    Conv conv = new Conv("c", 2, 2, new int[] {3, 3}, stride, new int[] {0, 0}, new int[] {1, 1}, 1, weight, null);
    float[] input = Naive.random(8, 2 * 5 * 5);
    Tensor before = Tensor.zeros(1, 2, 3, 3);
    conv.forward(Tensor.wrap(input, 1, 2, 5, 5), before, new ExecutionContext());
    weight[0] = 100;
    stride[0] = 2;
    conv.weight()[1] = 100;
    Tensor after = Tensor.zeros(1, 2, 3, 3);
    conv.forward(Tensor.wrap(input, 1, 2, 5, 5), after, new ExecutionContext());
    assertEquals(before, after);
  }

  private static Arguments bad(String label, String parameter, Executable build) {
    return Arguments.of(label, parameter, build);
  }

  private static Conv conv2(int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, int weights) {
    return new Conv("c", 2, 2, kernel, stride, padding, dilation, groups, new float[weights], null);
  }

  private static Conv conv3x3(int c, int o, int g, float[] weight, float[] bias) {
    return new Conv("c", c, o, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, g,
        weight, bias);
  }

  private static int[] ones(int rank) {
    return filled(1, rank);
  }

  static int[] filled(int value, int rank) {
    int[] v = new int[rank];
    Arrays.fill(v, value);
    return v;
  }

  static int[] concat(int[] a, int[] b) {
    int[] v = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, v, a.length, b.length);
    return v;
  }

  static void assertParam(String parameter, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().matches("^\\w+ '\\w+': parameter '" + parameter + "' .*"), e.getMessage());
  }
}
