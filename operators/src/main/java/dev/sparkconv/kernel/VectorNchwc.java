package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Nchwc} on the JDK Vector API, B = lanes of {@link FloatVector#SPECIES_PREFERRED}. Like
 * {@link VectorMicroKernel}: no helper takes a vector argument and no vector is merged at an if/else, so that C2
 * keeps every vector in a register. Loaded reflectively by {@link Kernels} only when {@code jdk.incubator.vector}
 * is in the boot layer.
 */
public final class VectorNchwc implements Nchwc {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public int block() {
    return L;
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n, float lo, float hi) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(FloatVector.fromArray(S, a, aOff + i)
          .add(FloatVector.fromArray(S, b, bOff + i)))).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(a[aOff + i] + b[bOff + i], lo), hi);
    }
  }

  @Override
  public void clamp(float[] x, int xOff, float[] out, int outOff, int n, float lo, float hi) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(FloatVector.fromArray(S, x, xOff + i)))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = Math.min(Math.max(x[xOff + i], lo), hi);
    }
  }

  @Override
  public void globalAverage(float[] in, int inOff, int channels, int positions, float[] out, int outOff) {
    for (int cb = 0; cb * L < channels; cb++) {
      int s = inOff + cb * positions * L;
      FloatVector sum = FloatVector.zero(S);
      for (int p = 0; p < positions; p++) {
        sum = sum.add(FloatVector.fromArray(S, in, s + p * L));
      }
      float scale = 1f / positions;
      for (int c = 0; c < L && cb * L + c < channels; c++) {
        out[outOff + cb * L + c] = sum.lane(c) * scale;
      }
    }
  }

  @Override
  public void depthwise(float[] in, int inOff, Window g, float[] weights, float[] bias, float lo, float hi,
      float[] out, int outOff) {
    int taps = g.kH() * g.kW();
    // The rows and columns whose every tap lies inside the input: no bounds there.
    int ohLo = Math.min(g.outH(), (g.padH() + g.sH() - 1) / g.sH());
    int ohHi = Math.max(ohLo,
        Math.min(g.outH(), Math.floorDiv(g.inH() - 1 + g.padH() - (g.kH() - 1) * g.dH(), g.sH()) + 1));
    int owLo = Math.min(g.outW(), (g.padW() + g.sW() - 1) / g.sW());
    int owHi = Math.max(owLo,
        Math.min(g.outW(), Math.floorDiv(g.inW() - 1 + g.padW() - (g.kW() - 1) * g.dW(), g.sW()) + 1));
    if (owHi - owLo < 2) { // the interior goes by pairs of columns
      owHi = owLo;
    }
    boolean k3x3 = g.kH() == 3 && g.kW() == 3;
    for (int cb = 0; cb < g.blocks(); cb++) {
      int ib = inOff + cb * g.inH() * g.inW() * L;
      int ob = outOff + cb * g.outH() * g.outW() * L;
      int wb = cb * taps * L;
      for (int oh = ohLo; k3x3 && owHi > owLo && oh < ohHi; oh++) {
        interior3x3(in, ib + (oh * g.sH() - g.padH()) * g.inW() * L, g, weights, wb, bias, cb * L, lo, hi, out,
            ob + oh * g.outW() * L, owLo, owHi);
      }
      // The border (everything, for other kernels) one position at a time; no vector is live across these calls.
      for (int oh = 0; oh < g.outH(); oh++) {
        boolean rowInside = k3x3 && oh >= ohLo && oh < ohHi;
        for (int ow = 0; ow < g.outW(); ow++) {
          if (rowInside && ow == owLo) {
            ow = owHi;
            if (ow == g.outW()) {
              break;
            }
          }
          edge(in, ib, g, weights, wb, bias, cb * L, lo, hi, out, ob, oh, ow);
        }
      }
    }
  }

  /**
   * The interior of one output row of one channel block of a 3x3 kernel, from input row {@code r0}: the nine weight
   * vectors in registers, outputs two at a time (two independent accumulators). One call per row, not per block:
   * C2 compiles a method after enough calls, and until then the Vector API runs boxed, a hundred times slower.
   * Calls nothing, so that no vector lives across a call.
   */
  private static void interior3x3(float[] in, int r0, Window g, float[] w, int wb, float[] bias, int bb, float lo,
      float hi, float[] out, int dstRow, int owLo, int owHi) {
    FloatVector w0 = FloatVector.fromArray(S, w, wb);
    FloatVector w1 = FloatVector.fromArray(S, w, wb + L);
    FloatVector w2 = FloatVector.fromArray(S, w, wb + 2 * L);
    FloatVector w3 = FloatVector.fromArray(S, w, wb + 3 * L);
    FloatVector w4 = FloatVector.fromArray(S, w, wb + 4 * L);
    FloatVector w5 = FloatVector.fromArray(S, w, wb + 5 * L);
    FloatVector w6 = FloatVector.fromArray(S, w, wb + 6 * L);
    FloatVector w7 = FloatVector.fromArray(S, w, wb + 7 * L);
    FloatVector w8 = FloatVector.fromArray(S, w, wb + 8 * L);
    int dw = g.dW() * L;
    int step = g.sW() * L;
    int r1 = r0 + g.dH() * g.inW() * L;
    int r2 = r1 + g.dH() * g.inW() * L;
    // A last odd column is done as a pair overlapping the one before (same values written twice).
    for (int ow = owLo; ow < owHi; ow += 2) {
      int o = Math.min(ow, owHi - 2);
      int x = (o * g.sW() - g.padW()) * L;
      int y = x + step;
      FloatVector a = FloatVector.fromArray(S, bias, bb);
      FloatVector b = FloatVector.fromArray(S, bias, bb);
      a = w0.fma(FloatVector.fromArray(S, in, r0 + x), a);
      b = w0.fma(FloatVector.fromArray(S, in, r0 + y), b);
      a = w1.fma(FloatVector.fromArray(S, in, r0 + x + dw), a);
      b = w1.fma(FloatVector.fromArray(S, in, r0 + y + dw), b);
      a = w2.fma(FloatVector.fromArray(S, in, r0 + x + 2 * dw), a);
      b = w2.fma(FloatVector.fromArray(S, in, r0 + y + 2 * dw), b);
      a = w3.fma(FloatVector.fromArray(S, in, r1 + x), a);
      b = w3.fma(FloatVector.fromArray(S, in, r1 + y), b);
      a = w4.fma(FloatVector.fromArray(S, in, r1 + x + dw), a);
      b = w4.fma(FloatVector.fromArray(S, in, r1 + y + dw), b);
      a = w5.fma(FloatVector.fromArray(S, in, r1 + x + 2 * dw), a);
      b = w5.fma(FloatVector.fromArray(S, in, r1 + y + 2 * dw), b);
      a = w6.fma(FloatVector.fromArray(S, in, r2 + x), a);
      b = w6.fma(FloatVector.fromArray(S, in, r2 + y), b);
      a = w7.fma(FloatVector.fromArray(S, in, r2 + x + dw), a);
      b = w7.fma(FloatVector.fromArray(S, in, r2 + y + dw), b);
      a = w8.fma(FloatVector.fromArray(S, in, r2 + x + 2 * dw), a);
      b = w8.fma(FloatVector.fromArray(S, in, r2 + y + 2 * dw), b);
      int dst = dstRow + o * L;
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a)).intoArray(out, dst);
      FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b)).intoArray(out, dst + L);
    }
  }

  /**
   * One output position near the border: the taps inside the input found first (scalar bounds), so that the
   * accumulator is never merged at a branch (C2 would box it).
   */
  private static void edge(float[] in, int ib, Window g, float[] w, int wb, float[] bias, int bb, float lo,
      float hi, float[] out, int ob, int oh, int ow) {
    int ih0 = oh * g.sH() - g.padH();
    int iw0 = ow * g.sW() - g.padW();
    int khLo = firstInside(ih0, g.dH());
    int khHi = Math.min(g.kH(), lastInside(ih0, g.dH(), g.inH()));
    int kwLo = firstInside(iw0, g.dW());
    int kwHi = Math.min(g.kW(), lastInside(iw0, g.dW(), g.inW()));
    FloatVector acc = FloatVector.fromArray(S, bias, bb);
    for (int kh = khLo; kh < khHi; kh++) {
      int x = ib + ((ih0 + kh * g.dH()) * g.inW() + iw0) * L;
      for (int kw = kwLo; kw < kwHi; kw++) {
        acc = FloatVector.fromArray(S, w, wb + (kh * g.kW() + kw) * L)
            .fma(FloatVector.fromArray(S, in, x + kw * g.dW() * L), acc);
      }
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(acc))
        .intoArray(out, ob + (oh * g.outW() + ow) * L);
  }

  /** The first tap k with start + k * dilation >= 0. */
  private static int firstInside(int start, int dilation) {
    return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  }

  /** One past the last tap k with start + k * dilation < size (at least 0). */
  private static int lastInside(int start, int dilation, int size) {
    return start >= size ? 0 : (size - 1 - start) / dilation + 1;
  }

  @Override
  public void pointwise(float[] in, int inOff, int inBlocks, int positions, float[] weights, float[] bias,
      int outBlocks, float lo, float hi, int chunk, float[] out, int outOff) {
    for (int p0 = 0; p0 < positions; p0 += chunk) {
      int pEnd = Math.min(positions, p0 + chunk);
      for (int ob = 0; ob < outBlocks; ob += 2) {
        int wb = ob * L * inBlocks * L;
        int p = p0;
        if (ob + 1 < outBlocks) {
          for (; p + 6 <= pEnd; p += 6) {
            tile6x2(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
          for (; p < pEnd; p++) {
            tile1x2(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
        } else {
          for (; p + 6 <= pEnd; p += 6) {
            tile6x1(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
          for (; p < pEnd; p++) {
            tile1x1(in, inOff, inBlocks, positions, p, weights, wb, bias, ob, lo, hi, out, outOff);
          }
        }
      }
    }
  }

  /** Six positions x two output blocks: twelve accumulators; per input channel two weight loads, six broadcasts. */
  private static void tile6x2(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector b0 = FloatVector.fromArray(S, bias, ob * L + L);
    FloatVector b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        FloatVector u = FloatVector.fromArray(S, w, wi + L);
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a0 = x0.fma(v, a0);
        b0 = x0.fma(u, b0);
        FloatVector x1 = FloatVector.broadcast(S, in[x + L]);
        a1 = x1.fma(v, a1);
        b1 = x1.fma(u, b1);
        FloatVector x2 = FloatVector.broadcast(S, in[x + 2 * L]);
        a2 = x2.fma(v, a2);
        b2 = x2.fma(u, b2);
        FloatVector x3 = FloatVector.broadcast(S, in[x + 3 * L]);
        a3 = x3.fma(v, a3);
        b3 = x3.fma(u, b3);
        FloatVector x4 = FloatVector.broadcast(S, in[x + 4 * L]);
        a4 = x4.fma(v, a4);
        b4 = x4.fma(u, b4);
        FloatVector x5 = FloatVector.broadcast(S, in[x + 5 * L]);
        a5 = x5.fma(v, a5);
        b5 = x5.fma(u, b5);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    int q = o + positions * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b0)).intoArray(out, q);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b1)).intoArray(out, q + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b2)).intoArray(out, q + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b3)).intoArray(out, q + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b4)).intoArray(out, q + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b5)).intoArray(out, q + 5 * L);
  }

  private static void tile1x2(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, bias, ob * L);
    FloatVector b = FloatVector.fromArray(S, bias, ob * L + L);
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += 2 * L) {
        FloatVector x0 = FloatVector.broadcast(S, in[x]);
        a = x0.fma(FloatVector.fromArray(S, w, wi), a);
        b = x0.fma(FloatVector.fromArray(S, w, wi + L), b);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(b)).intoArray(out, o + positions * L);
  }

  /** A last, single output block (its weights are B, not 2B, per input channel). */
  private static void tile6x1(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a0 = FloatVector.fromArray(S, bias, ob * L);
    FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        FloatVector v = FloatVector.fromArray(S, w, wi);
        a0 = FloatVector.broadcast(S, in[x]).fma(v, a0);
        a1 = FloatVector.broadcast(S, in[x + L]).fma(v, a1);
        a2 = FloatVector.broadcast(S, in[x + 2 * L]).fma(v, a2);
        a3 = FloatVector.broadcast(S, in[x + 3 * L]).fma(v, a3);
        a4 = FloatVector.broadcast(S, in[x + 4 * L]).fma(v, a4);
        a5 = FloatVector.broadcast(S, in[x + 5 * L]).fma(v, a5);
      }
    }
    int o = outOff + (ob * positions + p) * L;
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a0)).intoArray(out, o);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a1)).intoArray(out, o + L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a2)).intoArray(out, o + 2 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a3)).intoArray(out, o + 3 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a4)).intoArray(out, o + 4 * L);
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a5)).intoArray(out, o + 5 * L);
  }

  private static void tile1x1(float[] in, int inOff, int inBlocks, int positions, int p, float[] w, int wb,
      float[] bias, int ob, float lo, float hi, float[] out, int outOff) {
    FloatVector a = FloatVector.fromArray(S, bias, ob * L);
    int wi = wb;
    for (int cb = 0; cb < inBlocks; cb++) {
      int x = inOff + (cb * positions + p) * L;
      for (int c = 0; c < L; c++, x++, wi += L) {
        a = FloatVector.broadcast(S, in[x]).fma(FloatVector.fromArray(S, w, wi), a);
      }
    }
    FloatVector.broadcast(S, hi).min(FloatVector.broadcast(S, lo).max(a))
        .intoArray(out, outOff + (ob * positions + p) * L);
  }
}
