package dev.sparkconv.nn;

import java.util.Arrays;

/**
 * The loops behind {@link Conv}, on geometry normalised to three spatial axes (T, H, W): a 1-d or
 * 2-d convolution has leading axes of size 1 with kernel 1, stride 1, dilation 1 and no padding, so
 * one loop nest serves every rank. Padding here is always zeros (other modes are materialised
 * first). Along W, the outputs whose input lies inside [0, W) form one range [lo, hi) per kernel
 * tap, so the innermost loops carry no bounds checks and stride 1 is a plain copy.
 */
final class ConvKernels {
  private ConvKernels() {}

  /**
   * im2col: row (c, kt, kh, kw), column (ot, oh, ow) = input (c, ot*sT - pT + kt*dT, ...), zero
   * outside; {@code cols} is (channels * kT*kH*kW) x (outT*outH*outW), dense.
   */
  static void im2col(float[] in, int inOff, int channels, int[] dims, int[] outDims, int[] k, int[] s, int[] d,
      int[] pad, float[] cols) {
    int outRow = outDims[2];
    int outPlane = outDims[0] * outDims[1] * outRow;
    int dst = 0;
    for (int c = 0; c < channels; c++) {
      int plane = inOff + c * dims[0] * dims[1] * dims[2];
      for (int kt = 0; kt < k[0]; kt++) {
        for (int kh = 0; kh < k[1]; kh++) {
          for (int kw = 0; kw < k[2]; kw++) {
            int shift = kw * d[2] - pad[2];
            int lo = lo(shift, s[2], outRow);
            int hi = hi(shift, s[2], outRow, dims[2], lo);
            for (int ot = 0; ot < outDims[0]; ot++) {
              int it = ot * s[0] - pad[0] + kt * d[0];
              for (int oh = 0; oh < outDims[1]; oh++, dst += outRow) {
                int ih = oh * s[1] - pad[1] + kh * d[1];
                if (it < 0 || it >= dims[0] || ih < 0 || ih >= dims[1]) {
                  Arrays.fill(cols, dst, dst + outRow, 0f);
                  continue;
                }
                int src = plane + (it * dims[1] + ih) * dims[2] + shift;
                Arrays.fill(cols, dst, dst + lo, 0f);
                if (s[2] == 1) {
                  System.arraycopy(in, src + lo, cols, dst + lo, hi - lo);
                } else {
                  for (int ow = lo; ow < hi; ow++) {
                    cols[dst + ow] = in[src + ow * s[2]];
                  }
                }
                Arrays.fill(cols, dst + hi, dst + outRow, 0f);
              }
            }
          }
        }
      }
    }
    assert dst == channels * k[0] * k[1] * k[2] * outPlane;
  }

  /**
   * Direct depthwise convolution (one input channel per group, {@code multiplier} outputs each):
   * output channel c*multiplier + m is input channel c correlated with its own kernel, bias fused.
   * Output row outer, kernel taps inner, so the row being accumulated stays in L1; no im2col, whose
   * matrix would be kernel-volume times the input for a GEMM with one-row panels.
   */
  static void depthwise(float[] in, int inOff, int channels, int multiplier, int[] dims, int[] outDims, int[] k,
      int[] s, int[] d, int[] pad, float[] weight, float[] bias, float[] out, int outOff) {
    int taps = k[0] * k[1] * k[2];
    int outRow = outDims[2];
    for (int c = 0; c < channels; c++) {
      int plane = inOff + c * dims[0] * dims[1] * dims[2];
      for (int m = 0; m < multiplier; m++) {
        int o = c * multiplier + m;
        int dst = outOff + o * outDims[0] * outDims[1] * outRow;
        for (int ot = 0; ot < outDims[0]; ot++) {
          for (int oh = 0; oh < outDims[1]; oh++, dst += outRow) {
            Arrays.fill(out, dst, dst + outRow, bias == null ? 0f : bias[o]);
            int tap = o * taps;
            for (int kt = 0; kt < k[0]; kt++) {
              int it = ot * s[0] - pad[0] + kt * d[0];
              for (int kh = 0; kh < k[1]; kh++, tap += k[2]) {
                int ih = oh * s[1] - pad[1] + kh * d[1];
                if (it < 0 || it >= dims[0] || ih < 0 || ih >= dims[1]) {
                  continue;
                }
                int row = plane + (it * dims[1] + ih) * dims[2];
                for (int kw = 0; kw < k[2]; kw++) {
                  accumulateRow(in, row, weight[tap + kw], kw * d[2] - pad[2], s[2], dims[2], out, dst, outRow);
                }
              }
            }
          }
        }
      }
    }
  }

  /** out[dst + ow] += w * in[row + ow*stride + shift] for the ow whose input lies inside [0, width). */
  private static void accumulateRow(float[] in, int row, float w, int shift, int stride, int width, float[] out,
      int dst, int outRow) {
    int lo = lo(shift, stride, outRow);
    int hi = hi(shift, stride, outRow, width, lo);
    int src = row + shift;
    if (stride == 1) {
      for (int ow = lo; ow < hi; ow++) {
        out[dst + ow] += w * in[src + ow];
      }
    } else {
      for (int ow = lo; ow < hi; ow++) {
        out[dst + ow] += w * in[src + ow * stride];
      }
    }
  }

  /** First output index whose input index ow*stride + shift is >= 0. */
  private static int lo(int shift, int stride, int outRow) {
    return Math.min(outRow, Math.max(0, -Math.floorDiv(shift, stride)));
  }

  /** One past the last output index whose input index ow*stride + shift is < width (and >= lo). */
  private static int hi(int shift, int stride, int outRow, int width, int lo) {
    return Math.max(lo, Math.min(outRow, Math.floorDiv(width - 1 - shift, stride) + 1));
  }
}
