package dev.sparkconv.io.image;

import dev.sparkconv.kernel.Kernels;

/**
 * The per-pixel loops of decoding and resizing, in integer arithmetic so that every form gives the
 * same bytes: {@link ScalarPixelLoops}, and {@code VectorPixelLoops} on the JDK Vector API, chosen
 * once per JVM on the same side as the GEMM kernel ({@link Kernels#sameSide}).
 */
interface PixelLoops {
  /** Pillow's rounding constant for its 22-bit fixed-point sums. */
  int PRECISION_BITS = 32 - 8 - 2;

  static PixelLoops selected() {
    return Selected.LOOPS;
  }

  /**
   * Pillow's horizontal pass over {@code rows} rows of a plane ({@code stride} bytes apart from
   * {@code src[at]}): output pixel {@code j} of a row is {@code clip8(sum over t of
   * src[row + taps.min[j] + t] * taps.weights[j * taps.size + t])}; output rows are {@code taps.n()} apart.
   */
  void horizontal(byte[] src, int at, int stride, int rows, ResizeTaps taps, byte[] out, int outAt);

  /**
   * Pillow's vertical pass over a plane of {@code width} columns whose row 0 (at {@code src[at]}) is
   * input row {@code firstRow}: output row {@code i} is {@code clip8(sum over t of
   * row(taps.min[i] + t) * taps.weights[i * taps.size + t])}.
   */
  void vertical(byte[] src, int at, int width, int firstRow, ResizeTaps taps, byte[] out, int outAt);

  /**
   * libjpeg's YCbCr to RGB for an interleaved {@code w x h} raster (rows {@code stride} bytes apart from
   * {@code src[at]}) into the three planes of {@code out}.
   */
  void ycbcrToRgb(byte[] src, int at, int stride, int w, int h, byte[] out);

  static byte clip8(int sum) {
    int v = sum >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  final class Selected {
    static final PixelLoops LOOPS = Kernels.sameSide(ScalarPixelLoops::new, "dev.sparkconv.io.image.VectorPixelLoops");

    private Selected() {}
  }
}
