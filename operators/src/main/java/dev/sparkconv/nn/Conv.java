package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.kernel.Nchwc;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * N-d convolution (1-d, 2-d, 3-d: input (C, L), (C, H, W), (C, T, H, W)) like PyTorch's nn.ConvNd:
 * per-axis kernel, stride and dilation, padding begin/end per axis in one of the {@link PaddingMode}s,
 * groups, optional bias. Cross-correlation by default; {@code flip} makes it a true convolution (the
 * kernel flipped on every spatial axis). Weight layout (outC, inC/groups, k...).
 *
 * <p>The path is chosen once per input shape by its {@link ConvPlan}: a 3x3 or 5x5 layer of stride 1 in H and W
 * (2-D or 3-D) with zero padding and enough output tiles runs Winograd ({@link Winograd}); a 1x1 stride-1 unpadded
 * convolution is one GEMM per group straight on the input; depthwise (groups == inC > 1, any channel multiplier)
 * runs the direct kernels of {@link ConvKernels#depthwise}; everything else is im2col per sample and group, in slabs
 * of output rows that stay in cache, then a GEMM per slab. The GEMM's weights are packed once; its micro-kernel
 * adds the bias (and a fused activation's clamp) as it writes each tile. Modes other than zeros pad each sample
 * into scratch first, so the kernels only ever see zero padding.
 */
public final class Conv extends BaseLayer implements Windowed {
  private static final String[] AXES = {"T", "H", "W"};

  // The geometry, normalised to three axes (T, H, W) for ConvPlan and ConvKernels; the declared ones are the
  // last rank. Read by ConvPlan, never written after construction.
  final int rank;
  final int inChannels;
  final int outChannels;
  final int groups;
  final int[] kernel;
  final int[] stride;
  final int[] dilation;
  final int[] padBegin;
  final int[] padEnd;
  final PaddingMode paddingMode;
  private final boolean flip;
  /** Always the cross-correlation kernel: a flipped one is flipped once here, not per call. */
  final float[] weight;
  final float[] bias;
  /** The weights packed per group for the GEMM, and Winograd-transformed, per JVM (never shipped). */
  private final PackedWeights packedWeights = new PackedWeights();
  private final PackedWeights winogradWeights2 = new PackedWeights();
  private final PackedWeights winogradWeights4 = new PackedWeights();
  /** Weights packed for the blocked kernels, made on first use (not shipped with a broadcast layer). */
  private transient volatile BlockedWeights blockedWeights;
  private transient volatile WinogradWeights blockedWinograd;
  private transient volatile WinogradWeights blockedWinograd2x2;

  /** Zero padding, cross-correlation. {@code padding}: one entry per axis (both sides) or {begin..., end...}. */
  public Conv(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, float[] weight, float[] bias) {
    this(name, inChannels, outChannels, kernel, stride, padding, dilation, groups, PaddingMode.ZEROS, false,
        weight, bias);
  }

  public Conv(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, PaddingMode paddingMode, boolean flip, float[] weight, float[] bias) {
    super(op(kernel == null ? 0 : kernel.length), name);
    this.rank = kernel != null && kernel.length >= 1 && kernel.length <= 3 ? kernel.length : 0;
    if (rank == 0) {
      throw badParameter("kernel", "must have 1, 2 or 3 entries (one per spatial axis)", format(kernel));
    }
    this.inChannels = positive("inChannels", inChannels);
    this.outChannels = positive("outChannels", outChannels);
    this.kernel = threeAxes("kernel", kernel, 1, 1);
    this.stride = threeAxes("stride", stride, 1, 1);
    this.dilation = threeAxes("dilation", dilation, 1, 1);
    if (padding == null || (padding.length != rank && padding.length != 2 * rank)) {
      throw badParameter("padding", "must have " + rank + " entries (one per axis) or " + 2 * rank
          + " ({begin..., end...})", format(padding));
    }
    this.padBegin = threeAxes("padding", Arrays.copyOfRange(padding, 0, rank), 0, 0);
    this.padEnd = threeAxes("padding", Arrays.copyOfRange(padding, padding.length - rank, padding.length), 0, 0);
    if (paddingMode == null) {
      throw badParameter("paddingMode", "must be one of " + Arrays.toString(PaddingMode.values()), "null");
    }
    this.paddingMode = paddingMode;
    this.groups = groups(groups, inChannels, outChannels);
    int taps = this.kernel[0] * this.kernel[1] * this.kernel[2];
    sized("weight", weight, (long) outChannels * (inChannels / groups) * taps,
        "outC*inC/groups*" + String.join("*", kernelNames()));
    this.bias = optional("bias", bias, outChannels, "outChannels");
    this.flip = flip;
    this.weight = flip ? flipped(weight, taps) : weight.clone();
  }

  private static String op(int rank) {
    return rank >= 1 && rank <= 3 ? "conv" + rank + "d" : "conv";
  }

  @Override
  public String op() {
    return op(rank);
  }

  public int rank() {
    return rank;
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public int groups() {
    return groups;
  }

  @Override
  public int[] kernel() {
    return declared(kernel);
  }

  @Override
  public int[] stride() {
    return declared(stride);
  }

  @Override
  public int[] dilation() {
    return declared(dilation);
  }

  /** {begin..., end...} per declared axis, after any named padding was resolved. */
  public int[] padding() {
    int[] p = Arrays.copyOf(declared(padBegin), 2 * rank);
    System.arraycopy(declared(padEnd), 0, p, rank, rank);
    return p;
  }

  public PaddingMode paddingMode() {
    return paddingMode;
  }

  public boolean flip() {
    return flip;
  }

  /** A copy as given to the constructor (unflipped), (outC, inC/groups, k...). */
  public float[] weight() {
    return flip ? flipped(weight, kernel[0] * kernel[1] * kernel[2]) : weight.clone();
  }

  /** A copy, or null when the layer has no bias. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /**
   * This convolution followed by y = x * scale[o] + shift[o] per output channel (a batch norm at
   * inference), as one convolution named {@code name}: w'[o] = w[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o].
   */
  public Conv withChannelAffine(String name, float[] scale, float[] shift) {
    if (scale.length != outChannels || shift.length != outChannels) {
      throw badParameter("scale", "must hold one value per output channel (" + outChannels + ")",
          scale.length + " and " + shift.length + " values");
    }
    float[] w = weight();
    int perChannel = w.length / outChannels;
    float[] b = new float[outChannels];
    for (int o = 0; o < outChannels; o++) {
      for (int i = o * perChannel; i < (o + 1) * perChannel; i++) {
        w[i] *= scale[o];
      }
      b[o] = (bias == null ? 0 : bias[o]) * scale[o] + shift[o];
    }
    return new Conv(name, inChannels, outChannels, kernel(), stride(), padding(), dilation(), groups, paddingMode,
        flip, w, b);
  }

  @Override
  public int[] outputShape(int[] in) {
    StringBuilder expected = new StringBuilder("(").append(inChannels);
    boolean ok = in.length == rank + 1 && in[0] == inChannels;
    for (int axis = 0; axis < rank; axis++) {
      int min = minInputSize(axis);
      expected.append(", ").append(axisName(axis)).append(">=").append(min);
      ok = ok && in[axis + 1] >= min;
    }
    if (!ok) {
      throw new ShapeException(this, expected.append(')').toString(), in);
    }
    int[] out = new int[rank + 1];
    out[0] = outChannels;
    for (int axis = 0; axis < rank; axis++) {
      int a = 3 - rank + axis;
      out[axis + 1] = ConvGeometry.outputSize(in[axis + 1], kernel[a], stride[a], padBegin[a], padEnd[a],
          dilation[a], false);
    }
    return out;
  }

  /** Smallest input size along declared axis {@code axis}: one window must fit and the padding mode must work. */
  int minInputSize(int axis) {
    int a = 3 - rank + axis;
    return Math.max(ConvGeometry.minInputSize(kernel[a], stride[a], padBegin[a], padEnd[a], dilation[a], false),
        paddingMode.minInputSize(padBegin[a], padEnd[a]));
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public long macs(int[] in) {
    int[] out = outputShape(in);
    return (long) Shapes.size(out) * weight.length / outChannels;
  }

  /** Plans the call (the packed weights are cached, so this is cheap) and runs it; a network runs its plans. */
  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    plan(inShape, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ctx.gemm()).run(in, out, batch, ctx);
  }

  /**
   * How this convolution runs on per-sample input {@code sample} with {@code gemm}'s layout, its output clamped to
   * [lo, hi] (a fused ReLU or clip; infinite bounds for none). Checks the shape; packs the weights on first use.
   */
  ConvPlan plan(int[] sample, float lo, float hi, Gemm gemm) {
    return ConvPlan.of(this, sample, lo, hi, gemm);
  }

  /** Weights packed for {@link Nchwc} with block {@code block}, and the bias padded to it. */
  record BlockedWeights(int block, int inBlock, float[] weights, float[] bias) {}

  /** Weights packed for the blocked kernels with block {@code block}, input blocks of {@code inBlock} channels. */
  BlockedWeights blockedWeights(int block, int inBlock, boolean depthwise) {
    BlockedWeights w = blockedWeights;
    if (w == null || w.block() != block || w.inBlock() != inBlock) {
      float[] packed = depthwise
          ? Nchwc.packDepthwise(weight, outChannels, kernel[1] * kernel[2], block)
          : packedPerGroup(block, inBlock);
      w = new BlockedWeights(block, inBlock, packed, Nchwc.padBias(bias, outChannels, block));
      blockedWeights = w;
    }
    return w;
  }

  /**
   * {@link Nchwc#packDirect} of each group's weights, one after the other (a pointwise kernel has one tap), for input
   * blocks of {@code inBlock} channels.
   */
  private float[] packedPerGroup(int block, int inBlock) {
    int taps = kernel[0] * kernel[1] * kernel[2];
    int in = inChannels / groups;
    int out = outChannels / groups;
    float[] all = null;
    for (int g = 0; g < groups; g++) {
      float[] group = Nchwc.packDirect(weight, g * out * in * taps, out, in, taps, block, inBlock);
      all = all == null ? Arrays.copyOf(group, groups * group.length) : all;
      System.arraycopy(group, 0, all, g * group.length, group.length);
    }
    return all;
  }

  /**
   * Blocked Winograd's U (F(tile x tile, r x r)), per position packed for block {@code block}; the bias padded to it,
   * and the zeros of a group's blocks (the bias of its products, whose sums it joins only after the output transform).
   */
  record WinogradWeights(int block, int tile, float[][] positions, float[] bias, float[] noBias) {}

  /**
   * {@link WinogradWeights} for block {@code block} ({@link Winograd#transformWeightsBlocked}), of F(4x4, 3x3) or
   * F(2x2, 5x5) ({@code tile} {@link Nchwc#winogradTileSize}) or F(2x2, 3x3) ({@code tile} 2 for a 3x3 kernel).
   */
  WinogradWeights blockedWinogradWeights(int block, int tile) {
    boolean small = tile == 2 && kernel[1] == 3;
    WinogradWeights u = small ? blockedWinograd2x2 : blockedWinograd;
    if (u == null || u.block() != block) {
      u = new WinogradWeights(block, tile, Winograd.transformWeightsBlocked(weight, outChannels, inChannels, groups,
          kernel[0], tile, kernel[1], block), Nchwc.padBias(bias, outChannels, block),
          new float[Nchwc.blocks(outChannels / groups, block) * block]);
      if (small) {
        blockedWinograd2x2 = u;
      } else {
        blockedWinograd = u;
      }
    }
    return u;
  }

  /** U of Winograd F(m x m, r x r), m = 2 or 4, r the kernel's H and W taps. */
  Gemm.PackedA[] winogradWeights(Gemm gemm, int m) {
    return (m == 4 ? winogradWeights4 : winogradWeights2).get(gemm,
        g -> Winograd.transformWeights(weight, outChannels, inChannels, groups, kernel[0], m, kernel[1], g));
  }

  Gemm.PackedA[] packedWeights(Gemm gemm) {
    int rows = inChannels / groups * kernel[0] * kernel[1] * kernel[2];
    return packedWeights.get(gemm, g -> PackedWeights.perGroup(g, false, groups, outChannels / groups, rows,
        weight));
  }

  /** A per-axis parameter checked against the kernel's rank, left-padded to three axes with {@code fill}. */
  private int[] threeAxes(String parameter, int[] value, int min, int fill) {
    int[] three = {fill, fill, fill};
    System.arraycopy(axes(parameter, value, rank, min), 0, three, 3 - rank, rank);
    return three;
  }

  /** L for a 1-d convolution; (H, W) and (T, H, W) otherwise. */
  private String axisName(int axis) {
    return rank == 1 ? "L" : AXES[3 - rank + axis];
  }

  private int[] declared(int[] three) {
    return Arrays.copyOfRange(three, 3 - rank, 3);
  }

  /** (C, d...) to the three spatial axes (T, H, W), leading ones of size 1. */
  int[] normalised(int[] sample) {
    int[] three = {1, 1, 1};
    System.arraycopy(sample, 1, three, 3 - rank, rank);
    return three;
  }

  private String[] kernelNames() {
    String[] names = new String[rank];
    for (int axis = 0; axis < rank; axis++) {
      names[axis] = "k" + axisName(axis);
    }
    return names;
  }

  /** Flipping every spatial axis of a C-order kernel reverses each (o, c) block of taps. */
  private static float[] flipped(float[] weight, int taps) {
    float[] f = new float[weight.length];
    for (int block = 0; block < weight.length; block += taps) {
      for (int t = 0; t < taps; t++) {
        f[block + t] = weight[block + taps - 1 - t];
      }
    }
    return f;
  }

  private static String format(int[] v) {
    return v == null ? "null" : Shapes.format(v);
  }

  @Override
  public String toString() {
    return super.toString() + " " + inChannels + "->" + outChannels + " k" + Shapes.format(kernel())
        + " s" + Shapes.format(stride()) + " p" + Shapes.format(padding()) + " d" + Shapes.format(dilation())
        + " g" + groups + (paddingMode == PaddingMode.ZEROS ? "" : " " + paddingMode.specName())
        + (flip ? " flip" : "");
  }
}
