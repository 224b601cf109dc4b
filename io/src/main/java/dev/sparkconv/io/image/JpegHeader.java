package dev.sparkconv.io.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.io.IOException;

/**
 * What a JPEG's markers before the first scan say about its pixels: the colour space libjpeg guesses
 * (jdapimin.c's {@code default_decompress_parms}, which PIL relies on) and the EXIF orientation.
 * The raster comes raw from the decoder ({@code readRaster}), so the colour conversion is ours, as
 * libjpeg does it: no ICC profile is applied, as PIL applies none.
 */
record JpegHeader(ColorSpace colorSpace, int orientation) {
  enum ColorSpace { GRAY, YCBCR, RGB, CMYK, YCCK, UNKNOWN }

  /** Scans {@code jpeg} from SOI to the first SOS; a malformed tail just ends the scan (the decoder reports it). */
  static JpegHeader scan(byte[] jpeg) {
    boolean jfif = false;
    int adobeTransform = -1;
    int[] componentIds = null;
    int orientation = 1;
    int i = 2;
    while (i + 4 <= jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        i++;
        continue;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF || marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
        i += marker == 0xFF ? 1 : 2; // fill byte or a marker without payload
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        break;
      }
      int length = u16(jpeg, i + 2);
      int p = i + 4;
      int end = Math.min(jpeg.length, i + 2 + length);
      if (marker == 0xE0 && startsWith(jpeg, p, end, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xEE && end - p >= 12 && startsWith(jpeg, p, end, "Adobe")) {
        adobeTransform = jpeg[p + 11] & 0xFF;
      } else if (marker == 0xE1 && orientation == 1 && startsWith(jpeg, p, end, "Exif\0\0")) {
        orientation = exifOrientation(jpeg, p + 6, end - p - 6);
      } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
          && end - p >= 6) {
        int count = jpeg[p + 5] & 0xFF;
        componentIds = new int[Math.min(count, (end - p - 6) / 3)];
        for (int c = 0; c < componentIds.length; c++) {
          componentIds[c] = jpeg[p + 6 + 3 * c] & 0xFF;
        }
      }
      i += 2 + length;
    }
    return new JpegHeader(guess(componentIds, jfif, adobeTransform), orientation);
  }

  private static ColorSpace guess(int[] ids, boolean jfif, int adobeTransform) {
    if (ids == null) {
      return ColorSpace.UNKNOWN;
    }
    return switch (ids.length) {
      case 1 -> ColorSpace.GRAY;
      case 3 -> jfif ? ColorSpace.YCBCR
          : adobeTransform >= 0 ? (adobeTransform == 0 ? ColorSpace.RGB : ColorSpace.YCBCR)
          : ids[0] == 82 && ids[1] == 71 && ids[2] == 66 ? ColorSpace.RGB : ColorSpace.YCBCR; // 'R','G','B'
      case 4 -> adobeTransform < 0 || adobeTransform == 0 ? ColorSpace.CMYK : ColorSpace.YCCK;
      default -> ColorSpace.UNKNOWN;
    };
  }

  /** Orientation tag of IFD0 (1 when absent or unreadable: PIL then leaves the image as it is). */
  private static int exifOrientation(byte[] jpeg, int offset, int length) {
    try {
      Directory ifd0 = new TIFFReader().read(new ByteArrayImageInputStream(jpeg, offset, length));
      Entry entry = ifd0.getEntryById(TIFF.TAG_ORIENTATION);
      return entry != null && entry.getValue() instanceof Number n ? n.intValue() : 1;
    } catch (IOException | RuntimeException unreadableExif) {
      return 1; // PIL ignores a broken EXIF block too; the pixels are still good
    }
  }

  private static int u16(byte[] b, int i) {
    return i + 1 < b.length ? (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF : 0;
  }

  private static boolean startsWith(byte[] b, int from, int end, String ascii) {
    if (end - from < ascii.length()) {
      return false;
    }
    for (int k = 0; k < ascii.length(); k++) {
      if (b[from + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
