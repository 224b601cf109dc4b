package dev.sparkconv.jobs;

/**
 * ZCA whitening from a covariance matrix: P = V diag(1 / sqrt(lambda + eps)) V^T, with the
 * eigen-decomposition of the small d x d covariance on the driver (cyclic Jacobi, in double).
 * Whitened patches are P (x - mean); P is symmetric.
 */
final class Zca {
  /** The paper's whitening epsilon, for patches normalised as {@link Patches#normalise}. */
  static final double EPS = 0.1;

  private Zca() {}

  /** P for a symmetric covariance given row-major as {@code cov[i * d + j]}. */
  static double[] whitening(double[] cov, int d, double eps) {
    double[] a = cov.clone();
    double[] v = new double[d * d];
    for (int i = 0; i < d; i++) {
      v[i * d + i] = 1;
    }
    jacobi(a, v, d);
    double[] p = new double[d * d];
    for (int k = 0; k < d; k++) {
      double s = 1 / Math.sqrt(Math.max(a[k * d + k], 0) + eps);
      for (int i = 0; i < d; i++) {
        double vik = v[i * d + k] * s;
        for (int j = 0; j < d; j++) {
          p[i * d + j] += vik * v[j * d + k];
        }
      }
    }
    return p;
  }

  /** Diagonalises a in place (eigenvalues on its diagonal); the columns of v become the eigenvectors. */
  private static void jacobi(double[] a, double[] v, int d) {
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double total = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          total += a[i * d + j] * a[i * d + j];
          off += i == j ? 0 : a[i * d + j] * a[i * d + j];
        }
      }
      if (off <= 1e-30 * total) {
        return;
      }
      for (int p = 0; p < d - 1; p++) {
        for (int q = p + 1; q < d; q++) {
          double apq = a[p * d + q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
          double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < d; k++) { // columns p, q of a
            double akp = a[k * d + p];
            double akq = a[k * d + q];
            a[k * d + p] = c * akp - s * akq;
            a[k * d + q] = s * akp + c * akq;
          }
          for (int k = 0; k < d; k++) { // rows p, q of a
            double apk = a[p * d + k];
            double aqk = a[q * d + k];
            a[p * d + k] = c * apk - s * aqk;
            a[q * d + k] = s * apk + c * aqk;
          }
          for (int k = 0; k < d; k++) {
            double vkp = v[k * d + p];
            double vkq = v[k * d + q];
            v[k * d + p] = c * vkp - s * vkq;
            v[k * d + q] = s * vkp + c * vkq;
          }
        }
      }
    }
    throw new IllegalStateException("Jacobi eigen-decomposition did not converge in 100 sweeps");
  }
}
