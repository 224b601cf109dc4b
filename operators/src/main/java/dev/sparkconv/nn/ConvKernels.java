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
   * im2col for the output rows [rowBegin, rowEnd) of the (outT * outH) rows, row r being (ot, oh) =
   * (r / outH, r % outH): row (c, kt, kh, kw), column (r, ow) of {@code cols} = input (c, ot*sT - pT + kt*dT, ...),
   * zero outside; {@code cols} is (channels * kT*kH*kW) x ((rowEnd - rowBegin) * outW), dense. A slab of rows
   * rather than the whole map, so that the columns stay in cache while the GEMM reads them.
   */
  static void im2col(float[] in, int inOff, int channels, int[] dims, int[] outDims, int[] k, int[] s, int[] d,
      int[] pad, int rowBegin, int rowEnd, float[] cols) {
    int outRow = outDims[2];
    int outPlane = (rowEnd - rowBegin) * outRow;
    int dst = 0;
    for (int c = 0; c < channels; c++) {
      int plane = inOff + c * dims[0] * dims[1] * dims[2];
      for (int kt = 0; kt < k[0]; kt++) {
        for (int kh = 0; kh < k[1]; kh++) {
          for (int kw = 0; kw < k[2]; kw++) {
            int shift = kw * d[2] - pad[2];
            int lo = lo(shift, s[2], outRow);
            int hi = hi(shift, s[2], outRow, dims[2], lo);
            for (int r = rowBegin; r < rowEnd; r++, dst += outRow) {
              int it = r / outDims[1] * s[0] - pad[0] + kt * d[0];
              int ih = r % outDims[1] * s[1] - pad[1] + kh * d[1];
              if (it < 0 || it >= dims[0] || ih < 0 || ih >= dims[1]) {
                Arrays.fill(cols, dst, dst + outRow, 0f);
                continue;
              }
              gatherRow(in, plane + (it * dims[1] + ih) * dims[2] + shift, s[2], lo, hi, cols, dst, outRow);
            }
          }
        }
      }
    }
    assert dst == channels * k[0] * k[1] * k[2] * outPlane;
  }

  private static final int[] UNIT_STRIDE = {1, 1, 1};

  /** Rows of one {@link #depthwise} phase plane: output rows plus the rows the kernel reaches below them. */
  static int depthwisePhaseHeight(int[] outDims, int[] k, int[] s, int[] d) {
    return outDims[1] + (k[1] - 1) * d[1] / s[1];
  }

  /** Row pitch of {@link #depthwise}'s phase planes and output rows. */
  static int depthwisePhasePitch(int[] outDims, int[] k, int[] s, int[] d) {
    return outDims[2] + (k[2] - 1) * d[2] / s[2];
  }

  /** Floats of {@link #depthwise}'s {@code phases} buffer: sH * sW phase planes per input T slice. */
  static int depthwisePhasesSize(int[] dims, int[] outDims, int[] k, int[] s, int[] d) {
    return dims[0] * s[1] * s[2] * depthwisePhaseHeight(outDims, k, s, d) * depthwisePhasePitch(outDims, k, s, d);
  }

  /**
   * Direct depthwise convolution of one sample as {@code plan} says (one input channel per group, {@code
   * multiplier} outputs each, any stride and dilation), bias and clamp fused; output channel c*multiplier + m is input channel c correlated with its own kernel.
   *
   * <p>Each input channel is split once into sH * sW zero-padded phase planes, phase (ph, pw) holding padded
   * input (i*sH + ph, j*sW + pw) at (i, j). Output (oh, ow) then reads, for tap (kh, kw), phase
   * ((kh*dH) % sH, (kw*dW) % sW) at (oh + kh*dH / sH, ow + kw*dW / sW): a unit-stride window. At the phase
   * pitch P one kernel tap is a single loop over q = oh*P + ow for the whole output plane, run by
   * {@link Axpy} (vector or scalar, chosen with the GEMM kernel; C2 on JDK 17 does not vectorize these loops
   * itself). With stride 1 there is one phase: the zero-padded channel. The P - outW columns past each output
   * row are computed and dropped when {@code rows} (outH x P) is copied to the output. No im2col, whose matrix
   * would be kernel-volume times the input for a GEMM with one-row panels.
   */
  static void depthwise(ConvPlan plan, float[] in, int inOff, float[] out, int outOff, float[] phases,
      float[] rows) {
    Conv conv = plan.conv;
    int channels = conv.inChannels;
    int multiplier = conv.outChannels / conv.groups;
    int[] dims = plan.srcDims;
    int[] outDims = plan.outDims;
    int[] k = conv.kernel;
    int[] s = conv.stride;
    int[] d = conv.dilation;
    int[] pad = plan.pad;
    float[] weight = conv.weight;
    float[] bias = conv.bias;
    Axpy axpy = plan.axpy;
    float lo = plan.lo;
    float hi = plan.hi;
    int hq = depthwisePhaseHeight(outDims, k, s, d);
    int wq = depthwisePhasePitch(outDims, k, s, d);
    int phasePlane = hq * wq;
    int slice = s[1] * s[2] * phasePlane; // the phase planes of one input T slice
    int outRow = outDims[2];
    int outPlane = outDims[1] * outRow;
    int n = (outDims[1] - 1) * wq + outRow;
    int taps = k[0] * k[1] * k[2];
    // A 2-D 3x3 (or other 9-tap) kernel: one pass with the taps in registers.
    int[] window = taps == 9 && k[0] == 1 && dims[0] == 1 && outDims[0] == 1 ? new int[9] : null;
    for (int kh = 0; window != null && kh < k[1]; kh++) {
      int rowBase = (kh * d[1] % s[1]) * s[2] * phasePlane + kh * d[1] / s[1] * wq;
      for (int kw = 0; kw < k[2]; kw++) {
        window[kh * k[2] + kw] = phaseOffset(rowBase, kw, s[2], d[2], phasePlane);
      }
    }
    if (window != null && s[2] == 2 && 2 * outRow - 1 >= ConvPlan.DEPTHWISE_ROW_MIN) { // rows long enough for vectors
      depthwiseColumnStride2(in, inOff, channels, multiplier, dims, outDims, k, s, d, pad, weight, bias, out, outOff,
          phases, rows, axpy, lo, hi);
      return;
    }
    for (int c = 0; c < channels; c++) {
      splitPhases(in, inOff + c * dims[0] * dims[1] * dims[2], dims, s, pad, hq, wq, phases, c > 0);
      for (int m = 0; m < multiplier; m++) {
        int o = c * multiplier + m;
        if (window != null) {
          float b = bias == null ? 0f : bias[o];
          if (outRow >= ConvPlan.DEPTHWISE_ROW_MIN) { // row by row straight into the output
            int oh = 0;
            if (k[1] == 3 && k[2] == 3 && s[1] == 1 && s[2] == 1 && d[1] == 1) { // pairs of rows sharing inputs
              for (; oh + 1 < outDims[1]; oh += 2) {
                axpy.window3x3Rows2(outRow, weight, o * taps, b, phases, oh * wq, wq, d[2], out,
                    outOff + o * outPlane + oh * outRow, outRow);
              }
            }
            for (; oh < outDims[1]; oh++) {
              axpy.window9(outRow, weight, o * taps, b, phases, window, oh * wq, out,
                  outOff + o * outPlane + oh * outRow);
            }
          } else { // short rows: one pass over the plane at the phase pitch, then the rows copied out
            axpy.window9(n, weight, o * taps, b, phases, window, 0, rows, 0);
            for (int oh = 0; oh < outDims[1]; oh++) {
              System.arraycopy(rows, oh * wq, out, outOff + o * outPlane + oh * outRow, outRow);
            }
          }
          clamp(out, outOff + o * outPlane, outPlane, lo, hi);
          continue;
        }
        for (int ot = 0; ot < outDims[0]; ot++) {
          Arrays.fill(rows, 0, n, bias == null ? 0f : bias[o]);
          for (int kt = 0; kt < k[0]; kt++) {
            int it = ot * s[0] - pad[0] + kt * d[0];
            if (it < 0 || it >= dims[0]) {
              continue;
            }
            for (int kh = 0; kh < k[1]; kh++) {
              int rowBase = it * slice + (kh * d[1] % s[1]) * s[2] * phasePlane + kh * d[1] / s[1] * wq;
              int tap = o * taps + (kt * k[1] + kh) * k[2];
              int kw = 0;
              for (; kw + 3 <= k[2]; kw += 3) {
                axpy.axpy3(n, weight[tap + kw], weight[tap + kw + 1], weight[tap + kw + 2], phases,
                    phaseOffset(rowBase, kw, s[2], d[2], phasePlane), phaseOffset(rowBase, kw + 1, s[2], d[2],
                        phasePlane), phaseOffset(rowBase, kw + 2, s[2], d[2], phasePlane), rows, 0);
              }
              for (; kw < k[2]; kw++) {
                axpy.axpy(n, weight[tap + kw], phases, phaseOffset(rowBase, kw, s[2], d[2], phasePlane), rows, 0);
              }
            }
          }
          int dst = outOff + o * outDims[0] * outPlane + ot * outPlane;
          for (int oh = 0; oh < outDims[1]; oh++) {
            System.arraycopy(rows, oh * wq, out, dst + oh * outRow, outRow);
          }
          clamp(out, dst, outPlane, lo, hi);
        }
      }
    }
  }

  /** min(max(x, lo), hi) over {@code n} floats: a fused ReLU or clip; nothing when the bounds are infinite. */
  static void clamp(float[] x, int off, int n, float lo, float hi) {
    if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) {
      return;
    }
    for (int i = off; i < off + n; i++) {
      x[i] = Math.min(Math.max(x[i], lo), hi); // branch-free and vectorized, like Clip
    }
  }

  /** Floats {@link #depthwiseColumnStride2}'s zero-padded channel plane needs (at most the phase planes' size + 1 row). */
  static int depthwisePlaneSize(int[] outDims, int[] k, int[] s, int[] d) {
    return ((outDims[1] - 1) * s[1] + (k[1] - 1) * d[1] + 1) * (2 * outDims[2] - 1 + (k[2] - 1) * d[2]);
  }

  /**
   * A 2-D 9-tap depthwise kernel with column stride 2 (MobileNet's and ShuffleNet's downsampling layers):
   * splitting each channel into stride phases costs a scalar pass over the whole input, which on these layers
   * took longer than the taps. Here the channel is only zero-padded (row copies); each output row, a plain
   * row offset for any row stride, is computed at column stride 1 by {@link Axpy#window9} (twice the FMAs of
   * that row, in vectors) and every other column kept: a scalar pass over the output, a quarter of the input.
   */
  private static void depthwiseColumnStride2(float[] in, int inOff, int channels, int multiplier, int[] dims,
      int[] outDims, int[] k, int[] s, int[] d, int[] pad, float[] weight, float[] bias, float[] out, int outOff,
      float[] plane, float[] rows, Axpy axpy, float lo, float hi) {
    int hp = (outDims[1] - 1) * s[1] + (k[1] - 1) * d[1] + 1;
    int wp = 2 * outDims[2] - 1 + (k[2] - 1) * d[2];
    int wide = 2 * outDims[2] - 1; // output columns at stride 1
    int[] window = new int[9];
    for (int kh = 0; kh < k[1]; kh++) {
      for (int kw = 0; kw < k[2]; kw++) {
        window[kh * k[2] + kw] = kh * d[1] * wp + kw * d[2];
      }
    }
    int outRow = outDims[2];
    int outPlane = outDims[1] * outRow;
    for (int c = 0; c < channels; c++) {
      splitPhases(in, inOff + c * dims[1] * dims[2], dims, UNIT_STRIDE, pad, hp, wp, plane, c > 0);
      for (int m = 0; m < multiplier; m++) {
        int o = c * multiplier + m;
        float b = bias == null ? 0f : bias[o];
        for (int oh = 0; oh < outDims[1]; oh++) {
          axpy.window9(wide, weight, o * 9, b, plane, window, oh * s[1] * wp, rows, 0);
          int dst = outOff + o * outPlane + oh * outRow;
          for (int ow = 0; ow < outRow; ow++) {
            out[dst + ow] = rows[2 * ow];
          }
        }
        clamp(out, outOff + o * outPlane, outPlane, lo, hi);
      }
    }
  }

  /** Where tap column kw starts in the phase planes of one kernel row starting at {@code rowBase}. */
  private static int phaseOffset(int rowBase, int kw, int sW, int dW, int phasePlane) {
    return rowBase + (kw * dW % sW) * phasePlane + kw * dW / sW;
  }

  /**
   * One input channel (T x H x W) into its zero-padded phase planes; see {@link #depthwise}. With {@code
   * bordersZero} the zeros are in place already (the previous channel's split of the same layer wrote them): only
   * the input is copied. Filling them per channel took an eighth of a 3x3 depthwise layer at 56x56.
   */
  private static void splitPhases(float[] in, int src, int[] dims, int[] s, int[] pad, int hq, int wq,
      float[] phases, boolean bordersZero) {
    int dst = 0;
    for (int t = 0; t < dims[0]; t++) {
      for (int ph = 0; ph < s[1]; ph++) {
        for (int pw = 0; pw < s[2]; pw++) {
          int shift = pw - pad[2];
          int lo = lo(shift, s[2], wq);
          int hi = hi(shift, s[2], wq, dims[2], lo);
          for (int i = 0; i < hq; i++, dst += wq) {
            int ih = i * s[1] + ph - pad[1];
            int row = src + (t * dims[1] + ih) * dims[2] + shift;
            if (ih < 0 || ih >= dims[1]) {
              if (!bordersZero) {
                Arrays.fill(phases, dst, dst + wq, 0f);
              }
            } else if (bordersZero) {
              copyRow(in, row, s[2], lo, hi, phases, dst);
            } else {
              gatherRow(in, row, s[2], lo, hi, phases, dst, wq);
            }
          }
        }
      }
    }
  }

  /**
   * out[dst + j] = in[row + j * stride] for j in [lo, hi), zero for the rest of [0, count): one padded row. With
   * padding wider than the input lo == hi and row + lo may lie outside {@code in} (which arraycopy checks even
   * for length 0): nothing is read then.
   */
  private static void gatherRow(float[] in, int row, int stride, int lo, int hi, float[] out, int dst, int count) {
    Arrays.fill(out, dst, dst + lo, 0f);
    copyRow(in, row, stride, lo, hi, out, dst);
    Arrays.fill(out, dst + hi, dst + count, 0f);
  }

  /** out[dst + j] = in[row + j * stride] for j in [lo, hi): {@link #gatherRow} without its zeros. */
  private static void copyRow(float[] in, int row, int stride, int lo, int hi, float[] out, int dst) {
    if (hi > lo && stride == 1) {
      System.arraycopy(in, row + lo, out, dst + lo, hi - lo);
    } else if (stride == 2) { // a constant stride lets C2 drop the range checks: 3x faster than the loop below
      for (int j = lo; j < hi; j++) {
        out[dst + j] = in[row + 2 * j];
      }
    } else {
      for (int j = lo; j < hi; j++) {
        out[dst + j] = in[row + j * stride];
      }
    }
  }

  /** First output index whose input index ow*stride + shift is >= 0. */
  static int lo(int shift, int stride, int outRow) {
    return Math.min(outRow, Math.max(0, -Math.floorDiv(shift, stride)));
  }

  /** One past the last output index whose input index ow*stride + shift is < width (and >= lo). */
  static int hi(int shift, int stride, int outRow, int width, int lo) {
    return Math.max(lo, Math.min(outRow, Math.floorDiv(width - 1 - shift, stride) + 1));
  }
}
