package dev.sparkconv.kernel;

/**
 * Plain-Java twin of {@link VectorMicroKernel}: the same outer-product contract on a 4 x 4 tile
 * held in sixteen local accumulators (few enough to stay in registers on any x86-64 or AArch64).
 * Used when {@code jdk.incubator.vector} is absent or {@code -Dsparkconv.kernel=scalar}.
 */
public final class ScalarMicroKernel implements MicroKernel {

  private static final int MR = 4;
  private static final int NR = 4;

  @Override
  public void compute(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    tile(kc, a, aOff, 1, MR, b, bOff, NR, c, cOff, ldc, NR, scalars[0], scalars[1], bias, biasOff, scalars[2], scalars[3]);
  }

  @Override
  public void computeHalf(int kc, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    tile(kc, a, aOff, 1, MR, b, bOff, NR, c, cOff, ldc, NR / 2, scalars[0], scalars[1], bias, biasOff, scalars[2], scalars[3]);
  }

  @Override
  public void computeRows(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    tile(kc, a, aOff, lda, 1, b, bOff, NR, c, cOff, ldc, NR, scalars[0], scalars[1], bias, biasOff, scalars[2], scalars[3]);
  }

  @Override
  public void computeRowsHalf(int kc, float[] a, int aOff, int lda, float[] b, int bOff,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    tile(kc, a, aOff, lda, 1, b, bOff, NR, c, cOff, ldc, NR / 2, scalars[0], scalars[1], bias, biasOff, scalars[2], scalars[3]);
  }

  @Override
  public void computeColumns(int kc, float[] a, int aOff, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] scalars) {
    tile(kc, a, aOff, 1, MR, b, bOff, ldb, c, cOff, ldc, NR, scalars[0], scalars[1], bias, biasOff, scalars[2], scalars[3]);
  }

  /**
   * Both layouts of A, element (i, p) at a[aOff + i * aRow + p * aStep], and of B, element (p, j) at
   * b[bOff + p * bRow + j]; the left {@code cols} columns of C.
   */
  private static void tile(int kc, float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, int bRow,
      float[] c, int cOff, int ldc, int cols, float alpha, float beta, float[] bias, int biasOff, float lo,
      float hi) {
    float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    int ai = aOff;
    int bi = bOff;
    for (int p = 0; p < kc; p++, ai += aStep, bi += bRow) {
      float b0 = b[bi], b1 = b[bi + 1], b2 = b[bi + 2], b3 = b[bi + 3];
      float a0 = a[ai], a1 = a[ai + aRow], a2 = a[ai + 2 * aRow], a3 = a[ai + 3 * aRow];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    }
    store(c00, c01, c02, c03, c, cOff, cols, alpha, beta, bias[biasOff], lo, hi);
    store(c10, c11, c12, c13, c, cOff + ldc, cols, alpha, beta, bias[biasOff + 1], lo, hi);
    store(c20, c21, c22, c23, c, cOff + 2 * ldc, cols, alpha, beta, bias[biasOff + 2], lo, hi);
    store(c30, c31, c32, c33, c, cOff + 3 * ldc, cols, alpha, beta, bias[biasOff + 3], lo, hi);
  }

  /**
   * One row of the tile, its left {@code cols} (2 or 4) entries: c = clamp(alpha * acc + beta * c + bias), without
   * reading c when beta is 0.
   */
  private static void store(float s0, float s1, float s2, float s3, float[] c, int off, int cols,
      float alpha, float beta, float bias, float lo, float hi) {
    float b0 = bias, b1 = bias, b2 = bias, b3 = bias;
    if (beta != 0f) {
      b0 += beta * c[off];
      b1 += beta * c[off + 1];
      if (cols == NR) {
        b2 += beta * c[off + 2];
        b3 += beta * c[off + 3];
      }
    }
    c[off] = Math.min(Math.max(alpha * s0 + b0, lo), hi);
    c[off + 1] = Math.min(Math.max(alpha * s1 + b1, lo), hi);
    if (cols == NR) {
      c[off + 2] = Math.min(Math.max(alpha * s2 + b2, lo), hi);
      c[off + 3] = Math.min(Math.max(alpha * s3 + b3, lo), hi);
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
    return "scalar, MR=" + MR + " NR=" + NR;
  }
}
