package dev.sparkconv.jobs;

/**
 * Patch sampling and normalisation for learn-filters, Spark-free. A patch is chosen by a hash of
 * (seed, sample id, position), never by a per-partition random stream, so the same input and seed
 * choose the same patches on any number of partitions.
 */
final class Patches {
  private Patches() {}

  /** The paper's per-patch epsilon for 0..255 pixels: (p - mean) / sqrt(var + 10). */
  static final double NORM_EPS = 10;

  /** A uniformly spread 64-bit key of (seed, id, position); patches with the lowest keys are chosen first. */
  static long key(long seed, String id, int position) {
    long h = mix(seed);
    for (int i = 0; i < id.length(); i++) {
      h = mix(h ^ id.charAt(i));
    }
    return mix(h ^ mix(position + 0x632BE59BD9B4E019L));
  }

  /** Whether a key falls in the first {@code fraction} of the key space. */
  static boolean chosen(long key, double fraction) {
    return (key >>> 11) * 0x1.0p-53 < fraction;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The size x size patch of a (C, H, W) sample at (y, x), in F.unfold's (c, i, j) order (patch_norm2d's). */
  static double[] extract(float[] sample, int[] shape, int size, int y, int x) {
    int c = shape[0];
    int h = shape[1];
    int w = shape[2];
    double[] patch = new double[c * size * size];
    for (int ch = 0, j = 0; ch < c; ch++) {
      for (int ky = 0; ky < size; ky++) {
        for (int kx = 0, row = (ch * h + y + ky) * w + x; kx < size; kx++) {
          patch[j++] = sample[row + kx];
        }
      }
    }
    return patch;
  }

  /** In place: minus the mean, over sqrt(unbiased variance + eps), as the patch_norm2d op does. */
  static double[] normalise(double[] p, double eps) {
    double mean = 0;
    for (double v : p) {
      mean += v;
    }
    mean /= p.length;
    double squares = 0;
    for (double v : p) {
      squares += (v - mean) * (v - mean);
    }
    double scale = 1 / Math.sqrt((p.length > 1 ? squares / (p.length - 1) : 0) + eps);
    for (int i = 0; i < p.length; i++) {
      p[i] = (p[i] - mean) * scale;
    }
    return p;
  }
}
