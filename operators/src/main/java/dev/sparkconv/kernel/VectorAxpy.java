package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Axpy} on the JDK Vector API ({@link FloatVector#SPECIES_PREFERRED}, like
 * {@link VectorMicroKernel}), full vectors then a scalar tail. Loaded reflectively by
 * {@link Kernels} only when {@code jdk.incubator.vector} is in the boot layer.
 */
public final class VectorAxpy implements Axpy {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final ScalarAxpy SCALAR = new ScalarAxpy();
  /** Lane j of an interleaved pair of vectors from lane j / 2 of the first or second half of each. */
  private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.fromOp(S, j -> j / 2);
  private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.fromOp(S, j -> L / 2 + j / 2);
  private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);
  /** {@link #dots4x4}'s tree: the lanes whose index has bit 1, 2, 4 or 8 set, and the swaps across that bit. */
  private static final VectorMask<Float> BIT1 = ODD_LANES;
  private static final VectorMask<Float> BIT2 = VectorMask.fromLong(S, 0xCCCC_CCCC_CCCC_CCCCL);
  private static final VectorMask<Float> BIT4 = VectorMask.fromLong(S, 0xF0F0_F0F0_F0F0_F0F0L);
  private static final VectorMask<Float> BIT8 = VectorMask.fromLong(S, 0xFF00_FF00_FF00_FF00L);
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, j -> j ^ 1);
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, j -> j ^ 2);
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, j -> (j ^ 4) & (L - 1));
  private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(S, j -> (j ^ 8) & (L - 1));

  @Override
  public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
    // Four vectors a step: one at a time ran 1.5x slower (5 cycles a vector on Zen 5, L1-resident rows).
    FloatVector av = FloatVector.broadcast(S, a);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      int x0 = xOff + i;
      int y0 = yOff + i;
      FloatVector r0 = av.fma(FloatVector.fromArray(S, x, x0), FloatVector.fromArray(S, y, y0));
      FloatVector r1 = av.fma(FloatVector.fromArray(S, x, x0 + L), FloatVector.fromArray(S, y, y0 + L));
      FloatVector r2 = av.fma(FloatVector.fromArray(S, x, x0 + 2 * L), FloatVector.fromArray(S, y, y0 + 2 * L));
      FloatVector r3 = av.fma(FloatVector.fromArray(S, x, x0 + 3 * L), FloatVector.fromArray(S, y, y0 + 3 * L));
      r0.intoArray(y, y0);
      r1.intoArray(y, y0 + L);
      r2.intoArray(y, y0 + 2 * L);
      r3.intoArray(y, y0 + 3 * L);
    }
    for (; i <= n - L; i += L) {
      av.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  @Override
  public void axpy3(int n, float a0, float a1, float a2, float[] x, int x0, int x1, int x2, float[] y,
      int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector acc = FloatVector.broadcast(S, a0).fma(FloatVector.fromArray(S, x, x0 + i),
          FloatVector.fromArray(S, y, yOff + i));
      acc = FloatVector.broadcast(S, a1).fma(FloatVector.fromArray(S, x, x1 + i), acc);
      FloatVector.broadcast(S, a2).fma(FloatVector.fromArray(S, x, x2 + i), acc).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i];
    }
  }

  @Override
  public void window9(int n, float[] w, int wOff, float bias, float[] x, int[] off, int xBase, float[] y,
      int yOff) {
    float w0 = w[wOff], w1 = w[wOff + 1], w2 = w[wOff + 2], w3 = w[wOff + 3], w4 = w[wOff + 4];
    float w5 = w[wOff + 5], w6 = w[wOff + 6], w7 = w[wOff + 7], w8 = w[wOff + 8];
    int o0 = xBase + off[0], o1 = xBase + off[1], o2 = xBase + off[2], o3 = xBase + off[3];
    int o4 = xBase + off[4], o5 = xBase + off[5], o6 = xBase + off[6], o7 = xBase + off[7];
    int o8 = xBase + off[8];
    int bound = n - n % L;
    // A row of n >= L with a remainder ends in one more vector overlapping the last: its outputs are
    // simply written twice, with the same values (18 scalar-tail FMAs per output cost more).
    for (int i = 0; i < bound || (i < n && n >= L); i += L) {
      if (i > n - L) {
        i = n - L;
      }
      FloatVector acc = FloatVector.broadcast(S, w0).fma(FloatVector.fromArray(S, x, o0 + i),
          FloatVector.broadcast(S, bias));
      acc = FloatVector.broadcast(S, w1).fma(FloatVector.fromArray(S, x, o1 + i), acc);
      acc = FloatVector.broadcast(S, w2).fma(FloatVector.fromArray(S, x, o2 + i), acc);
      acc = FloatVector.broadcast(S, w3).fma(FloatVector.fromArray(S, x, o3 + i), acc);
      acc = FloatVector.broadcast(S, w4).fma(FloatVector.fromArray(S, x, o4 + i), acc);
      acc = FloatVector.broadcast(S, w5).fma(FloatVector.fromArray(S, x, o5 + i), acc);
      acc = FloatVector.broadcast(S, w6).fma(FloatVector.fromArray(S, x, o6 + i), acc);
      acc = FloatVector.broadcast(S, w7).fma(FloatVector.fromArray(S, x, o7 + i), acc);
      FloatVector.broadcast(S, w8).fma(FloatVector.fromArray(S, x, o8 + i), acc).intoArray(y, yOff + i);
    }
    for (int i = n < L ? 0 : n; i < n; i++) {
      y[yOff + i] = bias + w0 * x[o0 + i] + w1 * x[o1 + i] + w2 * x[o2 + i] + w3 * x[o3 + i] + w4 * x[o4 + i]
          + w5 * x[o5 + i] + w6 * x[o6 + i] + w7 * x[o7 + i] + w8 * x[o8 + i];
    }
  }

  @Override
  public void window3x3Rows2(int n, float[] w, int wOff, float bias, float[] x, int x0, int pitch, int dW,
      float[] y, int y0, int yPitch) {
    if (n < L) { // no full vector: the scalar loops
      SCALAR.window3x3Rows2(n, w, wOff, bias, x, x0, pitch, dW, y, y0, yPitch);
      return;
    }
    float w0 = w[wOff], w1 = w[wOff + 1], w2 = w[wOff + 2], w3 = w[wOff + 3], w4 = w[wOff + 4];
    float w5 = w[wOff + 5], w6 = w[wOff + 6], w7 = w[wOff + 7], w8 = w[wOff + 8];
    int r0 = x0, r1 = r0 + pitch, r2 = r1 + pitch, r3 = r2 + pitch, d1 = dW, d2 = 2 * dW;
    // As in window9, a remainder is covered by one more vector overlapping the last (n >= L here).
    for (int i = 0; i < n; i += L) {
      if (i > n - L) {
        i = n - L;
      }
      FloatVector b0 = FloatVector.fromArray(S, x, r1 + i);
      FloatVector b1 = FloatVector.fromArray(S, x, r1 + i + d1);
      FloatVector b2 = FloatVector.fromArray(S, x, r1 + i + d2);
      FloatVector top = FloatVector.broadcast(S, w0).fma(FloatVector.fromArray(S, x, r0 + i),
          FloatVector.broadcast(S, bias));
      top = FloatVector.broadcast(S, w1).fma(FloatVector.fromArray(S, x, r0 + i + d1), top);
      top = FloatVector.broadcast(S, w2).fma(FloatVector.fromArray(S, x, r0 + i + d2), top);
      top = FloatVector.broadcast(S, w3).fma(b0, top);
      top = FloatVector.broadcast(S, w4).fma(b1, top);
      top = FloatVector.broadcast(S, w5).fma(b2, top);
      FloatVector bottom = FloatVector.broadcast(S, w0).fma(b0, FloatVector.broadcast(S, bias));
      bottom = FloatVector.broadcast(S, w1).fma(b1, bottom);
      bottom = FloatVector.broadcast(S, w2).fma(b2, bottom);
      FloatVector c0 = FloatVector.fromArray(S, x, r2 + i);
      FloatVector c1 = FloatVector.fromArray(S, x, r2 + i + d1);
      FloatVector c2 = FloatVector.fromArray(S, x, r2 + i + d2);
      top = FloatVector.broadcast(S, w6).fma(c0, top);
      top = FloatVector.broadcast(S, w7).fma(c1, top);
      FloatVector.broadcast(S, w8).fma(c2, top).intoArray(y, y0 + i);
      bottom = FloatVector.broadcast(S, w3).fma(c0, bottom);
      bottom = FloatVector.broadcast(S, w4).fma(c1, bottom);
      bottom = FloatVector.broadcast(S, w5).fma(c2, bottom);
      bottom = FloatVector.broadcast(S, w6).fma(FloatVector.fromArray(S, x, r3 + i), bottom);
      bottom = FloatVector.broadcast(S, w7).fma(FloatVector.fromArray(S, x, r3 + i + d1), bottom);
      FloatVector.broadcast(S, w8).fma(FloatVector.fromArray(S, x, r3 + i + d2), bottom).intoArray(y, y0 + yPitch + i);
    }
  }

  @Override
  public void interleave2(int n, float bias, float[] x, int x0, int x1, float[] y, int yOff) {
    if (n < L) {
      SCALAR.interleave2(n, bias, x, x0, x1, y, yOff);
      return;
    }
    FloatVector b = FloatVector.broadcast(S, bias);
    for (int i = 0; ; i += L) {
      i = Math.min(i, n - L); // the tail as one last vector over the one before: y is only written
      FloatVector even = FloatVector.fromArray(S, x, x0 + i).add(b);
      FloatVector odd = FloatVector.fromArray(S, x, x1 + i).add(b);
      int at = yOff + 2 * i;
      even.rearrange(ZIP_LOW).blend(odd.rearrange(ZIP_LOW), ODD_LANES).intoArray(y, at);
      even.rearrange(ZIP_HIGH).blend(odd.rearrange(ZIP_HIGH), ODD_LANES).intoArray(y, at + L);
      if (i == n - L) {
        return;
      }
    }
  }

  @Override
  public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, y, yOff + i).max(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
    }
    if (i < n && n >= L) { // the tail as one last vector over the end: taking a max again changes nothing
      i = n - L;
      FloatVector.fromArray(S, y, yOff + i).max(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
      return;
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
    }
  }

  @Override
  public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] + y[yOff + i];
    }
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    // Four accumulators hide the FMA latency (4 cycles, two loads a cycle): the loads then bound a dot product.
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = acc0;
    FloatVector acc2 = acc0;
    FloatVector acc3 = acc0;
    int i = 0;
    for (int bound4 = n - n % (4 * L); i < bound4; i += 4 * L) {
      acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
      acc1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), acc1);
      acc2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L), acc2);
      acc3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L), acc3);
    }
    for (int bound = n - n % L; i < bound; i += L) {
      acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += x[xOff + i] * y[yOff + i];
    }
    return sum;
  }

  @Override
  public void dots4(int n, float[] x, int x0, int ldx, float[] y, int yOff, float[] out, int outOff, int ldo) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int x1 = x0 + ldx;
    int x2 = x1 + ldx;
    int x3 = x2 + ldx;
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector w = FloatVector.fromArray(S, y, yOff + i);
      a0 = FloatVector.fromArray(S, x, x0 + i).fma(w, a0);
      a1 = FloatVector.fromArray(S, x, x1 + i).fma(w, a1);
      a2 = FloatVector.fromArray(S, x, x2 + i).fma(w, a2);
      a3 = FloatVector.fromArray(S, x, x3 + i).fma(w, a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD);
    float s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD);
    float s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float w = y[yOff + i];
      s0 += x[x0 + i] * w;
      s1 += x[x1 + i] * w;
      s2 += x[x2 + i] * w;
      s3 += x[x3 + i] * w;
    }
    out[outOff] = s0;
    out[outOff + ldo] = s1;
    out[outOff + 2 * ldo] = s2;
    out[outOff + 3 * ldo] = s3;
  }

  /**
   * Sixteen accumulators, then one tree: each step pairs two vectors, a lane keeping the sum of itself and its
   * partner across one index bit from the first vector where that bit is clear and from the second where it is
   * set, so after four steps lane 4r + c holds row r's dot with row c. Sixteen ordered lane reductions instead
   * made four tail columns of (384, 64, 196) cost more than 32 columns of the micro-kernel (Zen 5: 9.8 against
   * 8.4 us). With fewer than 16 lanes (and 16 vector registers) four {@link #dots4} run.
   */
  @Override
  public void dots4x4(int n, float[] x, int x0, int ldx, float[] y, int y0, int ldy, float[] out, int outOff) {
    if (L < 16) {
      for (int c = 0; c < 4; c++) {
        dots4(n, x, x0, ldx, y, y0 + c * ldy, out, outOff + c, 4);
      }
      return;
    }
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
    FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
    FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
    FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
    int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
    int y1 = y0 + ldy, y2 = y1 + ldy, y3 = y2 + ldy;
    int bound = n - n % L;
    for (int i = 0; i < bound; i += L) {
      FloatVector c0 = FloatVector.fromArray(S, y, y0 + i);
      FloatVector c1 = FloatVector.fromArray(S, y, y1 + i);
      FloatVector c2 = FloatVector.fromArray(S, y, y2 + i);
      FloatVector c3 = FloatVector.fromArray(S, y, y3 + i);
      FloatVector r = FloatVector.fromArray(S, x, x0 + i);
      s00 = r.fma(c0, s00);
      s01 = r.fma(c1, s01);
      s02 = r.fma(c2, s02);
      s03 = r.fma(c3, s03);
      r = FloatVector.fromArray(S, x, x1 + i);
      s10 = r.fma(c0, s10);
      s11 = r.fma(c1, s11);
      s12 = r.fma(c2, s12);
      s13 = r.fma(c3, s13);
      r = FloatVector.fromArray(S, x, x2 + i);
      s20 = r.fma(c0, s20);
      s21 = r.fma(c1, s21);
      s22 = r.fma(c2, s22);
      s23 = r.fma(c3, s23);
      r = FloatVector.fromArray(S, x, x3 + i);
      s30 = r.fma(c0, s30);
      s31 = r.fma(c1, s31);
      s32 = r.fma(c2, s32);
      s33 = r.fma(c3, s33);
    }
    // The tree written out: through a helper taking and returning vectors, C2 boxed them ((384, 64, 4) 27 us, not 5.7).
    FloatVector p00 = s00.blend(s01, BIT1).add(s01.blend(s00, BIT1).rearrange(SWAP1));
    FloatVector p01 = s02.blend(s03, BIT1).add(s03.blend(s02, BIT1).rearrange(SWAP1));
    FloatVector r0 = p00.blend(p01, BIT2).add(p01.blend(p00, BIT2).rearrange(SWAP2));
    FloatVector p10 = s10.blend(s11, BIT1).add(s11.blend(s10, BIT1).rearrange(SWAP1));
    FloatVector p11 = s12.blend(s13, BIT1).add(s13.blend(s12, BIT1).rearrange(SWAP1));
    FloatVector r1 = p10.blend(p11, BIT2).add(p11.blend(p10, BIT2).rearrange(SWAP2));
    FloatVector p20 = s20.blend(s21, BIT1).add(s21.blend(s20, BIT1).rearrange(SWAP1));
    FloatVector p21 = s22.blend(s23, BIT1).add(s23.blend(s22, BIT1).rearrange(SWAP1));
    FloatVector r2 = p20.blend(p21, BIT2).add(p21.blend(p20, BIT2).rearrange(SWAP2));
    FloatVector p30 = s30.blend(s31, BIT1).add(s31.blend(s30, BIT1).rearrange(SWAP1));
    FloatVector p31 = s32.blend(s33, BIT1).add(s33.blend(s32, BIT1).rearrange(SWAP1));
    FloatVector r3 = p30.blend(p31, BIT2).add(p31.blend(p30, BIT2).rearrange(SWAP2));
    FloatVector q0 = r0.blend(r1, BIT4).add(r1.blend(r0, BIT4).rearrange(SWAP4));
    FloatVector q1 = r2.blend(r3, BIT4).add(r3.blend(r2, BIT4).rearrange(SWAP4));
    FloatVector sums = q0.blend(q1, BIT8).add(q1.blend(q0, BIT8).rearrange(SWAP8));
    sums.intoArray(out, outOff);
    for (int i = bound; i < n; i++) {
      for (int r = 0; r < 4; r++) {
        float xi = x[x0 + r * ldx + i];
        for (int c = 0; c < 4; c++) {
          out[outOff + 4 * r + c] += xi * y[y0 + c * ldy + i];
        }
      }
    }
  }

  @Override
  public void sigmoid(int n, float[] x, int xOff, float[] y, int yOff) {
    int bound = n - n % L;
    int i = 0;
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; i < bound; i += L) { // exp(-x) overflows to infinity for x < -88: 1 / inf is the right 0
      FloatVector e = FloatVector.fromArray(S, x, xOff + i).neg().lanewise(VectorOperators.EXP);
      one.div(one.add(e)).intoArray(y, yOff + i);
    }
    SCALAR.sigmoid(n - i, x, xOff + i, y, yOff + i);
  }

  /** Eigen's generic_fast_erf_float: x clamped to [-4, 4] (erf is +-1 in float beyond), odd p(x) over even q(x). */
  @Override
  public void erf(int n, float[] x, int xOff, float[] y, int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i).max(-4f).min(4f);
      FloatVector v2 = v.mul(v);
      FloatVector p = v2.fma(-2.72614225801306e-10f, 2.77068142495902e-08f);
      p = v2.fma(p, FloatVector.broadcast(S, -2.10102402082508e-06f));
      p = v2.fma(p, FloatVector.broadcast(S, -5.69250639462346e-05f));
      p = v2.fma(p, FloatVector.broadcast(S, -7.34990630326855e-04f));
      p = v2.fma(p, FloatVector.broadcast(S, -2.95459980854025e-03f));
      p = v2.fma(p, FloatVector.broadcast(S, -1.60960333262415e-02f));
      FloatVector q = v2.fma(-1.45660718464996e-05f, -2.13374055278905e-04f);
      q = v2.fma(q, FloatVector.broadcast(S, -1.68282697438203e-03f));
      q = v2.fma(q, FloatVector.broadcast(S, -7.37332916720468e-03f));
      q = v2.fma(q, FloatVector.broadcast(S, -1.42647390514189e-02f));
      v.mul(p).div(q).intoArray(y, yOff + i);
    }
    SCALAR.erf(n - i, x, xOff + i, y, yOff + i);
  }
}
