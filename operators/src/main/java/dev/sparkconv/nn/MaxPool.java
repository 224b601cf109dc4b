package dev.sparkconv.nn;

/**
 * Max pooling over 1, 2 or 3 spatial axes (PyTorch nn.MaxPool1d/2d/3d): padding never wins, a
 * dilated window skips {@code dilation - 1} inputs between taps, NaN propagates. The op is
 * "maxpool1d", "maxpool2d" or "maxpool3d" after the kernel's rank.
 */
public class MaxPool extends WindowPool {
  public MaxPool(String name, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    super(opName("maxpool", kernel), name, kernel, stride, padding, dilation, ceilMode);
  }

  @Override
  final float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0) {
    return max(in, plane, d, h, w, d0, h0, w0, k3, d3);
  }

  /** The window's maximum over real inputs only; NaN wins; -infinity if no tap lands in the input. */
  static float max(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0, int[] k3, int[] d3) {
    int kzEnd = endTap(d0, k3[0], d3[0], d);
    int kyEnd = endTap(h0, k3[1], d3[1], h);
    int kxStart = firstTap(w0, d3[2]);
    int kxEnd = endTap(w0, k3[2], d3[2], w);
    float max = Float.NEGATIVE_INFINITY;
    for (int kz = firstTap(d0, d3[0]); kz < kzEnd; kz++) {
      int z = d0 + kz * d3[0];
      for (int ky = firstTap(h0, d3[1]); ky < kyEnd; ky++) {
        int row = plane + ((z * h) + h0 + ky * d3[1]) * w + w0;
        for (int kx = kxStart; kx < kxEnd; kx++) {
          float v = in[row + kx * d3[2]];
          if (v > max) {
            max = v;
          } else if (v != v) {
            return v;
          }
        }
      }
    }
    return max;
  }
}
