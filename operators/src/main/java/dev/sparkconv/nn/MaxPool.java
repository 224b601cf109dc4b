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
   * Max is separable, so it runs in two passes of vector row maxima ({@link Axpy#maxInto}) per plane instead of
   * a window call per output: the max along W of every input row for each output column (a strided row split
   * into its stride phases first, so every tap is a unit-stride run), then the max over each window's rows.
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
    int phaseLength = (w + sw - 1) / sw;
    float[] rowMax = ctx.scratch(ScratchSlots.POOL_ROW_MAX, d * h * outW);
    float[] phases = ctx.scratch(ScratchSlots.POOL_PHASES, sw * phaseLength);
    Axpy rows = Kernels.axpy();
    // Per tap along W: the output columns [lo, hi) it reaches and where their inputs start in the (phase-split) row.
    int taps = k3[2];
    int[] lo = new int[taps];
    int[] hi = new int[taps];
    int[] start = new int[taps];
    for (int kx = 0; kx < taps; kx++) {
      int shift = kx * d3[2] - p3[2];
      lo[kx] = ConvKernels.lo(shift, sw, outW);
      hi[kx] = ConvKernels.hi(shift, sw, outW, w, lo[kx]);
      // Input column ow*sw + shift is phase floorMod(shift, sw), index ow + floorDiv(shift, sw).
      start[kx] = sw == 1 ? shift + lo[kx] : Math.floorMod(shift, sw) * phaseLength + lo[kx] + Math.floorDiv(shift, sw);
    }
    int dst = 0;
    for (int p = 0, planes = batch * inShape[0]; p < planes; p++) {
      int src = p * d * h * w;
      java.util.Arrays.fill(rowMax, 0, d * h * outW, Float.NEGATIVE_INFINITY);
      for (int r = 0; r < d * h; r++) {
        int row = src + r * w;
        float[] x = in;
        int xRow = row;
        if (sw > 1) {
          // Column j*sw + ph of the row to phases[ph * phaseLength + j], so that every tap reads a unit-stride run.
          if (sw == 2) { // constant strides let C2 drop the range checks
            for (int j = 0; j < w / 2; j++) {
              phases[j] = in[row + 2 * j];
              phases[phaseLength + j] = in[row + 2 * j + 1];
            }
            if (w % 2 == 1) {
              phases[w / 2] = in[row + w - 1];
            }
          } else {
            for (int ph = 0; ph < sw; ph++) {
              for (int j = 0, col = ph; col < w; j++, col += sw) {
                phases[ph * phaseLength + j] = in[row + col];
              }
            }
          }
          x = phases;
          xRow = 0;
        }
        for (int kx = 0; kx < taps; kx++) {
          rows.maxInto(hi[kx] - lo[kx], x, xRow + start[kx], rowMax, r * outW + lo[kx]);
        }
      }
      for (int od = 0; od < outD; od++) {
        int d0 = od * s3[0] - p3[0];
        for (int oh = 0; oh < outH; oh++, dst += outW) {
          int h0 = oh * s3[1] - p3[1];
          java.util.Arrays.fill(out, dst, dst + outW, Float.NEGATIVE_INFINITY);
          for (int kz = firstTap(d0, d3[0]), zEnd = endTap(d0, k3[0], d3[0], d); kz < zEnd; kz++) {
            for (int ky = firstTap(h0, d3[1]), yEnd = endTap(h0, k3[1], d3[1], h); ky < yEnd; ky++) {
              rows.maxInto(outW, rowMax, ((d0 + kz * d3[0]) * h + h0 + ky * d3[1]) * outW, out, dst);
            }
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
