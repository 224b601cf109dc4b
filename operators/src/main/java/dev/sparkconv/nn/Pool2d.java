package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** Window geometry shared by max and average pooling (PyTorch rules: pad &lt;= kernel/2, ceil mode). */
abstract class Pool2d extends BaseLayer implements Windowed {
  final int[] kernel;
  final int[] stride;
  final int[] padding;
  final boolean ceilMode;

  Pool2d(String op, String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
    super(op, name);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.padding = pair("padding", padding, 0);
    // Otherwise a window could hold padding only (PyTorch rejects it the same way).
    if (this.padding[0] > this.kernel[0] / 2 || this.padding[1] > this.kernel[1] / 2) {
      throw badParameter("padding", "must be at most half the kernel " + Shapes.format(kernel),
          Shapes.format(padding));
    }
    this.ceilMode = ceilMode;
  }

  public final int[] kernel() {
    return kernel.clone();
  }

  public final int[] stride() {
    return stride.clone();
  }

  @Override
  public int[] dilation() {
    return new int[] {1, 1};
  }

  public final int[] padding() {
    return padding.clone();
  }

  public final boolean ceilMode() {
    return ceilMode;
  }

  @Override
  public final int[] outputShape(int[] in) {
    int minH = ConvGeometry.minInputSize(kernel[0], stride[0], padding[0], padding[0], 1, ceilMode);
    int minW = ConvGeometry.minInputSize(kernel[1], stride[1], padding[1], padding[1], 1, ceilMode);
    if (in.length != 3 || in[1] < minH || in[2] < minW) {
      throw new ShapeException(this, "(C, H>=" + minH + ", W>=" + minW + ")", in);
    }
    return new int[] {in[0], outSize(in[1], 0), outSize(in[2], 1)};
  }

  final int outSize(int in, int axis) {
    return ConvGeometry.outputSize(in, kernel[axis], stride[axis], padding[axis], padding[axis], 1, ceilMode);
  }

  @Override
  final void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int h = inShape[1];
    int w = inShape[2];
    int outH = outSize(h, 0);
    int outW = outSize(w, 1);
    int planes = batch * inShape[0];
    for (int p = 0; p < planes; p++) {
      int src = p * h * w;
      int dst = p * outH * outW;
      for (int oh = 0; oh < outH; oh++) {
        int h0 = oh * stride[0] - padding[0];
        for (int ow = 0; ow < outW; ow++) {
          out[dst++] = window(in, src, h, w, h0, ow * stride[1] - padding[1]);
        }
      }
    }
  }

  /** The pooled value of the window whose top-left corner (in unpadded coordinates) is (h0, w0). */
  abstract float window(float[] in, int plane, int h, int w, int h0, int w0);
}
