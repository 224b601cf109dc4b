package dev.sparkconv.nn;

/**
 * Mixed pooling at inference (Yu et al. 2014): {@code lambda * max + (1 - lambda) * avg} over the
 * same window, lambda fixed. Training draws lambda at random per region; a deployed network uses
 * one value. Max and average follow {@link MaxPool} and {@link AvgPool} (no dilation); 1 to 3
 * spatial axes, op "mixed_pool".
 */
public final class MixedPool extends WindowPool {
  private final float lambda;
  private final boolean countIncludePad;

  public MixedPool(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
      boolean countIncludePad, float lambda) {
    super("mixed_pool", name, kernel, stride, padding, kernel == null ? null : ones(kernel.length), ceilMode);
    if (!(lambda >= 0 && lambda <= 1)) {
      throw badParameter("lambda", "must be in [0, 1]", Float.toString(lambda));
    }
    this.lambda = lambda;
    this.countIncludePad = countIncludePad;
  }

  public float lambda() {
    return lambda;
  }

  public boolean countIncludePad() {
    return countIncludePad;
  }

  @Override
  float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0) {
    float max = MaxPool.max(in, plane, d, h, w, d0, h0, w0, k3, d3);
    float avg = AvgPool.average(in, plane, d, h, w, d0, h0, w0, k3, p3, countIncludePad);
    return lambda * max + (1 - lambda) * avg;
  }
}
