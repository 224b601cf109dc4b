package dev.sparkconv.nn;

/** Max pooling (PyTorch nn.MaxPool2d without dilation): padding never wins, NaN propagates. */
public final class MaxPool2d extends Pool2d {
  public MaxPool2d(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
    super("maxpool2d", name, kernel, stride, padding, ceilMode);
  }

  @Override
  public String op() {
    return "maxpool2d";
  }

  @Override
  float window(float[] in, int plane, int h, int w, int h0, int w0) {
    int hEnd = Math.min(h0 + kernel[0], h);
    int wEnd = Math.min(w0 + kernel[1], w);
    float max = Float.NEGATIVE_INFINITY;
    for (int y = Math.max(h0, 0); y < hEnd; y++) {
      for (int x = Math.max(w0, 0), i = plane + y * w + x; x < wEnd; x++, i++) {
        float v = in[i];
        if (v > max || Float.isNaN(v)) {
          max = v;
          if (Float.isNaN(v)) {
            return v;
          }
        }
      }
    }
    return max;
  }
}
