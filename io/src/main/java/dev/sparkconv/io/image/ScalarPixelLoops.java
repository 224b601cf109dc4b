package dev.sparkconv.io.image;

/** {@link PixelLoops} one pixel at a time: the reference the vector form is tested against. */
final class ScalarPixelLoops implements PixelLoops {
  static final int ROUND = 1 << (PRECISION_BITS - 1);

  @Override
  public void horizontal(byte[] src, int at, int stride, int rows, ResizeTaps taps, byte[] out, int outAt) {
    int[] min = taps.min();
    int[] count = taps.count();
    int[] weights = taps.weights();
    int n = taps.n();
    for (int y = 0; y < rows; y++) {
      for (int j = 0; j < n; j++) {
        int from = at + y * stride + min[j];
        int k = j * taps.size();
        int ss = ROUND;
        for (int x = 0; x < count[j]; x++) {
          ss += (src[from + x] & 0xFF) * weights[k + x];
        }
        out[outAt + y * n + j] = PixelLoops.clip8(ss);
      }
    }
  }

  @Override
  public void vertical(byte[] src, int at, int width, int firstRow, ResizeTaps taps, byte[] out, int outAt) {
    int[] ss = new int[width];
    for (int i = 0; i < taps.n(); i++) {
      java.util.Arrays.fill(ss, ROUND);
      for (int t = 0; t < taps.count()[i]; t++) {
        int weight = taps.weights()[i * taps.size() + t];
        int row = at + (taps.min()[i] - firstRow + t) * width;
        for (int x = 0; x < width; x++) {
          ss[x] += (src[row + x] & 0xFF) * weight; // integer sums: the loop order does not change them
        }
      }
      for (int x = 0; x < width; x++) {
        out[outAt + i * width + x] = PixelLoops.clip8(ss[x]);
      }
    }
  }

  @Override
  public void ycbcrToRgb(byte[] src, int at, int stride, int w, int h, byte[] out) {
    int n = w * h;
    for (int y = 0; y < h; y++) {
      for (int x = 0, p = at + y * stride, i = y * w; x < w; x++, p += 3, i++) {
        YCbCr.toRgb(out, n, i, src[p] & 0xFF, src[p + 1] & 0xFF, src[p + 2] & 0xFF);
      }
    }
  }
}
