package dev.sparkconv.kernel;

/**
 * Argument checks for {@link Gemm#sgemm}, done once at the door (as netlib's AbstractBLAS does)
 * so the blocked loops can run without checks. Each failure names the offending argument.
 */
final class GemmArgs {

  private GemmArgs() {}

  static void check(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    checkA(transA, m, k, a, aOff, lda);
    checkBC(transB, m, n, k, b, bOff, ldb, c, cOff, ldc);
  }

  /** Row-major storage: A is m x k (k x m when transA). */
  static void checkA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
    nonNegative("m", m);
    nonNegative("k", k);
    matrix("a", a, "aOff", aOff, "lda", lda, transA ? k : m, transA ? m : k,
        transA ? "k x m (transA)" : "m x k");
  }

  /** Row-major storage: B is k x n (n x k when transB), C is m x n. */
  static void checkBC(boolean transB, int m, int n, int k, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    nonNegative("n", n);
    matrix("b", b, "bOff", bOff, "ldb", ldb, transB ? n : k, transB ? k : n,
        transB ? "n x k (transB)" : "k x n");
    matrix("c", c, "cOff", cOff, "ldc", ldc, m, n, "m x n");
  }

  private static void nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  private static void matrix(String name, float[] x, String offName, int off,
      String ldName, int ld, int rows, int cols, String shape) {
    if (x == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    nonNegative(offName, off);
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(ldName + " must be >= max(1, " + cols + ") for "
          + name + " stored " + shape + " = " + rows + " x " + cols + ", got " + ld);
    }
    if (rows > 0 && cols > 0) {
      long needed = off + (long) (rows - 1) * ld + cols;
      if (needed > x.length) {
        throw new IllegalArgumentException(name + " too short: " + shape + " = " + rows + " x "
            + cols + " with " + ldName + "=" + ld + " and " + offName + "=" + off
            + " needs length >= " + needed + ", got " + x.length);
      }
    }
  }
}
