package dev.sparkconv.kernel;

/**
 * Row-major single-precision GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, op(X) = X or X^T.
 * One instance per task: it owns its packing workspaces, so it is not thread-safe.
 * PLACEHOLDER BODY: replaced by the blocked BLIS implementation.
 */
public final class Gemm {

  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = beta == 0 ? alpha * s : alpha * s + beta * c[ci];
      }
    }
  }
}
