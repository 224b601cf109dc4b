package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorMicroKernel} with four rows (eight accumulators) instead of six, for 16 vector registers (AVX2):
 * there C2 keeps four of the float arguments in registers too, and twelve accumulators spilled to the stack, each
 * FMA then a load and a store (1024 cubed on Zen 3: 31 GFLOPS with six rows, 71 with four, OpenBLAS 75).
 * Same contract, same rules for keeping vectors out of boxes (see {@link VectorMicroKernel}).
 */
public final class VectorMicroKernel4 implements MicroKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 4;
  private static final int NR = 2 * L;

  @Override
  public void compute(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    // Offsets computed from p (not incremented alongside it) let C2 hoist the B-panel bounds
    // checks out of the loop.
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
    }
    // Written out row by row, with the broadcast va as receiver (see the class comment); the row's bias
    // is added and the clamp applied here, so a layer's bias and ReLU cost no pass over C.
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (beta == 0f) {
      va.fma(c00, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3 + L);
    } else {
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.fromArray(S, c, o0 + L).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.fromArray(S, c, o1 + L).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.fromArray(S, c, o2 + L).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.fromArray(S, c, o3 + L).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3 + L);
    }
  }

  @Override
  public void computeHalf(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    // Four accumulators are too few to keep two FMA pipes busy at four cycles' latency: odd k steps go to four more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S);
    int p = 0;
    for (; p < kc - 1; p += 2) {
      int ai = aOff + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * NR + NR);
      c00 = FloatVector.broadcast(S, a[ai]).fma(b0, c00);
      d00 = FloatVector.broadcast(S, a[ai + MR]).fma(b1, d00);
      c10 = FloatVector.broadcast(S, a[ai + 1]).fma(b0, c10);
      d10 = FloatVector.broadcast(S, a[ai + MR + 1]).fma(b1, d10);
      c20 = FloatVector.broadcast(S, a[ai + 2]).fma(b0, c20);
      d20 = FloatVector.broadcast(S, a[ai + MR + 2]).fma(b1, d20);
      c30 = FloatVector.broadcast(S, a[ai + 3]).fma(b0, c30);
      d30 = FloatVector.broadcast(S, a[ai + MR + 3]).fma(b1, d30);
    }
    for (; p < kc; p++) {
      int ai = aOff + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[ai]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[ai + 1]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[ai + 2]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[ai + 3]).fma(b0, c30);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (beta == 0f) {
      va.fma(c00, FloatVector.broadcast(S, bias[biasOff])).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.broadcast(S, bias[biasOff + 1])).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.broadcast(S, bias[biasOff + 2])).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.broadcast(S, bias[biasOff + 3])).max(vlo).min(vhi).intoArray(c, o3);
    } else {
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias[biasOff]))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias[biasOff + 1])))
          .max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias[biasOff + 2])))
          .max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias[biasOff + 3])))
          .max(vlo).min(vhi).intoArray(c, o3);
    }
  }

  // The same two kernels on A read in place (row-major, rows lda apart; see MicroKernel#computeRows).

  @Override
  public void computeRows(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    for (int p = 0; p < kc; p++) {
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[a1 + p]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[a2 + p]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[a3 + p]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
    }
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (beta == 0f) {
      va.fma(c00, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3 + L);
    } else {
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.fromArray(S, c, o0 + L).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.fromArray(S, c, o1 + L).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.fromArray(S, c, o2 + L).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.fromArray(S, c, o3 + L).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3 + L);
    }
  }

  @Override
  public void computeRowsHalf(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    // Four accumulators are too few to keep two FMA pipes busy at four cycles' latency: odd k steps go to four more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    int p = 0;
    for (; p < kc - 1; p += 2) {
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      FloatVector b1 = FloatVector.fromArray(S, b, bOff + p * NR + NR);
      c00 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c00);
      d00 = FloatVector.broadcast(S, a[a0 + p + 1]).fma(b1, d00);
      c10 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c10);
      d10 = FloatVector.broadcast(S, a[a1 + p + 1]).fma(b1, d10);
      c20 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c20);
      d20 = FloatVector.broadcast(S, a[a2 + p + 1]).fma(b1, d20);
      c30 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c30);
      d30 = FloatVector.broadcast(S, a[a3 + p + 1]).fma(b1, d30);
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c30);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (beta == 0f) {
      va.fma(c00, FloatVector.broadcast(S, bias[biasOff])).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.broadcast(S, bias[biasOff + 1])).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.broadcast(S, bias[biasOff + 2])).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.broadcast(S, bias[biasOff + 3])).max(vlo).min(vhi).intoArray(c, o3);
    } else {
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias[biasOff]))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias[biasOff + 1])))
          .max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias[biasOff + 2])))
          .max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias[biasOff + 3])))
          .max(vlo).min(vhi).intoArray(c, o3);
    }
  }

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public String describe() {
    return "vector FloatVector " + S.vectorBitSize() + "-bit, MR=" + MR + " NR=" + NR;
  }
}
