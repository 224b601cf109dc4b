package dev.sparkconv.nn;

import dev.sparkconv.kernel.Axpy;
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

  /** Rows of {@link #depthwiseStride1}'s padded channel planes: every input row an output reads. */
  static int depthwisePaddedHeight(int[] outDims, int[] k, int[] d) {
    return outDims[1] + d[1] * (k[1] - 1);
  }

  /** Row pitch of {@link #depthwiseStride1}'s padded planes and output rows: every input column an output reads. */
  static int depthwisePitch(int[] outDims, int[] k, int[] d) {
    return outDims[2] + d[2] * (k[2] - 1);
  }

  /**
   * Depthwise convolution with stride 1 along H and W (any stride along T), bias fused. Each input channel
   * is copied once into {@code padded}, zero-padded to {@link #depthwisePaddedHeight} x {@link #depthwisePitch}, so output (oh, ow)
   * reads padded (oh + kh*dH, ow + kw*dW): at the padded row pitch P one kernel row is a single loop over
   * q = oh*P + ow for the whole plane, run by {@link Axpy} (vector or scalar, chosen with the GEMM kernel;
   * C2 on JDK 17 does not vectorize these loops itself). The P - outW columns past each output row are computed
   * and dropped when {@code rows} (outH x P) is copied to the output.
   */
  static void depthwiseStride1(float[] in, int inOff, int channels, int multiplier, int[] dims, int[] outDims,
      int[] k, int[] s, int[] d, int[] pad, float[] weight, float[] bias, float[] out, int outOff, float[] padded,
      float[] rows, Axpy axpy) {
    int hp = depthwisePaddedHeight(outDims, k, d);
    int wp = depthwisePitch(outDims, k, d);
    int plane = hp * wp;
    int outRow = outDims[2];
    int outPlane = outDims[1] * outRow;
    int n = (outDims[1] - 1) * wp + outRow;
    int taps = k[0] * k[1] * k[2];
    int copyRows = Math.min(dims[1], hp - pad[1]);
    int copyCols = Math.min(dims[2], wp - pad[2]);
    for (int c = 0; c < channels; c++) {
      int src = inOff + c * dims[0] * dims[1] * dims[2];
      Arrays.fill(padded, 0, dims[0] * plane, 0f);
      for (int t = 0; t < dims[0]; t++) {
        for (int ih = 0; ih < copyRows; ih++) {
          System.arraycopy(in, src + (t * dims[1] + ih) * dims[2], padded, t * plane + (ih + pad[1]) * wp + pad[2],
              copyCols);
        }
      }
      for (int m = 0; m < multiplier; m++) {
        int o = c * multiplier + m;
        for (int ot = 0; ot < outDims[0]; ot++) {
          Arrays.fill(rows, 0, n, bias == null ? 0f : bias[o]);
          for (int kt = 0; kt < k[0]; kt++) {
            int it = ot * s[0] - pad[0] + kt * d[0];
            if (it < 0 || it >= dims[0]) {
              continue;
            }
            for (int kh = 0; kh < k[1]; kh++) {
              int base = it * plane + kh * d[1] * wp;
              int tap = o * taps + (kt * k[1] + kh) * k[2];
              int kw = 0;
              for (; kw + 3 <= k[2]; kw += 3) {
                int x0 = base + kw * d[2];
                axpy.axpy3(n, weight[tap + kw], weight[tap + kw + 1], weight[tap + kw + 2], padded, x0, x0 + d[2],
                    x0 + 2 * d[2], rows, 0);
              }
              for (; kw < k[2]; kw++) {
                axpy.axpy(n, weight[tap + kw], padded, base + kw * d[2], rows, 0);
              }
            }
          }
          int dst = outOff + o * outDims[0] * outPlane + ot * outPlane;
          for (int oh = 0; oh < outDims[1]; oh++) {
            System.arraycopy(rows, oh * wp, out, dst + oh * outRow, outRow);
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
