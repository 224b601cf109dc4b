package dev.sparkconv.io.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Decoded rasters to planar uint8, as PIL's {@code convert('RGB')} leaves them: alpha dropped (not
 * composited), palettes looked up ignoring transparency, 16-bit RGB and grey+alpha reduced to their
 * high byte, 16-bit grey (PIL mode I) clipped to 255 rather than scaled, CMYK by PIL's naive formula.
 * No ICC profile is applied, as PIL applies none. Greyscale sources stay one plane.
 */
final class Pixels {
  private Pixels() {}

  /** A JPEG's raw components ({@code readRaster}: no colour conversion yet) in the colour space its header implies. */
  static Planar fromJpeg(Raster raster, JpegHeader.ColorSpace space) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int n = w * h;
    int bands = raster.getNumBands();
    int need = switch (space) {
      case GRAY -> 1;
      case YCBCR, RGB -> 3;
      case CMYK, YCCK -> 4;
      case UNKNOWN -> -1;
    };
    if (bands != need) {
      return null; // the caller reports the unsupported layout
    }
    byte[] out = new byte[(bands == 1 ? 1 : 3) * n];
    if (space == JpegHeader.ColorSpace.YCBCR && raster.getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1 && raster.getSampleModel() instanceof ComponentSampleModel sm
        && sm.getPixelStride() == 3 && isIdentity(sm.getBandOffsets())) { // the usual JPEG: straight from its bytes
      int base = db.getOffset() - raster.getSampleModelTranslateY() * sm.getScanlineStride()
          - raster.getSampleModelTranslateX() * 3;
      PixelLoops.selected().ycbcrToRgb(db.getData(), base, sm.getScanlineStride(), w, h, out);
      return new Planar(3, h, w, out);
    }
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      samples(raster, y, row);
      int i = y * w;
      switch (space) { // per row, so that each pixel loop is branch-free
        case GRAY -> {
          for (int x = 0; x < w; x++) {
            out[i + x] = (byte) row[x];
          }
        }
        case RGB -> {
          for (int x = 0, p = 0; x < w; x++, p += 3) {
            rgb(out, n, i + x, row[p], row[p + 1], row[p + 2]);
          }
        }
        case YCBCR -> {
          for (int x = 0, p = 0; x < w; x++, p += 3) {
            YCbCr.toRgb(out, n, i + x, row[p], row[p + 1], row[p + 2]);
          }
        }
        // PIL reads every 4-component JPEG as Adobe-inverted CMYK ("CMYK;I"); libjpeg turns YCCK
        // into CMYK first, which after that inversion is the YCC->RGB result and 255 - K.
        case CMYK -> {
          for (int x = 0, p = 0; x < w; x++, p += 4) {
            cmyk(out, n, i + x, 255 - row[p], 255 - row[p + 1], 255 - row[p + 2], 255 - row[p + 3]);
          }
        }
        case YCCK -> {
          for (int x = 0, p = 0; x < w; x++, p += 4) {
            YCbCr.ycckToPilCmyk(out, n, i + x, row[p], row[p + 1], row[p + 2], row[p + 3]);
          }
        }
        default -> throw new IllegalStateException(space.name());
      }
    }
    return new Planar(bands == 1 ? 1 : 3, h, w, out);
  }

  /** Any other decoded image; colour models without a PIL counterpart go through {@code getRGB}. */
  static Planar fromImage(BufferedImage image) {
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int w = raster.getWidth();
    int h = raster.getHeight();
    int n = w * h;
    int bands = raster.getNumBands();
    int space = cm.getColorSpace().getType();
    boolean component = cm instanceof ComponentColorModel;
    boolean grey = component && space == ColorSpace.TYPE_GRAY && bands <= 2;
    boolean rgb = component && space == ColorSpace.TYPE_RGB && bands >= 3;
    boolean cmyk = component && space == ColorSpace.TYPE_CMYK && bands >= 4;
    int bits = cm.getComponentSize(0);
    if (!(cm instanceof IndexColorModel) && !((grey || rgb || cmyk) && (bits == 8 || bits == 16))) {
      return viaGetRgb(image);
    }
    byte[] out = new byte[(grey ? 1 : 3) * n];
    int[] row = new int[w * bands];
    int shift = bits == 16 ? 8 : 0;
    boolean clipGrey = grey && bands == 1 && bits == 16; // PIL mode "I": convert clips at 255
    IndexColorModel palette = cm instanceof IndexColorModel icm ? icm : null;
    for (int y = 0; y < h; y++) {
      samples(raster, y, row);
      for (int x = 0, i = y * w; x < w; x++, i++) {
        int p = x * bands;
        if (palette != null) {
          int index = row[p];
          rgb(out, n, i, palette.getRed(index), palette.getGreen(index), palette.getBlue(index));
        } else if (grey) {
          out[i] = (byte) (clipGrey ? Math.min(row[p], 255) : row[p] >> shift);
        } else if (rgb) {
          rgb(out, n, i, row[p] >> shift, row[p + 1] >> shift, row[p + 2] >> shift);
        } else {
          cmyk(out, n, i, row[p] >> shift, row[p + 1] >> shift, row[p + 2] >> shift, row[p + 3] >> shift);
        }
      }
    }
    return new Planar(grey ? 1 : 3, h, w, out);
  }

  private static Planar viaGetRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int n = w * h;
    byte[] out = new byte[3 * n];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0, i = y * w; x < w; x++, i++) {
        rgb(out, n, i, row[x] >> 16 & 0xFF, row[x] >> 8 & 0xFF, row[x] & 0xFF);
      }
    }
    return new Planar(3, h, w, out);
  }

  /** Row {@code y}'s samples, pixel-interleaved; straight from the byte array when the raster has one. */
  private static void samples(Raster raster, int y, int[] row) {
    if (raster.getDataBuffer() instanceof DataBufferByte db && raster.getSampleModel() instanceof ComponentSampleModel sm
        && db.getNumBanks() == 1) {
      byte[] data = db.getData();
      int[] offsets = sm.getBandOffsets();
      int stride = sm.getPixelStride();
      int bands = offsets.length;
      int base = db.getOffset() + (y - raster.getSampleModelTranslateY()) * sm.getScanlineStride()
          - raster.getSampleModelTranslateX() * stride;
      if (stride == bands && isIdentity(offsets)) { // the usual layout: one straight copy
        for (int j = 0, end = raster.getWidth() * bands; j < end; j++) {
          row[j] = data[base + j] & 0xFF;
        }
        return;
      }
      for (int x = 0, w = raster.getWidth(); x < w; x++) {
        int p = base + x * stride;
        for (int b = 0; b < bands; b++) {
          row[x * bands + b] = data[p + offsets[b]] & 0xFF;
        }
      }
    } else {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, raster.getWidth(), 1, row);
    }
  }

  private static boolean isIdentity(int[] offsets) {
    for (int b = 0; b < offsets.length; b++) {
      if (offsets[b] != b) {
        return false;
      }
    }
    return true;
  }

  static void rgb(byte[] out, int n, int i, int r, int g, int b) {
    out[i] = (byte) r;
    out[n + i] = (byte) g;
    out[2 * n + i] = (byte) b;
  }

  /** PIL's cmyk2rgb (Convert.c): each channel (255 - k) - c * (255 - k) / 255 with its rounding division. */
  static void cmyk(byte[] out, int n, int i, int c, int m, int y, int k) {
    int nk = 255 - k;
    rgb(out, n, i, clip8(nk - mulDiv255(c, nk)), clip8(nk - mulDiv255(m, nk)), clip8(nk - mulDiv255(y, nk)));
  }

  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  static int clip8(int v) {
    return v <= 0 ? 0 : Math.min(v, 255);
  }
}
