package dev.sparkconv.io.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * An image file to one {@code C x H x W} sample: uint8 as PIL's {@code exif_transpose} then
 * {@code convert('RGB')} (or {@code 'L'}) gives it, or float32 through a {@link Preprocess}.
 *
 * <p>Formats: JPEG (baseline, progressive, greyscale, CMYK/YCCK), PNG, BMP, GIF (first frame), WebP,
 * TIFF, through ImageIO and TwelveMonkeys. The format is found from the content, never the file
 * name: a PNG named {@code .jpg} decodes as the PNG it is. JPEGs are read raw and colour-converted
 * here (see {@link Pixels}) so that they match PIL instead of TwelveMonkeys' colour management.
 *
 * <p>A defect of the file is a {@link BadRecordException} on field "content": empty, no known
 * format, header or pixel data unreadable, truncated (ImageIO warns and returns a partial image, so
 * warnings are checked), more pixels than {@code maxPixels} (checked from the header before any
 * pixel is decoded). An exception the decoder library throws while parsing the file counts as a
 * defect of the file; everything after decoding is our code, and its exceptions propagate.
 */
public final class ImageDecoder implements FileDecoder {
  private static final long serialVersionUID = 1L;
  /** PIL's {@code Image.MAX_IMAGE_PIXELS}, the size at which it warns of a decompression bomb. */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  /**
   * {@code channels} 3 (RGB) or 1 (grey); {@code exifOrientation} applies the JPEG EXIF orientation;
   * {@code preprocess} null keeps the uint8 image.
   */
  public record Options(int channels, boolean exifOrientation, long maxPixels, Preprocess preprocess)
      implements Serializable {
    public static final Options DEFAULT = new Options(3, true, DEFAULT_MAX_PIXELS, null);

    public Options {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 1 or 3 but is " + channels);
      }
      if (maxPixels < 1) {
        throw new IllegalArgumentException("maxPixels must be positive but is " + maxPixels);
      }
      if (preprocess != null) {
        preprocess.checkChannels(channels);
      }
    }

    public Options withChannels(int c) {
      return new Options(c, exifOrientation, maxPixels, preprocess);
    }

    public Options withExifOrientation(boolean apply) {
      return new Options(channels, apply, maxPixels, preprocess);
    }

    public Options withMaxPixels(long max) {
      return new Options(channels, exifOrientation, max, preprocess);
    }

    public Options withPreprocess(Preprocess p) {
      return new Options(channels, exifOrientation, maxPixels, p);
    }
  }

  private final Options options;

  public ImageDecoder(Options options) {
    this.options = options;
  }

  public ImageDecoder() {
    this(Options.DEFAULT);
  }

  public Options options() {
    return options;
  }

  @Override
  public List<Sample> decode(String id, byte[] content) {
    Preprocess preprocess = options.preprocess();
    if (preprocess == null) {
      return List.of(new Sample(id, decodePixels(id, content).toNpy()));
    }
    Top image = decodeTop(id, content, preprocess);
    return List.of(new Sample(id, preprocess.apply(image.pixels(), image.height())));
  }

  /** The uint8 image, oriented and in the requested channels, before any preprocessing. */
  public Planar decodePixels(String id, byte[] content) {
    return decodeTop(id, content, null).pixels();
  }

  /** The first rows of an image {@code height} rows tall. */
  private record Top(Planar pixels, int height) {}

  /**
   * {@link #decodePixels}, but a JPEG stops after the last row {@code preprocess} reads: the JDK's reader stops at
   * its source region's last row, and an ImageNet crop leaves 9% of the rows of a 4:3 photo unread on average (0.06
   * ms of its 0.67 ms read). Only for a JPEG that ends in its end-of-image marker, so that a truncated file is still
   * read to the point where it breaks, and needs no EXIF turn (the rows would be another side's).
   */
  private Top decodeTop(String id, byte[] content, Preprocess preprocess) {
    Plugins.ensureRegistered();
    if (content.length == 0) {
      throw bad(id, "is empty (0 bytes)");
    }
    ImageReader reader = readerFor(content);
    if (reader == null) {
      throw bad(id, "is not an image in a supported format (JPEG, PNG, BMP, GIF, WebP, TIFF); "
          + content.length + " bytes starting " + HexFormat.ofDelimiter(" ").formatHex(content, 0, Math.min(8, content.length)));
    }
    String format = format(reader);
    List<String> warnings = new ArrayList<>();
    Raster jpegRaster = null;
    JpegHeader header = null;
    int partialOf = 0; // the image's height when only its first rows are read
    BufferedImage image = null;
    try (ImageInputStream in = new ByteArrayImageInputStream(content)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
      if (pixels > options.maxPixels()) {
        throw bad(id, "is a " + format + " of " + reader.getWidth(0) + " x " + reader.getHeight(0) + " = " + pixels
            + " pixels, over the limit of " + options.maxPixels() + " (max-pixels): refused before decoding");
      }
      if (format.equals("JPEG")) {
        header = JpegHeader.scan(content);
        int height = reader.getHeight(0);
        ImageReadParam param = null;
        int rows = preprocess == null || header.orientation() != 1 && options.exifOrientation() || !endsWithEoi(content)
            ? height : preprocess.rowsRead(height, reader.getWidth(0));
        if (rows < height) {
          param = reader.getDefaultReadParam();
          param.setSourceRegion(new Rectangle(0, 0, reader.getWidth(0), rows));
          partialOf = height;
        }
        jpegRaster = reader.readRaster(0, param);
      } else {
        image = reader.read(0);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadRecordException b) {
        throw b;
      }
      throw bad(id, "is a corrupt or truncated " + format + " file: " + e);
    } finally {
      reader.dispose();
    }
    for (String w : warnings) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (lower.contains("truncat") || lower.contains("premature end")) {
        throw bad(id, "is a truncated " + format + " file: " + String.join("; ", warnings));
      }
    }
    Planar pixels;
    if (jpegRaster != null) {
      pixels = Pixels.fromJpeg(jpegRaster, header.colorSpace());
      if (pixels == null) {
        throw bad(id, "is a JPEG with " + jpegRaster.getNumBands() + " components in colour space "
            + header.colorSpace() + ", which is not supported");
      }
      if (options.exifOrientation()) {
        pixels = Orientation.apply(pixels, header.orientation());
      }
    } else {
      pixels = Pixels.fromImage(image);
    }
    return new Top(pixels.withChannels(options.channels()), partialOf > 0 ? partialOf : pixels.height());
  }

  private static boolean endsWithEoi(byte[] content) {
    return content.length >= 2 && content[content.length - 2] == (byte) 0xFF && content[content.length - 1] == (byte) 0xD9;
  }

  private static ImageReader readerFor(byte[] content) {
    try (ImageInputStream probe = new ByteArrayImageInputStream(content)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(probe);
      return readers.hasNext() ? readers.next() : null;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
  }

  private static String format(ImageReader reader) {
    try {
      return reader.getFormatName().toUpperCase(Locale.ROOT);
    } catch (IOException e) {
      throw new IllegalStateException("ImageIO reader without a format name: " + reader, e);
    }
  }

  private static BadRecordException bad(String id, String problem) {
    return new BadRecordException(id, "content", problem);
  }

  /**
   * Registers the ImageIO plugins once per JVM. Under Spark's class loaders ImageIO's own lookup can
   * miss the jars of the application, silently: so scan with this class's loader as the context
   * loader, and register TwelveMonkeys' readers by name as well.
   */
  private static final class Plugins {
    static {
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(ImageDecoder.class.getClassLoader());
      try {
        ImageIO.scanForPlugins();
      } finally {
        thread.setContextClassLoader(previous);
      }
      IIORegistry registry = IIORegistry.getDefaultInstance();
      registry.registerServiceProvider(new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi());
      registry.registerServiceProvider(new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi());
      registry.registerServiceProvider(new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi());
      ImageIO.setUseCache(false); // decoding happens from memory; no temp files on executors
    }

    static void ensureRegistered() {}
  }
}
