package dev.sparkconv.nn;

/** Mean and biased variance of a run of floats, in double, two passes: what the normalizations share. */
final class Moments {
  private Moments() {}

  /** {mean, variance} of x[off, off + n). */
  static double[] of(float[] x, int off, int n) {
    double sum = 0;
    for (int i = off; i < off + n; i++) {
      sum += x[i];
    }
    double mean = sum / n;
    double squares = 0;
    for (int i = off; i < off + n; i++) {
      double d = x[i] - mean;
      squares += d * d;
    }
    return new double[] {mean, squares / n};
  }
}
