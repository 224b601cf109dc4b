package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Outer-product micro-kernel on the JDK Vector API: an 8 x (2 vectors) tile of C held in sixteen
 * FloatVector accumulators. Each k step loads two vectors of the B row, broadcasts one A value
 * per row and issues sixteen FMAs. NR = 2 * lanes of {@link FloatVector#SPECIES_PREFERRED} (32 with AVX-512).
 * Eight rows, not six: two B loads now feed sixteen FMAs, not twelve, and sixteen chains hide the FMA latency
 * with room to spare (Zen 5, the micro-kernel alone on cached panels: 178-185 GFLOPS against 148-156; twelve
 * and fourteen rows 181-196, but M = 64 or 24 then leaves rows idle). GEMM against OpenBLAS in the same runs,
 * eight / six rows: 512 cubed 0.93 / 0.78-0.90, (128,1152,784) 0.91 / 0.85, (256,2304,196) 0.86-0.87 / 0.71-0.86.
 * Each of the four kernels is two methods, one per epilogue (C = the product, or C added to): with both in one, C1
 * could not compile the eight-row {@code compute} ("out of virtual registers in linear scan", in every JVM), so it ran
 * in the interpreter, boxed, until C2 took it, and once (a Spark job in local[2]) not for five minutes. No vector
 * crosses the call.
 * Java's max and min (NaN, signed zeros) are six instructions each, more than the FMAs of a short K loop: without a
 * clamp (both bounds infinite) a Plain kernel runs, the Store kernel less its clamp (144 x 24 x 3136, K = 24: 142 ->
 * 166-187 GFLOPS). It is a method of its own, written by {@code scripts/gen_micro_kernel_plain.py}: with both
 * epilogues in one method behind a branch, C2 compiled kernels that ran slower in every model, and a clamp applied
 * after the kernel, from L1, cost 40% of (144, 24, 3136) with ReLU6.
 * For 32 vector registers; with 16 (AVX2) {@link VectorMicroKernel4} runs, written from this file by
 * {@code scripts/gen_micro_kernel4.py}: edit here, then rerun it.
 *
 * <p>JDK 17 C2 only keeps FloatVector values in registers while it can prove their concrete
 * class; when it cannot, it allocates a box per vector op and the kernel runs 2-6x slower.
 * Hence the shape of this class: no helper taking vectors as arguments, no vector merged at an
 * if/else, and epilogue operations whose receiver is a fresh broadcast. The proof leans on type
 * profiles inside the shared Vector API code, so other code in the same JVM using a different
 * species (netlib's VectorBLAS uses SPECIES_MAX) can still degrade a later recompilation of this
 * method: use SPECIES_PREFERRED everywhere in this project.
 *
 * <p>Only loaded (reflectively, by {@link Kernels}) when {@code jdk.incubator.vector} is in the
 * boot layer.
 */
public final class VectorMicroKernel implements MicroKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 8;
  private static final int NR = 2 * L;

  @Override
  public void compute(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    computeColumns(kc, a, aOff, b, bOff, NR, c, cOff, ldc, bias, biasOff, scalars);
  }

  @Override
  public void computeColumns(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    if (scalars[1] != 0f) {
      computeAccumulate(kc, a, aOff, b, bOff, ldb, c, cOff, ldc, bias, biasOff, scalars);
    } else if (unclamped(scalars)) {
      computeStorePlain(kc, a, aOff, b, bOff, ldb, c, cOff, ldc, bias, biasOff, scalars);
    } else {
      computeStore(kc, a, aOff, b, bOff, ldb, c, cOff, ldc, bias, biasOff, scalars);
    }
  }

  private static void computeStore(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    // Offsets computed from p (not incremented alongside it) let C2 hoist the B-panel bounds
    // checks out of the loop.
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * ldb;
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
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[ai + 6]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[ai + 7]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    // Written out row by row, with the broadcast va as receiver (see the class comment); the row's bias
    // is added and the clamp applied here, so a layer's bias and ReLU cost no pass over C.
    float alpha = scalars[0], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.broadcast(S, bias4)).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c41, FloatVector.broadcast(S, bias4)).max(vlo).min(vhi).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.broadcast(S, bias5)).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c51, FloatVector.broadcast(S, bias5)).max(vlo).min(vhi).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.broadcast(S, bias6)).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c61, FloatVector.broadcast(S, bias6)).max(vlo).min(vhi).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.broadcast(S, bias7)).max(vlo).min(vhi).intoArray(c, o7);
      va.fma(c71, FloatVector.broadcast(S, bias7)).max(vlo).min(vhi).intoArray(c, o7 + L);
  }

  private static void computeAccumulate(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    // Offsets computed from p (not incremented alongside it) let C2 hoist the B-panel bounds
    // checks out of the loop.
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * ldb;
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
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[ai + 6]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[ai + 7]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    // Written out row by row, with the broadcast va as receiver (see the class comment); the row's bias
    // is added and the clamp applied here, so a layer's bias and ReLU cost no pass over C.
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.fromArray(S, c, o0 + L).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.fromArray(S, c, o1 + L).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.fromArray(S, c, o2 + L).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.fromArray(S, c, o3 + L).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.fromArray(S, c, o4).fma(vb, FloatVector.broadcast(S, bias4))).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c41, FloatVector.fromArray(S, c, o4 + L).fma(vb, FloatVector.broadcast(S, bias4))).max(vlo).min(vhi).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.fromArray(S, c, o5).fma(vb, FloatVector.broadcast(S, bias5))).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c51, FloatVector.fromArray(S, c, o5 + L).fma(vb, FloatVector.broadcast(S, bias5))).max(vlo).min(vhi).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.fromArray(S, c, o6).fma(vb, FloatVector.broadcast(S, bias6))).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c61, FloatVector.fromArray(S, c, o6 + L).fma(vb, FloatVector.broadcast(S, bias6))).max(vlo).min(vhi).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.fromArray(S, c, o7).fma(vb, FloatVector.broadcast(S, bias7))).max(vlo).min(vhi).intoArray(c, o7);
      va.fma(c71, FloatVector.fromArray(S, c, o7 + L).fma(vb, FloatVector.broadcast(S, bias7))).max(vlo).min(vhi).intoArray(c, o7 + L);
  }

  /** Whether the epilogue's clamp bounds are both infinite: then a Plain kernel runs. */
  private static boolean unclamped(float[] scalars) {
    return scalars[2] == Float.NEGATIVE_INFINITY && scalars[3] == Float.POSITIVE_INFINITY;
  }

  // BEGIN generated by scripts/gen_micro_kernel_plain.py: do not edit by hand
  /** {@link #computeStore} without the clamp (both bounds infinite): see the class comment. */
  private static void computeStorePlain(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    // Offsets computed from p (not incremented alongside it) let C2 hoist the B-panel bounds
    // checks out of the loop.
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * ldb;
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
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[ai + 6]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[ai + 7]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    // Written out row by row, with the broadcast va as receiver (see the class comment); the row's bias
    // is added here, so a layer's bias and ReLU cost no pass over C.
    float alpha = scalars[0];
    FloatVector va = FloatVector.broadcast(S, alpha);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias0)).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.broadcast(S, bias4)).intoArray(c, o4);
      va.fma(c41, FloatVector.broadcast(S, bias4)).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.broadcast(S, bias5)).intoArray(c, o5);
      va.fma(c51, FloatVector.broadcast(S, bias5)).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.broadcast(S, bias6)).intoArray(c, o6);
      va.fma(c61, FloatVector.broadcast(S, bias6)).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.broadcast(S, bias7)).intoArray(c, o7);
      va.fma(c71, FloatVector.broadcast(S, bias7)).intoArray(c, o7 + L);
  }

  /** {@link #computeRowsStore} without the clamp (both bounds infinite): see the class comment. */
  private static void computeRowsStorePlain(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    int a6 = a5 + lda, a7 = a6 + lda;
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
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[a6 + p]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[a7 + p]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    float alpha = scalars[0];
    FloatVector va = FloatVector.broadcast(S, alpha);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias0)).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.broadcast(S, bias4)).intoArray(c, o4);
      va.fma(c41, FloatVector.broadcast(S, bias4)).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.broadcast(S, bias5)).intoArray(c, o5);
      va.fma(c51, FloatVector.broadcast(S, bias5)).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.broadcast(S, bias6)).intoArray(c, o6);
      va.fma(c61, FloatVector.broadcast(S, bias6)).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.broadcast(S, bias7)).intoArray(c, o7);
      va.fma(c71, FloatVector.broadcast(S, bias7)).intoArray(c, o7 + L);
  }
  // END generated by scripts/gen_micro_kernel_plain.py

  @Override
  public void computeHalf(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    if (scalars[1] == 0f) {
      computeHalfStore(kc, a, aOff, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    } else {
      computeHalfAccumulate(kc, a, aOff, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    }
  }

  private static void computeHalfStore(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c40 = FloatVector.zero(S), c50 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c70 = FloatVector.zero(S);
    // Eight accumulators leave two FMA pipes at four cycles' latency no slack: odd k steps go to eight more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S), d40 = FloatVector.zero(S), d50 = FloatVector.zero(S);
    FloatVector d60 = FloatVector.zero(S), d70 = FloatVector.zero(S);
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
      c40 = FloatVector.broadcast(S, a[ai + 4]).fma(b0, c40);
      d40 = FloatVector.broadcast(S, a[ai + MR + 4]).fma(b1, d40);
      c50 = FloatVector.broadcast(S, a[ai + 5]).fma(b0, c50);
      d50 = FloatVector.broadcast(S, a[ai + MR + 5]).fma(b1, d50);
      c60 = FloatVector.broadcast(S, a[ai + 6]).fma(b0, c60);
      d60 = FloatVector.broadcast(S, a[ai + MR + 6]).fma(b1, d60);
      c70 = FloatVector.broadcast(S, a[ai + 7]).fma(b0, c70);
      d70 = FloatVector.broadcast(S, a[ai + MR + 7]).fma(b1, d70);
    }
    for (; p < kc; p++) {
      int ai = aOff + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[ai]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[ai + 1]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[ai + 2]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[ai + 3]).fma(b0, c30);
      c40 = FloatVector.broadcast(S, a[ai + 4]).fma(b0, c40);
      c50 = FloatVector.broadcast(S, a[ai + 5]).fma(b0, c50);
      c60 = FloatVector.broadcast(S, a[ai + 6]).fma(b0, c60);
      c70 = FloatVector.broadcast(S, a[ai + 7]).fma(b0, c70);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    c40 = c40.add(d40);
    c50 = c50.add(d50);
    c60 = c60.add(d60);
    c70 = c70.add(d70);
    float alpha = scalars[0], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias[biasOff])).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.broadcast(S, bias[biasOff + 1])).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.broadcast(S, bias[biasOff + 2])).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.broadcast(S, bias[biasOff + 3])).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c40, FloatVector.broadcast(S, bias[biasOff + 4])).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c50, FloatVector.broadcast(S, bias[biasOff + 5])).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c60, FloatVector.broadcast(S, bias[biasOff + 6])).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c70, FloatVector.broadcast(S, bias[biasOff + 7])).max(vlo).min(vhi).intoArray(c, o7);
  }

  private static void computeHalfAccumulate(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c40 = FloatVector.zero(S), c50 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c70 = FloatVector.zero(S);
    // Eight accumulators leave two FMA pipes at four cycles' latency no slack: odd k steps go to eight more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S), d40 = FloatVector.zero(S), d50 = FloatVector.zero(S);
    FloatVector d60 = FloatVector.zero(S), d70 = FloatVector.zero(S);
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
      c40 = FloatVector.broadcast(S, a[ai + 4]).fma(b0, c40);
      d40 = FloatVector.broadcast(S, a[ai + MR + 4]).fma(b1, d40);
      c50 = FloatVector.broadcast(S, a[ai + 5]).fma(b0, c50);
      d50 = FloatVector.broadcast(S, a[ai + MR + 5]).fma(b1, d50);
      c60 = FloatVector.broadcast(S, a[ai + 6]).fma(b0, c60);
      d60 = FloatVector.broadcast(S, a[ai + MR + 6]).fma(b1, d60);
      c70 = FloatVector.broadcast(S, a[ai + 7]).fma(b0, c70);
      d70 = FloatVector.broadcast(S, a[ai + MR + 7]).fma(b1, d70);
    }
    for (; p < kc; p++) {
      int ai = aOff + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[ai]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[ai + 1]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[ai + 2]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[ai + 3]).fma(b0, c30);
      c40 = FloatVector.broadcast(S, a[ai + 4]).fma(b0, c40);
      c50 = FloatVector.broadcast(S, a[ai + 5]).fma(b0, c50);
      c60 = FloatVector.broadcast(S, a[ai + 6]).fma(b0, c60);
      c70 = FloatVector.broadcast(S, a[ai + 7]).fma(b0, c70);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    c40 = c40.add(d40);
    c50 = c50.add(d50);
    c60 = c60.add(d60);
    c70 = c70.add(d70);
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias[biasOff]))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias[biasOff + 1])))
          .max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias[biasOff + 2])))
          .max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias[biasOff + 3])))
          .max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c40, FloatVector.fromArray(S, c, o4).fma(vb, FloatVector.broadcast(S, bias[biasOff + 4])))
          .max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c50, FloatVector.fromArray(S, c, o5).fma(vb, FloatVector.broadcast(S, bias[biasOff + 5])))
          .max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c60, FloatVector.fromArray(S, c, o6).fma(vb, FloatVector.broadcast(S, bias[biasOff + 6])))
          .max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c70, FloatVector.fromArray(S, c, o7).fma(vb, FloatVector.broadcast(S, bias[biasOff + 7])))
          .max(vlo).min(vhi).intoArray(c, o7);
  }

  // The same two kernels on A read in place (row-major, rows lda apart; see MicroKernel#computeRows).

  @Override
  public void computeRows(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    if (scalars[1] != 0f) {
      computeRowsAccumulate(kc, a, aOff, lda, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    } else if (unclamped(scalars)) {
      computeRowsStorePlain(kc, a, aOff, lda, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    } else {
      computeRowsStore(kc, a, aOff, lda, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    }
  }

  private static void computeRowsStore(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    int a6 = a5 + lda, a7 = a6 + lda;
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
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[a6 + p]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[a7 + p]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    float alpha = scalars[0], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.broadcast(S, bias0)).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.broadcast(S, bias1)).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.broadcast(S, bias2)).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.broadcast(S, bias3)).max(vlo).min(vhi).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.broadcast(S, bias4)).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c41, FloatVector.broadcast(S, bias4)).max(vlo).min(vhi).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.broadcast(S, bias5)).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c51, FloatVector.broadcast(S, bias5)).max(vlo).min(vhi).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.broadcast(S, bias6)).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c61, FloatVector.broadcast(S, bias6)).max(vlo).min(vhi).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.broadcast(S, bias7)).max(vlo).min(vhi).intoArray(c, o7);
      va.fma(c71, FloatVector.broadcast(S, bias7)).max(vlo).min(vhi).intoArray(c, o7 + L);
  }

  private static void computeRowsAccumulate(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    int a6 = a5 + lda, a7 = a6 + lda;
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
      av = FloatVector.broadcast(S, a[a4 + p]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[a5 + p]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, a[a6 + p]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, a[a7 + p]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
    }
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    float bias0 = bias[biasOff], bias1 = bias[biasOff + 1], bias2 = bias[biasOff + 2];
    float bias3 = bias[biasOff + 3], bias4 = bias[biasOff + 4], bias5 = bias[biasOff + 5];
    float bias6 = bias[biasOff + 6], bias7 = bias[biasOff + 7];
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c01, FloatVector.fromArray(S, c, o0 + L).fma(vb, FloatVector.broadcast(S, bias0))).max(vlo).min(vhi).intoArray(c, o0 + L);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c11, FloatVector.fromArray(S, c, o1 + L).fma(vb, FloatVector.broadcast(S, bias1))).max(vlo).min(vhi).intoArray(c, o1 + L);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c21, FloatVector.fromArray(S, c, o2 + L).fma(vb, FloatVector.broadcast(S, bias2))).max(vlo).min(vhi).intoArray(c, o2 + L);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c31, FloatVector.fromArray(S, c, o3 + L).fma(vb, FloatVector.broadcast(S, bias3))).max(vlo).min(vhi).intoArray(c, o3 + L);
      va.fma(c40, FloatVector.fromArray(S, c, o4).fma(vb, FloatVector.broadcast(S, bias4))).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c41, FloatVector.fromArray(S, c, o4 + L).fma(vb, FloatVector.broadcast(S, bias4))).max(vlo).min(vhi).intoArray(c, o4 + L);
      va.fma(c50, FloatVector.fromArray(S, c, o5).fma(vb, FloatVector.broadcast(S, bias5))).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c51, FloatVector.fromArray(S, c, o5 + L).fma(vb, FloatVector.broadcast(S, bias5))).max(vlo).min(vhi).intoArray(c, o5 + L);
      va.fma(c60, FloatVector.fromArray(S, c, o6).fma(vb, FloatVector.broadcast(S, bias6))).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c61, FloatVector.fromArray(S, c, o6 + L).fma(vb, FloatVector.broadcast(S, bias6))).max(vlo).min(vhi).intoArray(c, o6 + L);
      va.fma(c70, FloatVector.fromArray(S, c, o7).fma(vb, FloatVector.broadcast(S, bias7))).max(vlo).min(vhi).intoArray(c, o7);
      va.fma(c71, FloatVector.fromArray(S, c, o7 + L).fma(vb, FloatVector.broadcast(S, bias7))).max(vlo).min(vhi).intoArray(c, o7 + L);
  }

  @Override
  public void computeRowsHalf(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    if (scalars[1] == 0f) {
      computeRowsHalfStore(kc, a, aOff, lda, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    } else {
      computeRowsHalfAccumulate(kc, a, aOff, lda, b, bOff, c, cOff, ldc, bias, biasOff, scalars);
    }
  }

  private static void computeRowsHalfStore(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c40 = FloatVector.zero(S), c50 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c70 = FloatVector.zero(S);
    // Eight accumulators leave two FMA pipes at four cycles' latency no slack: odd k steps go to eight more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S), d40 = FloatVector.zero(S), d50 = FloatVector.zero(S);
    FloatVector d60 = FloatVector.zero(S), d70 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    int a6 = a5 + lda, a7 = a6 + lda;
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
      c40 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c40);
      d40 = FloatVector.broadcast(S, a[a4 + p + 1]).fma(b1, d40);
      c50 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c50);
      d50 = FloatVector.broadcast(S, a[a5 + p + 1]).fma(b1, d50);
      c60 = FloatVector.broadcast(S, a[a6 + p]).fma(b0, c60);
      d60 = FloatVector.broadcast(S, a[a6 + p + 1]).fma(b1, d60);
      c70 = FloatVector.broadcast(S, a[a7 + p]).fma(b0, c70);
      d70 = FloatVector.broadcast(S, a[a7 + p + 1]).fma(b1, d70);
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c30);
      c40 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c40);
      c50 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c50);
      c60 = FloatVector.broadcast(S, a[a6 + p]).fma(b0, c60);
      c70 = FloatVector.broadcast(S, a[a7 + p]).fma(b0, c70);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    c40 = c40.add(d40);
    c50 = c50.add(d50);
    c60 = c60.add(d60);
    c70 = c70.add(d70);
    float alpha = scalars[0], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      va.fma(c00, FloatVector.broadcast(S, bias[biasOff])).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.broadcast(S, bias[biasOff + 1])).max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.broadcast(S, bias[biasOff + 2])).max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.broadcast(S, bias[biasOff + 3])).max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c40, FloatVector.broadcast(S, bias[biasOff + 4])).max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c50, FloatVector.broadcast(S, bias[biasOff + 5])).max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c60, FloatVector.broadcast(S, bias[biasOff + 6])).max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c70, FloatVector.broadcast(S, bias[biasOff + 7])).max(vlo).min(vhi).intoArray(c, o7);
  }

  private static void computeRowsHalfAccumulate(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    FloatVector c00 = FloatVector.zero(S), c10 = FloatVector.zero(S), c20 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c40 = FloatVector.zero(S), c50 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c70 = FloatVector.zero(S);
    // Eight accumulators leave two FMA pipes at four cycles' latency no slack: odd k steps go to eight more.
    FloatVector d00 = FloatVector.zero(S), d10 = FloatVector.zero(S), d20 = FloatVector.zero(S);
    FloatVector d30 = FloatVector.zero(S), d40 = FloatVector.zero(S), d50 = FloatVector.zero(S);
    FloatVector d60 = FloatVector.zero(S), d70 = FloatVector.zero(S);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    int a6 = a5 + lda, a7 = a6 + lda;
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
      c40 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c40);
      d40 = FloatVector.broadcast(S, a[a4 + p + 1]).fma(b1, d40);
      c50 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c50);
      d50 = FloatVector.broadcast(S, a[a5 + p + 1]).fma(b1, d50);
      c60 = FloatVector.broadcast(S, a[a6 + p]).fma(b0, c60);
      d60 = FloatVector.broadcast(S, a[a6 + p + 1]).fma(b1, d60);
      c70 = FloatVector.broadcast(S, a[a7 + p]).fma(b0, c70);
      d70 = FloatVector.broadcast(S, a[a7 + p + 1]).fma(b1, d70);
    }
    for (; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * NR);
      c00 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c00);
      c10 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c10);
      c20 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c20);
      c30 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c30);
      c40 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c40);
      c50 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c50);
      c60 = FloatVector.broadcast(S, a[a6 + p]).fma(b0, c60);
      c70 = FloatVector.broadcast(S, a[a7 + p]).fma(b0, c70);
    }
    c00 = c00.add(d00);
    c10 = c10.add(d10);
    c20 = c20.add(d20);
    c30 = c30.add(d30);
    c40 = c40.add(d40);
    c50 = c50.add(d50);
    c60 = c60.add(d60);
    c70 = c70.add(d70);
    float alpha = scalars[0], beta = scalars[1], lo = scalars[2], hi = scalars[3];
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector vlo = FloatVector.broadcast(S, lo);
    FloatVector vhi = FloatVector.broadcast(S, hi);
    int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
    int o6 = o5 + ldc, o7 = o6 + ldc;
      FloatVector vb = FloatVector.broadcast(S, beta);
      va.fma(c00, FloatVector.fromArray(S, c, o0).fma(vb, FloatVector.broadcast(S, bias[biasOff]))).max(vlo).min(vhi).intoArray(c, o0);
      va.fma(c10, FloatVector.fromArray(S, c, o1).fma(vb, FloatVector.broadcast(S, bias[biasOff + 1])))
          .max(vlo).min(vhi).intoArray(c, o1);
      va.fma(c20, FloatVector.fromArray(S, c, o2).fma(vb, FloatVector.broadcast(S, bias[biasOff + 2])))
          .max(vlo).min(vhi).intoArray(c, o2);
      va.fma(c30, FloatVector.fromArray(S, c, o3).fma(vb, FloatVector.broadcast(S, bias[biasOff + 3])))
          .max(vlo).min(vhi).intoArray(c, o3);
      va.fma(c40, FloatVector.fromArray(S, c, o4).fma(vb, FloatVector.broadcast(S, bias[biasOff + 4])))
          .max(vlo).min(vhi).intoArray(c, o4);
      va.fma(c50, FloatVector.fromArray(S, c, o5).fma(vb, FloatVector.broadcast(S, bias[biasOff + 5])))
          .max(vlo).min(vhi).intoArray(c, o5);
      va.fma(c60, FloatVector.fromArray(S, c, o6).fma(vb, FloatVector.broadcast(S, bias[biasOff + 6])))
          .max(vlo).min(vhi).intoArray(c, o6);
      va.fma(c70, FloatVector.fromArray(S, c, o7).fma(vb, FloatVector.broadcast(S, bias[biasOff + 7])))
          .max(vlo).min(vhi).intoArray(c, o7);
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
