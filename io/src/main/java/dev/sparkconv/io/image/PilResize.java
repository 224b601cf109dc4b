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
  private static final int PRECISION_BITS = 32 - 8 - 2;

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
    return resize(in, outHeight, outWidth, filter, new Window(0, 0, outHeight, outWidth));
  }

  /** The window {@code w} of {@code in} resized to {@code outHeight x outWidth}. */
  public static Planar resize(Planar in, int outHeight, int outWidth, Filter filter, Window w) {
    if (outHeight < 1 || outWidth < 1 || w.top() < 0 || w.left() < 0 || w.height() < 1 || w.width() < 1
        || w.top() + w.height() > outHeight || w.left() + w.width() > outWidth) {
      throw new IllegalArgumentException("window " + w + " of a " + outHeight + "x" + outWidth + " resize");
    }
    if (filter == Filter.NEAREST) {
      return nearest(in, outHeight, outWidth, w);
    }
    int h = in.height();
    int wd = in.width();
    boolean horizontal = outWidth != wd;
    boolean vertical = outHeight != h;
    Coefficients rows = vertical ? Coefficients.of(h, outHeight, filter, w.top(), w.height()) : null;
    // The horizontal pass covers only the input rows the vertical pass reads.
    int firstRow = vertical ? rows.min[0] : w.top();
    int lastRow = vertical ? rows.min[w.height() - 1] + rows.count[w.height() - 1] : w.top() + w.height();
    Planar mid = horizontal
        ? horizontal(in, Coefficients.of(wd, outWidth, filter, w.left(), w.width()), firstRow, lastRow)
        : crop(in, firstRow, lastRow, w.left(), w.width());
    return vertical ? vertical(mid, rows, firstRow) : mid;
  }

  /** Input rows {@code [firstRow, lastRow)}, each resampled to the window's columns. */
  private static Planar horizontal(Planar in, Coefficients k, int firstRow, int lastRow) {
    int w = in.width();
    int rows = lastRow - firstRow;
    int ow = k.min.length;
    byte[] src = in.data();
    byte[] out = new byte[in.channels() * rows * ow];
    for (int c = 0; c < in.channels(); c++) {
      for (int y = 0; y < rows; y++) {
        int rowIn = (c * in.height() + firstRow + y) * w;
        int rowOut = (c * rows + y) * ow;
        for (int xx = 0; xx < ow; xx++) {
          int from = rowIn + k.min[xx];
          int kk = xx * k.size;
          int ss = 1 << (PRECISION_BITS - 1);
          for (int x = 0; x < k.count[xx]; x++) {
            ss += (src[from + x] & 0xFF) * k.weights[kk + x];
          }
          out[rowOut + xx] = clip8(ss);
        }
      }
    }
    return new Planar(in.channels(), rows, ow, out);
  }

  /** Window rows from {@code in}, whose row 0 is input row {@code firstRow}; accumulates a whole row at once. */
  private static Planar vertical(Planar in, Coefficients k, int firstRow) {
    int w = in.width();
    int oh = k.min.length;
    byte[] src = in.data();
    byte[] out = new byte[in.channels() * oh * w];
    int[] ss = new int[w];
    for (int c = 0; c < in.channels(); c++) {
      for (int yy = 0; yy < oh; yy++) {
        java.util.Arrays.fill(ss, 1 << (PRECISION_BITS - 1));
        for (int y = 0; y < k.count[yy]; y++) {
          int weight = k.weights[yy * k.size + y];
          int row = (c * in.height() + k.min[yy] - firstRow + y) * w;
          for (int x = 0; x < w; x++) {
            ss[x] += (src[row + x] & 0xFF) * weight; // integer sums: the loop order does not change them
          }
        }
        int rowOut = (c * oh + yy) * w;
        for (int x = 0; x < w; x++) {
          out[rowOut + x] = clip8(ss[x]);
        }
      }
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

  private static byte clip8(int ss) {
    int v = ss >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /**
   * Pillow's precompute_coeffs and normalize_coeffs_8bpc for output pixels {@code [first, first+n)}:
   * per output pixel the first input pixel {@code min}, the tap {@code count}, and fixed-point weights.
   */
  private record Coefficients(int size, int[] min, int[] count, int[] weights) {
    static Coefficients of(int inSize, int outSize, Filter filter, int first, int n) {
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
        int xx = first + i;
        double center = (xx + 0.5) * scale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          k[x] = filter.weight((x + xmin - center + 0.5) * invFilterScale);
          ww += k[x];
        }
        for (int x = 0; x < xmax; x++) {
          double v = ww != 0.0 ? k[x] / ww : k[x];
          weights[i * size + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        min[i] = xmin;
        count[i] = xmax;
      }
      return new Coefficients(size, min, count, weights);
    }
  }
}
