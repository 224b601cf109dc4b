package dev.sparkconv.io.image;

/**
 * Pillow's precompute_coeffs and normalize_coeffs_8bpc for output pixels {@code [first, first+n)}
 * of a resize from {@code inSize} to {@code outSize}: per output pixel the first input pixel
 * {@code min}, the tap {@code count}, and 22-bit fixed-point {@code weights} ({@code size} per pixel,
 * zero past its count). {@code tapIndex} and {@code tapWeight} hold the same taps tap-major
 * ({@code [t * n + j]}, the index clamped into the input) for loops that take many pixels at once.
 */
record ResizeTaps(int size, int[] min, int[] count, int[] weights, int[] tapIndex, int[] tapWeight) {
  static ResizeTaps of(int inSize, int outSize, PilResize.Filter filter, int first, int n) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = filter.support * filterScale;
    int size = (int) Math.ceil(support) * 2 + 1;
    double invFilterScale = 1.0 / filterScale;
    int[] min = new int[n];
    int[] count = new int[n];
    int[] weights = new int[n * size];
    double[] k = new double[size];
    for (int i = 0; i < n; i++) {
      double center = (first + i + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      double ww = 0.0;
      for (int x = 0; x < xmax; x++) {
        k[x] = filter.weight((x + xmin - center + 0.5) * invFilterScale);
        ww += k[x];
      }
      for (int x = 0; x < xmax; x++) {
        double v = ww != 0.0 ? k[x] / ww : k[x];
        double fixed = v * (1 << PixelLoops.PRECISION_BITS);
        weights[i * size + x] = (int) (v < 0 ? -0.5 + fixed : 0.5 + fixed);
      }
      min[i] = xmin;
      count[i] = xmax;
    }
    int[] tapIndex = new int[size * n];
    int[] tapWeight = new int[size * n];
    for (int t = 0; t < size; t++) {
      for (int j = 0; j < n; j++) {
        tapIndex[t * n + j] = Math.min(min[j] + t, inSize - 1); // past the count the weight is 0
        tapWeight[t * n + j] = weights[j * size + t];
      }
    }
    return new ResizeTaps(size, min, count, weights, tapIndex, tapWeight);
  }

  int n() {
    return min.length;
  }
}
