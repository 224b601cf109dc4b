package dev.sparkconv.nn;

/**
 * Power-average pooling, PyTorch's lp_pool1d/2d: {@code (sum of x^p over the window)^(1/p)}, no
 * padding, floor mode. Like PyTorch, x^p of a negative x with a fractional p is NaN, and so is the
 * 1/p-th root of a negative sum (odd p); p = 1 is the plain window sum. 1 to 3 spatial axes, op "lp_pool".
 */
public final class LpPool extends WindowPool {
  private final float p;

  public LpPool(String name, float p, int[] kernel, int[] stride) {
    super("lp_pool", name, kernel, stride, kernel == null ? null : new int[kernel.length],
        kernel == null ? null : ones(kernel.length), false);
    if (!(p > 0) || Float.isInfinite(p)) {
      throw badParameter("p", "must be positive and finite", Float.toString(p));
    }
    this.p = p;
  }

  public float p() {
    return p;
  }

  @Override
  float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0) {
    double sum = 0;
    for (int z = d0; z < d0 + k3[0]; z++) {
      for (int y = h0; y < h0 + k3[1]; y++) {
        for (int x = w0, i = plane + (z * h + y) * w + x; x < w0 + k3[2]; x++, i++) {
          sum += Math.pow(in[i], p);
        }
      }
    }
    return (float) Math.pow(sum, 1.0 / p);
  }
}
