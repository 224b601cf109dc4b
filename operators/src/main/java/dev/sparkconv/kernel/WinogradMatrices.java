package dev.sparkconv.kernel;

/**
 * The transforms of the blocked Winograd ({@link Nchwc#winogradInput}, {@link Nchwc#winogradOutput}) as matrices:
 * what the scalar kernel multiplies by, and what the vector kernel's written-out sums mean.
 */
final class WinogradMatrices {
  /** B^T of F(4x4, 3x3) and F(2x2, 5x5) (the same six points). */
  static final float[][] BT6 = {{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
      {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
  /** B^T of F(2x2, 3x3). */
  static final float[][] BT4 = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
  /** A^T of F(4x4, 3x3). */
  static final float[][] AT43 = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
  /** A^T of F(2x2, 5x5). */
  static final float[][] AT25 = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}};
  /** A^T of F(2x2, 3x3). */
  static final float[][] AT23 = {{1, 1, 1, 0}, {0, 1, -1, -1}};

  private WinogradMatrices() {}

  /** out = a x a^T: {@code a} rows x alpha, x alpha x alpha, out rows x rows, all row-major. */
  static void sandwich(float[][] a, float[] x, int alpha, float[] out) {
    int rows = a.length;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < rows; j++) {
        float sum = 0;
        for (int p = 0; p < alpha; p++) {
          float ax = 0;
          for (int q = 0; q < alpha; q++) {
            ax += a[i][q] * x[q * alpha + p];
          }
          sum += ax * a[j][p];
        }
        out[i * rows + j] = sum;
      }
    }
  }
}
