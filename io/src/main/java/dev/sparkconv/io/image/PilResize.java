package dev.sparkconv.io.image;

/**
 * Pillow's {@code Image.resize} for uint8 images, bit for bit (Pillow 9.4, src/libImaging/Resample.c
 * and, for NEAREST, the affine scale of Geometry.c). BILINEAR and BICUBIC: separable convolution with
 * the filter widened by the scale when shrinking (antialiasing), coefficients normalised to sum 1 and
 * rounded to 22-bit fixed point, a horizontal pass into a uint8 intermediate, then a vertical pass,
 * each rounding and clipping. A dimension that keeps its size skips its pass, as Pillow does.
 *
 * <p>Works per plane (Pillow interleaves, but channels never mix) and can compute only a window of
 * the output: every output pixel depends on its own coefficients only, so a resize then crop costs
 * the crop, with the same values.
 */
public final class PilResize {
  /** Pillow's resampling filters with their support (in input pixels at scale 1). */
  public enum Filter {
    NEAREST(0),
    BILINEAR(1.0),
    BICUBIC(2.0);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      x = Math.abs(x);
      if (this == BILINEAR) {
        return x < 1.0 ? 1.0 - x : 0.0;
      }
      double a = -0.5; // Pillow's bicubic_filter, same evaluation order
      if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
      }
      return x < 2.0 ? (((x - 5) * x + 8) * x - 4) * a : 0.0;
    }
  }

  /** Rows {@code top .. top+height} and columns {@code left .. left+width} of the resized image. */
  public record Window(int top, int left, int height, int width) {}

  private PilResize() {}

  public static Planar resize(Planar in, int outHeight, int outWidth, Filter filter) {
    return resize(in, in.height(), outHeight, outWidth, filter, new Window(0, 0, outHeight, outWidth));
  }

  /**
   * The window {@code w} of an image {@code height} rows tall resized to {@code outHeight x outWidth}; {@code in}
   * holds at least the image's first {@link #rowsRead} rows.
   */
  public static Planar resize(Planar in, int height, int outHeight, int outWidth, Filter filter, Window w) {
    if (outHeight < 1 || outWidth < 1 || w.top() < 0 || w.left() < 0 || w.height() < 1 || w.width() < 1
        || w.top() + w.height() > outHeight || w.left() + w.width() > outWidth) {
      throw new IllegalArgumentException("window " + w + " of a " + outHeight + "x" + outWidth + " resize");
    }
    boolean vertical = outHeight != height;
    ResizeTaps rows = vertical && filter != Filter.NEAREST
        ? ResizeTaps.of(height, outHeight, filter, w.top(), w.height()) : null;
    int lastRow = filter == Filter.NEAREST ? height : lastRow(rows, w);
    if (in.height() < lastRow || in.height() > height) {
      throw new IllegalArgumentException("a resize of a " + height + "-row image reads its first " + lastRow
          + " rows, but " + in.height() + " are given");
    }
    if (filter == Filter.NEAREST) {
      return nearest(in, outHeight, outWidth, w);
    }
    int wd = in.width();
    boolean horizontal = outWidth != wd;
    // The horizontal pass covers only the input rows the vertical pass reads.
    int firstRow = vertical ? rows.min()[0] : w.top();
    Planar mid = horizontal
        ? horizontal(in, ResizeTaps.of(wd, outWidth, filter, w.left(), w.width()), firstRow, lastRow)
        : crop(in, firstRow, lastRow, w.left(), w.width());
    return vertical ? vertical(mid, rows, firstRow) : mid;
  }

  /** How many of an image's first rows a resize of window {@code w} reads: all of them for NEAREST. */
  static int rowsRead(int height, int outHeight, Filter filter, Window w) {
    if (filter == Filter.NEAREST) {
      return height;
    }
    return lastRow(outHeight == height ? null : ResizeTaps.of(height, outHeight, filter, w.top(), w.height()), w);
  }

  /** The row after the last one the window's vertical taps read (no taps: no vertical pass). */
  private static int lastRow(ResizeTaps rows, Window w) {
    return rows != null ? rows.min()[w.height() - 1] + rows.count()[w.height() - 1] : w.top() + w.height();
  }

  /** Input rows {@code [firstRow, lastRow)}, each resampled to the window's columns. */
  private static Planar horizontal(Planar in, ResizeTaps k, int firstRow, int lastRow) {
    int w = in.width();
    int rows = lastRow - firstRow;
    int ow = k.n();
    byte[] out = new byte[in.channels() * rows * ow];
    for (int c = 0; c < in.channels(); c++) {
      PixelLoops.selected().horizontal(in.data(), (c * in.height() + firstRow) * w, w, rows, k, out, c * rows * ow);
    }
    return new Planar(in.channels(), rows, ow, out);
  }

  /** Window rows from {@code in}, whose row 0 is input row {@code firstRow}. */
  private static Planar vertical(Planar in, ResizeTaps k, int firstRow) {
    int w = in.width();
    int oh = k.n();
    byte[] out = new byte[in.channels() * oh * w];
    for (int c = 0; c < in.channels(); c++) {
      PixelLoops.selected().vertical(in.data(), c * in.height() * w, w, firstRow, k, out, c * oh * w);
    }
    return new Planar(in.channels(), oh, w, out);
  }

  private static Planar crop(Planar in, int firstRow, int lastRow, int left, int width) {
    int rows = lastRow - firstRow;
    byte[] out = new byte[in.channels() * rows * width];
    for (int c = 0; c < in.channels(); c++) {
      for (int y = 0; y < rows; y++) {
        System.arraycopy(in.data(), (c * in.height() + firstRow + y) * in.width() + left, out, (c * rows + y) * width,
            width);
      }
    }
    return new Planar(in.channels(), rows, width, out);
  }

  /**
   * Pillow's NEAREST resize: an affine scale that steps a double source coordinate by in/out per pixel
   * from half a step (accumulated, as Pillow does) and truncates it. Same size: a copy.
   */
  private static Planar nearest(Planar in, int outHeight, int outWidth, Window w) {
    int[] cols = nearestIndex(in.width(), outWidth);
    int[] rows = nearestIndex(in.height(), outHeight);
    byte[] out = new byte[in.channels() * w.height() * w.width()];
    for (int c = 0; c < in.channels(); c++) {
      for (int y = 0; y < w.height(); y++) {
        int sy = rows[w.top() + y];
        for (int x = 0; x < w.width(); x++) {
          int sx = cols[w.left() + x];
          out[(c * w.height() + y) * w.width() + x] =
              sy < 0 || sx < 0 ? 0 : in.data()[(c * in.height() + sy) * in.width() + sx];
        }
      }
    }
    return new Planar(in.channels(), w.height(), w.width(), out);
  }

  private static int[] nearestIndex(int inSize, int outSize) {
    int[] index = new int[outSize];
    if (inSize == outSize) {
      for (int i = 0; i < outSize; i++) {
        index[i] = i;
      }
      return index;
    }
    double step = (double) (float) inSize / outSize;
    double at = step * 0.5;
    for (int i = 0; i < outSize; i++) {
      int v = at < 0.0 ? -1 : (int) at;
      index[i] = v < inSize ? v : -1; // outside the source: Pillow leaves the zero fill
      at += step;
    }
    return index;
  }
}
