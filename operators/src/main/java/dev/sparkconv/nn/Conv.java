package dev.sparkconv.nn;

import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.kernel.Kernels;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;

/**
 * N-d convolution (1-d, 2-d, 3-d: input (C, L), (C, H, W), (C, T, H, W)) like PyTorch's nn.ConvNd:
 * per-axis kernel, stride and dilation, padding begin/end per axis in one of the {@link PaddingMode}s,
 * groups, optional bias. Cross-correlation by default; {@code flip} makes it a true convolution (the
 * kernel flipped on every spatial axis). Weight layout (outC, inC/groups, k...).
 *
 * <p>The path is chosen per call from the geometry and the batch: an ungrouped 2-D 3x3 stride-1 layer with zero
 * padding and enough output tiles runs Winograd F(2x2, 3x3) ({@link Winograd}); a 1x1 stride-1 unpadded
 * convolution is one GEMM per group straight on the input; depthwise (groups == inC > 1, any channel multiplier)
 * runs the direct kernels of {@link ConvKernels#depthwise}; everything else is im2col per sample and group, in slabs
 * of output rows that stay in cache, then a GEMM per slab. The GEMM's weights are packed once; its micro-kernel
 * adds the bias (and a fused activation's clamp) as it writes each tile. Modes other than zeros pad each sample
 * into scratch first, so the kernels only ever see zero padding.
 */
public final class Conv extends BaseLayer implements Windowed {
  private static final String[] AXES = {"T", "H", "W"};
  private static final int[] NO_PADDING = {0, 0, 0};

  private final int rank;
  private final int inChannels;
  private final int outChannels;
  private final int groups;
  /** Normalised to three axes (T, H, W) for {@link ConvKernels}; the declared ones are the last {@code rank}. */
  private final int[] kernel;
  private final int[] stride;
  private final int[] dilation;
  private final int[] padBegin;
  private final int[] padEnd;
  private final PaddingMode paddingMode;
  private final boolean flip;
  /** Always the cross-correlation kernel: a flipped one is flipped once here, not per call. */
  private final float[] weight;
  private final float[] bias;
  /**
   * The weights packed for the GEMM once per group, on first use (per JVM: never serialized, and packed
   * again if a task's GEMM blocks differently). Tasks sharing this layer may race to pack; any result wins.
   */
  private transient volatile Gemm.PackedA[] packedWeights;
  /** The Winograd-transformed weights, packed; see {@link #packedWeights}. */
  private transient volatile Gemm.PackedA[] winogradWeights;

  /**
   * {@code -Dsparkconv.winograd=false} turns Winograd off (every 3x3 stride-1 layer then runs im2col + GEMM).
   * Below {@link #WINOGRAD_MIN_TILES} 2x2 tiles in the batch its 16 GEMMs are too narrow to pay for the transforms
   * (measured: 512 channels at 7x7, 16 tiles, 86 effective GFLOPS against 74 with im2col; 64 at 8x8 even).
   */
  static final boolean WINOGRAD = !"false".equalsIgnoreCase(System.getProperty("sparkconv.winograd"));
  static final int WINOGRAD_MIN_TILES = 16;

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
    this.kernel = axes("kernel", kernel, 1, 1);
    this.stride = axes("stride", stride, 1, 1);
    this.dilation = axes("dilation", dilation, 1, 1);
    if (padding == null || (padding.length != rank && padding.length != 2 * rank)) {
      throw badParameter("padding", "must have " + rank + " entries (one per axis) or " + 2 * rank
          + " ({begin..., end...})", format(padding));
    }
    this.padBegin = axes("padding", Arrays.copyOfRange(padding, 0, rank), 0, 0);
    this.padEnd = axes("padding", Arrays.copyOfRange(padding, padding.length - rank, padding.length), 0, 0);
    if (paddingMode == null) {
      throw badParameter("paddingMode", "must be one of " + Arrays.toString(PaddingMode.values()), "null");
    }
    this.paddingMode = paddingMode;
    this.groups = positive("groups", groups);
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw badParameter("groups", "must divide inChannels " + inChannels + " and outChannels " + outChannels,
          Integer.toString(groups));
    }
    int taps = this.kernel[0] * this.kernel[1] * this.kernel[2];
    long weightSize = (long) outChannels * (inChannels / groups) * taps;
    if (weight == null || weight.length != weightSize) {
      throw badParameter("weight", "must hold outC*inC/groups*" + String.join("*", kernelNames()) + " = "
          + weightSize + " values", weight == null ? "null" : weight.length + " values");
    }
    if (bias != null && bias.length != outChannels) {
      throw badParameter("bias", "must be null or hold outChannels = " + outChannels + " values",
          bias.length + " values");
    }
    this.flip = flip;
    this.weight = flip ? flipped(weight, taps) : weight.clone();
    this.bias = bias == null ? null : bias.clone();
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

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    run(in, out, batch, inShape, ctx, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
  }

  /**
   * This convolution followed by min(max(y, lo), hi) (a ReLU or clip that only reads this layer), the clamp
   * applied by the GEMM's micro-kernel as it writes C (or to each depthwise or Winograd output plane while it is
   * in cache) instead of in a pass of its own; see {@link Network}'s execution plan.
   */
  void forwardClamped(Tensor in, Tensor out, ExecutionContext ctx, float lo, float hi) {
    int[] sample = checkedSample(in, out);
    run(in.data(), out.data(), in.dim(0), sample, ctx, lo, hi);
  }

  private void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx, float lo, float hi) {
    int[] dims = normalised(inShape);
    int[] outDims = normalised(outputShape(inShape));
    int inSize = inChannels * dims[0] * dims[1] * dims[2];
    int outPlane = outDims[0] * outDims[1] * outDims[2];
    boolean padded = paddingMode != PaddingMode.ZEROS && !allZero(padBegin, padEnd);
    int[] srcDims = padded ? new int[3] : dims;
    for (int a = 0; padded && a < 3; a++) {
      srcDims[a] = dims[a] + padBegin[a] + padEnd[a];
    }
    if (usesWinograd(batch, outDims) && !padded) {
      Winograd.run(in, batch, inChannels, dims[1], dims[2], padBegin[1], padBegin[2], winogradWeights(ctx.gemm()),
          bias, out, outChannels, outDims[1], outDims[2], lo, hi, ctx);
      return;
    }
    int[] pad = padded ? NO_PADDING : padBegin;
    float[] paddedInput = padded ? ctx.scratch(ScratchSlots.CONV_PADDED, inChannels * Shapes.size(srcDims)) : null;
    boolean depthwise = groups == inChannels && groups > 1;
    boolean pointwise = !depthwise && allOne(kernel) && allOne(stride) && allZero(padBegin, padEnd);
    int rows = inChannels / groups * kernel[0] * kernel[1] * kernel[2];
    int slab = im2colSlabRows(rows, outDims);
    float[] cols = depthwise || pointwise ? null
        : ctx.scratch(ScratchSlots.CONV_COLUMNS, rows * Math.min(outDims[0] * outDims[1], slab) * outDims[2]);
    for (int n = 0; n < batch; n++) {
      float[] src = in;
      int srcOff = n * inSize;
      if (padded) {
        paddingMode.pad(in, srcOff, inChannels, dims, padBegin, padEnd, paddedInput);
        src = paddedInput;
        srcOff = 0;
      }
      int outOff = n * outChannels * outPlane;
      if (depthwise) {
        ConvKernels.depthwise(src, srcOff, inChannels, outChannels / groups, srcDims, outDims, kernel, stride,
            dilation, pad, weight, bias, out, outOff,
            ctx.scratch(ScratchSlots.DEPTHWISE_PHASES,
                Math.max(ConvKernels.depthwisePhasesSize(srcDims, outDims, kernel, stride, dilation),
                    ConvKernels.depthwisePlaneSize(outDims, kernel, stride, dilation))),
            ctx.scratch(ScratchSlots.DEPTHWISE_ROWS, Math.max(2 * outDims[2],
                outDims[1] * ConvKernels.depthwisePhasePitch(outDims, kernel, stride, dilation))), Kernels.axpy(), lo,
            hi);
      } else {
        gemmSample(src, srcOff, srcDims, outDims, pad, pointwise, cols, slab, out, outOff, ctx.gemm(), lo, hi);
      }
    }
  }

  /** One sample through im2col (or straight from the input when pointwise) and one GEMM per group. */
  private void gemmSample(float[] src, int srcOff, int[] srcDims, int[] outDims, int[] pad, boolean pointwise,
      float[] cols, int slab, float[] out, int outOff, Gemm gemm, float lo, float hi) {
    int outPlane = outDims[0] * outDims[1] * outDims[2];
    int inPerGroup = inChannels / groups;
    int outPerGroup = outChannels / groups;
    int rows = inPerGroup * kernel[0] * kernel[1] * kernel[2];
    Gemm.PackedA[] packed = packedWeights(gemm);
    for (int g = 0; g < groups; g++) {
      int groupIn = srcOff + g * inPerGroup * srcDims[0] * srcDims[1] * srcDims[2];
      int groupOut = outOff + g * outPerGroup * outPlane;
      Epilogue epilogue = Epilogue.of(bias, g * outPerGroup, lo, hi); // bias and activation as C is written
      if (pointwise) {
        gemm.sgemm(packed[g], false, outPlane, 1f, src, groupIn, outPlane, 0f, epilogue, out, groupOut, outPlane);
        continue;
      }
      // Slabs of output rows (over T and H) whose columns stay in cache between im2col and the GEMM reading them.
      int outRows = outDims[0] * outDims[1];
      for (int r = 0; r < outRows; r += slab) {
        int rEnd = Math.min(outRows, r + slab);
        int n = (rEnd - r) * outDims[2];
        ConvKernels.im2col(src, groupIn, inPerGroup, srcDims, outDims, kernel, stride, dilation, pad, r, rEnd, cols);
        gemm.sgemm(packed[g], false, n, 1f, cols, 0, n, 0f, epilogue, out, groupOut + r * outDims[2], outPlane);
      }
    }
  }

  /** Output rows (over T and H) per im2col slab; see {@link #IM2COL_SLAB_FLOATS}. */
  private static int im2colSlabRows(int rows, int[] outDims) {
    return Math.max(IM2COL_SLAB_MIN_COLUMNS / outDims[2] + 1, IM2COL_SLAB_FLOATS / (rows * outDims[2]));
  }

  /**
   * 256 KB of im2col columns per slab (a quarter of a 1 MB L2, the rest for the packed panels), but never
   * narrower than 512 columns: each slab's GEMM packs B and walks all of A again.
   */
  private static final int IM2COL_SLAB_FLOATS = 64 * 1024;
  private static final int IM2COL_SLAB_MIN_COLUMNS = 512;

  /**
   * The per-layer plan: Winograd F(2x2, 3x3) for an ungrouped 2-D 3x3 stride-1 undilated layer with zero
   * padding, when the batch has enough output tiles; {@code outDims} normalised (T, H, W).
   */
  boolean usesWinograd(int batch, int[] outDims) {
    return WINOGRAD && rank == 2 && groups == 1 && kernel[1] == 3 && kernel[2] == 3 && allOne(stride)
        && allOne(dilation) && (paddingMode == PaddingMode.ZEROS || allZero(padBegin, padEnd))
        && (long) batch * Winograd.tiles(outDims[1]) * Winograd.tiles(outDims[2]) >= WINOGRAD_MIN_TILES;
  }

  private Gemm.PackedA[] winogradWeights(Gemm gemm) {
    Gemm.PackedA[] packed = winogradWeights;
    if (packed == null || !gemm.fits(packed[0])) {
      packed = Winograd.transformWeights(weight, outChannels, inChannels, gemm);
      winogradWeights = packed;
    }
    return packed;
  }

  private Gemm.PackedA[] packedWeights(Gemm gemm) {
    Gemm.PackedA[] packed = packedWeights;
    if (packed == null || !gemm.fits(packed[0])) {
      int outPerGroup = outChannels / groups;
      int rows = inChannels / groups * kernel[0] * kernel[1] * kernel[2];
      packed = new Gemm.PackedA[groups];
      for (int g = 0; g < groups; g++) {
        packed[g] = gemm.pack(false, outPerGroup, rows, weight, g * outPerGroup * rows, rows);
      }
      packedWeights = packed;
    }
    return packed;
  }

  /** A per-axis parameter checked against the kernel's rank, left-padded to three axes with {@code fill}. */
  private int[] axes(String parameter, int[] value, int min, int fill) {
    if (value == null || value.length != rank) {
      throw badParameter(parameter, "must have " + rank + " entries like the kernel (one per spatial axis)",
          format(value));
    }
    for (int v : value) {
      if (v < min) {
        throw badParameter(parameter, "must have entries >= " + min, format(value));
      }
    }
    int[] three = {fill, fill, fill};
    System.arraycopy(value, 0, three, 3 - rank, rank);
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
  private int[] normalised(int[] sample) {
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

  private static boolean allOne(int[] v) {
    return v[0] == 1 && v[1] == 1 && v[2] == 1;
  }

  private static boolean allZero(int[] a, int[] b) {
    return a[0] == 0 && a[1] == 0 && a[2] == 0 && b[0] == 0 && b[1] == 0 && b[2] == 0;
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
