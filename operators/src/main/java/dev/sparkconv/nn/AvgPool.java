package dev.sparkconv.nn;

/**
 * Average pooling over 1, 2 or 3 spatial axes (PyTorch nn.AvgPool1d/2d/3d) with its divisor: with
 * countIncludePad the window clipped to the padded input (so a ceil-mode window hanging past the
 * right padding counts only up to it), otherwise the number of real inputs in the window. The op
 * is "avgpool1d", "avgpool2d" or "avgpool3d" after the kernel's rank.
 */
public class AvgPool extends WindowPool {
  private final boolean countIncludePad;

  public AvgPool(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
    super(opName("avgpool", kernel), name, kernel, stride, padding, kernel == null ? null : ones(kernel.length),
        ceilMode);
    this.countIncludePad = countIncludePad;
  }

  public final boolean countIncludePad() {
    return countIncludePad;
  }

  @Override
  final float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0) {
    return average(in, plane, d, h, w, d0, h0, w0, k3, p3, countIncludePad);
  }

  /** PyTorch's average of one undilated window (see the class comment for the divisor). */
  static float average(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0, int[] k3, int[] p3,
      boolean countIncludePad) {
    int dPadEnd = Math.min(d0 + k3[0], d + p3[0]);
    int hPadEnd = Math.min(h0 + k3[1], h + p3[1]);
    int wPadEnd = Math.min(w0 + k3[2], w + p3[2]);
    int padded = (dPadEnd - d0) * (hPadEnd - h0) * (wPadEnd - w0);
    int dStart = Math.max(d0, 0);
    int hStart = Math.max(h0, 0);
    int wStart = Math.max(w0, 0);
    int dEnd = Math.min(dPadEnd, d);
    int hEnd = Math.min(hPadEnd, h);
    int wEnd = Math.min(wPadEnd, w);
    float sum = 0;
    for (int z = dStart; z < dEnd; z++) {
      for (int y = hStart; y < hEnd; y++) {
        for (int x = wStart, i = plane + (z * h + y) * w + x; x < wEnd; x++, i++) {
          sum += in[i];
        }
      }
    }
    int count = countIncludePad ? padded : (dEnd - dStart) * (hEnd - hStart) * (wEnd - wStart);
    return sum / count;
  }
}
