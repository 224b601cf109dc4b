package dev.sparkconv.nn;

import dev.sparkconv.kernel.Axpy;
import dev.sparkconv.kernel.Kernels;

/**
 * Max pooling over 1, 2 or 3 spatial axes (PyTorch nn.MaxPool1d/2d/3d): padding never wins, a
 * dilated window skips {@code dilation - 1} inputs between taps, NaN propagates. The op is
 * "maxpool1d", "maxpool2d" or "maxpool3d" after the kernel's rank.
 */
public class MaxPool extends WindowPool {
  public MaxPool(String name, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    super(opName("maxpool", kernel), name, kernel, stride, padding, dilation, ceilMode);
  }

  /**
   * Max is separable, so it runs as vector row maxima ({@link Axpy#maxInto}) per output row instead of a window call
   * per output: the max over the window's input rows (whole rows, unit stride), placed between -infinity padding,
   * then the max over each window's columns at stride 1 (one unit-stride run per tap), then every {@code sw}-th of
   * those is the output row. No input row is split by stride (a strided copy of every input value, which with the
   * per-row bookkeeping took most of a 3x3 stride-2 pool).
   */
  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = kernel.length;
    int[] outShape = outputShape(inShape);
    int d = rank == 3 ? inShape[1] : 1;
    int h = rank >= 2 ? inShape[rank - 1] : 1;
    int w = inShape[rank];
    int outD = rank == 3 ? outShape[1] : 1;
    int outH = rank >= 2 ? outShape[rank - 1] : 1;
    int outW = outShape[rank];
    int sw = s3[2];
    int pw = p3[2];
    int starts = (outW - 1) * sw + 1; // window starts at stride 1, from the first output's
    int span = starts + (k3[2] - 1) * d3[2]; // the padded row they read
    int rowLength = Math.max(span, pw + w); // the padded row: what the windows read, and the input placed in it
    float[] rowMax = ctx.scratch(ScratchSlots.POOL_ROW_MAX, rowLength);
    float[] windowMax = ctx.scratch(ScratchSlots.POOL_WINDOW_MAX, starts);
    Axpy rows = Kernels.axpy();
    int dst = 0;
    for (int p = 0, planes = batch * inShape[0]; p < planes; p++) {
      int src = p * d * h * w;
      for (int od = 0; od < outD; od++) {
        int d0 = od * s3[0] - p3[0];
        for (int oh = 0; oh < outH; oh++, dst += outW) {
          int h0 = oh * s3[1] - p3[1];
          java.util.Arrays.fill(rowMax, 0, rowLength, Float.NEGATIVE_INFINITY);
          for (int kz = firstTap(d0, d3[0]), zEnd = endTap(d0, k3[0], d3[0], d); kz < zEnd; kz++) {
            for (int ky = firstTap(h0, d3[1]), yEnd = endTap(h0, k3[1], d3[1], h); ky < yEnd; ky++) {
              rows.maxInto(w, in, src + ((d0 + kz * d3[0]) * h + h0 + ky * d3[1]) * w, rowMax, pw);
            }
          }
          float[] target = sw == 1 ? out : windowMax;
          int at = sw == 1 ? dst : 0;
          java.util.Arrays.fill(target, at, at + starts, Float.NEGATIVE_INFINITY);
          for (int kx = 0; kx < k3[2]; kx++) {
            rows.maxInto(starts, rowMax, kx * d3[2], target, at);
          }
          for (int ow = 0; sw > 1 && ow < outW; ow++) {
            out[dst + ow] = windowMax[ow * sw];
          }
        }
      }
    }
  }

  @Override
  final float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0) {
    return max(in, plane, d, h, w, d0, h0, w0, k3, d3);
  }

  /** The window's maximum over real inputs only; NaN wins; -infinity if no tap lands in the input. */
  static float max(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0, int[] k3, int[] d3) {
    int kzEnd = endTap(d0, k3[0], d3[0], d);
    int kyEnd = endTap(h0, k3[1], d3[1], h);
    int kxStart = firstTap(w0, d3[2]);
    int kxEnd = endTap(w0, k3[2], d3[2], w);
    float max = Float.NEGATIVE_INFINITY;
    for (int kz = firstTap(d0, d3[0]); kz < kzEnd; kz++) {
      int z = d0 + kz * d3[0];
      for (int ky = firstTap(h0, d3[1]); ky < kyEnd; ky++) {
        int row = plane + ((z * h) + h0 + ky * d3[1]) * w + w0;
        for (int kx = kxStart; kx < kxEnd; kx++) {
          max = Math.max(max, in[row + kx * d3[2]]); // NaN wins; branch-free
        }
      }
    }
    return max;
  }
}
