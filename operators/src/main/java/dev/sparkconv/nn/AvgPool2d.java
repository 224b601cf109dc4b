package dev.sparkconv.nn;

/**
 * Average pooling with PyTorch nn.AvgPool2d's divisor: with countIncludePad the window clipped to
 * the padded input (so a ceil-mode window hanging past the right padding counts only up to it),
 * otherwise the number of real input elements in the window.
 */
public final class AvgPool2d extends Pool2d {
  private final boolean countIncludePad;

  public AvgPool2d(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
      boolean countIncludePad) {
    super("avgpool2d", name, kernel, stride, padding, ceilMode);
    this.countIncludePad = countIncludePad;
  }

  @Override
  public String op() {
    return "avgpool2d";
  }

  public boolean countIncludePad() {
    return countIncludePad;
  }

  @Override
  float window(float[] in, int plane, int h, int w, int h0, int w0) {
    int hPadEnd = Math.min(h0 + kernel[0], h + padding[0]);
    int wPadEnd = Math.min(w0 + kernel[1], w + padding[1]);
    int padded = (hPadEnd - h0) * (wPadEnd - w0);
    int hStart = Math.max(h0, 0);
    int wStart = Math.max(w0, 0);
    int hEnd = Math.min(hPadEnd, h);
    int wEnd = Math.min(wPadEnd, w);
    float sum = 0;
    for (int y = hStart; y < hEnd; y++) {
      for (int x = wStart, i = plane + y * w + x; x < wEnd; x++, i++) {
        sum += in[i];
      }
    }
    int count = countIncludePad ? padded : (hEnd - hStart) * (wEnd - wStart);
    return sum / count;
  }
}
