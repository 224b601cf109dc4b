package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * A 2-d convolution block whose kernels are factored into 1-d stages, a vertical kH x 1 then a
 * horizontal 1 x kW (depthwise), each a {@link Conv} with the block's padding mode and its axis's
 * stride, dilation and padding. Per-axis padding and per-axis convolution commute, so the block equals
 * one kH x kW convolution with rank-1 kernels, in every padding mode.
 *
 * <p>Why one layer owning its stages rather than a spec op expanding into several layers: a spec entry
 * stays one layer, with one name in errors and summaries, one window for receptive-field arithmetic
 * ({@link Windowed}) and summed parameters and MACs; the op registry keeps its one-entry-one-layer
 * contract; and the activations between stages live in per-task scratch ({@link ScratchSlots#BLOCK_FIRST},
 * {@link ScratchSlots#BLOCK_SECOND}), not in the network's buffers.
 */
abstract class FactoredConv2d extends BaseLayer implements Windowed {
  final int inChannels;
  final int outChannels;
  final int[] kernel;
  final int[] stride;
  final int[] dilation;
  final Conv vertical;
  final Conv horizontal;

  /**
   * {@code padding}: {h, w} (both sides) or {top, left, bottom, right}. The vertical stage maps
   * {@code verticalIn} channels to outChannels in {@code verticalGroups} groups; the horizontal one is
   * depthwise over outChannels and carries the bias.
   */
  FactoredConv2d(String op, String name, int inChannels, int outChannels, int[] kernel, int[] stride,
      int[] padding, int[] dilation, PaddingMode paddingMode, int verticalIn, int verticalGroups,
      float[] verticalWeight, float[] horizontalWeight, float[] bias) {
    super(op, name);
    this.inChannels = positive("inChannels", inChannels);
    this.outChannels = positive("outChannels", outChannels);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.dilation = pair("dilation", dilation, 1);
    if (padding == null || (padding.length != 2 && padding.length != 4)) {
      throw badParameter("padding", "must be {h, w} or {top, left, bottom, right}",
          padding == null ? "null" : Shapes.format(padding));
    }
    int[] p = padding.length == 4 ? padding : new int[] {padding[0], padding[1], padding[0], padding[1]};
    for (int v : p) {
      if (v < 0) {
        throw badParameter("padding", "must have entries >= 0", Shapes.format(padding));
      }
    }
    if (paddingMode == null) {
      throw badParameter("paddingMode", "must not be null", "null");
    }
    positive("verticalGroups", verticalGroups);
    if (verticalIn % verticalGroups != 0 || outChannels % verticalGroups != 0) {
      throw badParameter("groups", "must divide the vertical stage's " + verticalIn + " input and "
          + outChannels + " output channels", Integer.toString(verticalGroups));
    }
    sized("verticalWeight", verticalWeight, (long) outChannels * (verticalIn / verticalGroups) * this.kernel[0],
        "");
    sized("horizontalWeight", horizontalWeight, (long) outChannels * this.kernel[1], "");
    if (bias != null) {
      sized("bias", bias, outChannels, "");
    }
    this.vertical = new Conv(name + ".vertical", verticalIn, outChannels, new int[] {this.kernel[0], 1},
        new int[] {this.stride[0], 1}, new int[] {p[0], 0, p[2], 0}, new int[] {this.dilation[0], 1},
        verticalGroups, paddingMode, false, verticalWeight, null);
    this.horizontal = new Conv(name + ".horizontal", outChannels, outChannels, new int[] {1, this.kernel[1]},
        new int[] {1, this.stride[1]}, new int[] {0, p[1], 0, p[3]}, new int[] {1, this.dilation[1]},
        outChannels, paddingMode, false, horizontalWeight, bias);
  }

  /** The stages in order. */
  abstract Conv[] stages();

  @Override
  public final int[] kernel() {
    return kernel.clone();
  }

  @Override
  public final int[] stride() {
    return stride.clone();
  }

  @Override
  public final int[] dilation() {
    return dilation.clone();
  }

  /** {top, left, bottom, right}. */
  public final int[] padding() {
    int[] v = vertical.padding();
    int[] h = horizontal.padding();
    return new int[] {v[0], h[1], v[2], h[3]};
  }

  public final PaddingMode paddingMode() {
    return vertical.paddingMode();
  }

  public final int inChannels() {
    return inChannels;
  }

  public final int outChannels() {
    return outChannels;
  }

  public final Conv vertical() {
    return vertical;
  }

  public final Conv horizontal() {
    return horizontal;
  }

  @Override
  public final int[] outputShape(int[] in) {
    int minH = vertical.minInputSize(0);
    int minW = horizontal.minInputSize(1);
    if (in.length != 3 || in[0] != inChannels || in[1] < minH || in[2] < minW) {
      throw new ShapeException(this, "(" + inChannels + ", H>=" + minH + ", W>=" + minW + ")", in);
    }
    int[] shape = in;
    for (Conv stage : stages()) {
      shape = stage.outputShape(shape);
    }
    return shape;
  }

  @Override
  public final long parameterCount() {
    long total = 0;
    for (Conv stage : stages()) {
      total += stage.parameterCount();
    }
    return total;
  }

  @Override
  public final long macs(int[] in) {
    outputShape(in);
    long total = 0;
    int[] shape = in;
    for (Conv stage : stages()) {
      total += stage.macs(shape);
      shape = stage.outputShape(shape);
    }
    return total;
  }

  /** Stage i writes to the output if last, else to scratch, alternating between two slots. */
  @Override
  final void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    Conv[] stages = stages();
    float[] src = in;
    int[] shape = inShape;
    for (int i = 0; i < stages.length; i++) {
      int[] next = stages[i].outputShape(shape);
      float[] dst = i == stages.length - 1 ? out
          : ctx.scratch(i % 2 == 0 ? ScratchSlots.BLOCK_FIRST : ScratchSlots.BLOCK_SECOND, batch * Shapes.size(next));
      stages[i].run(src, dst, batch, shape, ctx);
      src = dst;
      shape = next;
    }
  }

  @Override
  public String toString() {
    return super.toString() + " " + inChannels + "->" + outChannels + " k" + Shapes.format(kernel)
        + " s" + Shapes.format(stride) + " p" + Shapes.format(padding()) + " d" + Shapes.format(dilation)
        + (paddingMode() == PaddingMode.ZEROS ? "" : " " + paddingMode().specName());
  }
}
