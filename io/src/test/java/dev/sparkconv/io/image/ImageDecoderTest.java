package dev.sparkconv.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder.Sample;
import dev.sparkconv.io.NpyArray;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decodes against PIL's decode of the same files (exif_transpose, then convert('RGB') or 'L'). */
class ImageDecoderTest {
  private static final ImageDecoder RGB = new ImageDecoder();

  /** Lossless formats and PIL's conversions of them: equal to the last bit. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"png_rgb8.png", "png_grey8.png", "png_grey16.png", "png_rgb16.png", "png_palette.png",
      "png_palette_trns.png", "png_rgba.png", "png_la.png", "png_named.jpg", "bmp_rgb.bmp", "gif_two_frames.gif",
      "webp_lossless.webp", "tiff_rgb_lzw.tiff", "tiff_grey.tiff"})
  void losslessEqualsPil(String file) {
    NpyArray expected = Fixtures.npy(file + ".rgb.npy");
    NpyArray actual = decode(RGB, file);
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(0, Fixtures.maxAbsDiff(expected, actual));
  }

  /**
   * Lossy formats, measured against PIL (Pillow 9.4, libjpeg-turbo, libwebp): JPEGs are read raw and
   * converted as libjpeg does, and the JDK's libjpeg (islow IDCT, fancy upsampling) then agrees to the
   * bit on every fixture, progressive and CMYK included. Lossy WebP differs: TwelveMonkeys' VP8
   * decoder replicates chroma where libwebp interpolates it (max 21 levels, mean 1.17 on this photo).
   */
  @ParameterizedTest(name = "{0} within max {1} mean {2}")
  @CsvSource({"jpeg_baseline.jpg, 0, 0", "jpeg_444.jpg, 0, 0", "jpeg_progressive.jpg, 0, 0", "jpeg_grey.jpg, 0, 0",
      "jpeg_cmyk.jpg, 0, 0", "jpeg_exif_2.jpg, 0, 0", "jpeg_exif_3.jpg, 0, 0", "jpeg_exif_4.jpg, 0, 0",
      "jpeg_exif_5.jpg, 0, 0", "jpeg_exif_6.jpg, 0, 0", "jpeg_exif_7.jpg, 0, 0", "jpeg_exif_8.jpg, 0, 0",
      "webp_lossy.webp, 21, 1.2"})
  void lossyWithinMeasuredTolerance(String file, int maxTolerance, double meanTolerance) {
    NpyArray expected = Fixtures.npy(file + ".rgb.npy");
    NpyArray actual = decode(RGB, file);
    assertArrayEquals(expected.shape(), actual.shape());
    int max = Fixtures.maxAbsDiff(expected, actual);
    double mean = Fixtures.meanAbsDiff(expected, actual);
    assertTrue(max <= maxTolerance && mean <= meanTolerance, file + ": max abs difference " + max + ", mean " + mean);
  }

  @ParameterizedTest(name = "{0} as L")
  @CsvSource({"png_rgb8.png, 0", "png_palette.png, 0", "png_grey16.png, 0", "png_rgba.png, 0", "jpeg_grey.jpg, 0",
      "jpeg_cmyk.jpg, 0"})
  void oneChannelIsPilConvertL(String file, int tolerance) {
    NpyArray expected = Fixtures.npy(file + ".l.npy");
    NpyArray actual = decode(new ImageDecoder(ImageDecoder.Options.DEFAULT.withChannels(1)), file);
    assertArrayEquals(expected.shape(), actual.shape());
    assertTrue(Fixtures.maxAbsDiff(expected, actual) <= tolerance);
  }

  @Test
  void exifOrientationCanBeSwitchedOff() {
    NpyArray expected = Fixtures.npy("jpeg_exif_6.jpg.noexif.npy");
    NpyArray actual = decode(new ImageDecoder(ImageDecoder.Options.DEFAULT.withExifOrientation(false)), "jpeg_exif_6.jpg");
    assertArrayEquals(new int[] {3, 72, 48}, actual.shape());
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(0, Fixtures.maxAbsDiff(expected, actual));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "zero_byte.jpg      | is empty (0 bytes)",
      "random_bytes.jpg   | is not an image in a supported format",
      "text_named.jpg     | is not an image in a supported format",
      "unsupported.ppm    | is not an image in a supported format",
      "truncated.jpg      | is a truncated JPEG file",
      "truncated.png      | is a corrupt or truncated PNG file",
      "bomb.png           | 100000 x 100000 = 10000000000 pixels, over the limit of 89478485"})
  void brokenFileIsABadRecordNamingTheProblem(String file, String problem) {
    BadRecordException e = assertThrows(BadRecordException.class, () -> RGB.decode("dir/" + file, Fixtures.bytes(file)));
    assertEquals("dir/" + file, e.recordId());
    assertEquals("content", e.field());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void pixelLimitRefusesTheBombFromItsHeaderAlone() {
    ImageDecoder strict = new ImageDecoder(ImageDecoder.Options.DEFAULT.withMaxPixels(80 * 60 - 1));
    Runtime rt = Runtime.getRuntime();
    long before = rt.totalMemory() - rt.freeMemory();
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertThrows(BadRecordException.class, () -> RGB.decode("bomb.png", Fixtures.bytes("bomb.png")));
    }
    // 20 refusals of a 3e10-pixel image: decoding any of it would take minutes and 30 GB.
    assertTrue(System.nanoTime() - start < 5_000_000_000L);
    assertTrue(rt.totalMemory() - rt.freeMemory() - before < 256L << 20);
    BadRecordException e = assertThrows(BadRecordException.class, () -> decode(strict, "png_rgb8.png"));
    assertTrue(e.getMessage().contains("80 x 60 = 4800 pixels, over the limit of 4799"), e.getMessage());
    assertArrayEquals(new int[] {3, 60, 80},
        decode(new ImageDecoder(strict.options().withMaxPixels(4800)), "png_rgb8.png").shape());
  }

  @Test
  void oneSampleWithTheFilesIdAndPreprocessedWhenAsked() {
    ImageDecoder imagenet = new ImageDecoder(ImageDecoder.Options.DEFAULT.withPreprocess(Preprocess.IMAGENET));
    List<Sample> samples = imagenet.decode("a/b.png", Fixtures.bytes("png_rgb8.png"));
    assertEquals(1, samples.size());
    assertEquals("a/b.png", samples.get(0).id());
    assertEquals(NpyArray.FLOAT32, samples.get(0).array().dtype());
    assertArrayEquals(new int[] {3, 224, 224}, samples.get(0).array().shape());
  }

  /**
   * With preprocessing a JPEG is read only down to the last row the resize reads, and gives the same tensor as
   * preprocessing the whole decoded image (checked against PIL above, and the preprocessing against torchvision):
   * every kind of JPEG, EXIF-turned ones (read whole) included.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"jpeg_baseline.jpg, BILINEAR", "jpeg_444.jpg, BICUBIC", "jpeg_progressive.jpg, BILINEAR",
      "jpeg_grey.jpg, BICUBIC", "jpeg_cmyk.jpg, BILINEAR", "jpeg_exif_6.jpg, BILINEAR", "jpeg_exif_2.jpg, BICUBIC"})
  void preprocessingReadsAJpegOnlyDownToTheRowsItUses(String file, PilResize.Filter filter) {
    Preprocess shrink = new Preprocess(new int[] {30}, filter, new int[] {20, 24}, 1.0 / 255, new float[] {0.5f},
        new float[] {0.25f}, false);
    byte[] content = Fixtures.bytes(file);
    NpyArray expected = shrink.apply(RGB.decodePixels(file, content));
    NpyArray actual = new ImageDecoder(ImageDecoder.Options.DEFAULT.withPreprocess(shrink)).decode(file, content)
        .get(0).array();
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.data(), actual.data());
    assertTrue(shrink.rowsRead(60, 80) < 60 && shrink.rowsRead(72, 48) < 72, "the fixtures' rows are cut short");
  }

  /** A JPEG cut short below the rows a centre crop reads (its last 5%) is still refused: it lacks its end marker. */
  @Test
  void aJpegTruncatedBelowTheRowsPreprocessingReadsIsStillRefused() {
    Preprocess centre = new Preprocess(new int[] {30}, PilResize.Filter.BILINEAR, new int[] {4, 4}, 1.0 / 255,
        new float[] {0f}, new float[] {1f}, false);
    assertTrue(centre.rowsRead(60, 80) <= 40, "the crop reads the top two thirds");
    byte[] whole = Fixtures.bytes("jpeg_baseline.jpg");
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length * 95 / 100);
    for (ImageDecoder decoder : List.of(RGB, new ImageDecoder(ImageDecoder.Options.DEFAULT.withPreprocess(centre)))) {
      var e = assertThrows(BadRecordException.class, () -> decoder.decode("cut.jpg", cut));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void greyPreprocessingNeedsOneMeanAndStd() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ImageDecoder.Options.DEFAULT.withChannels(1).withPreprocess(Preprocess.IMAGENET));
    assertTrue(e.getMessage().contains("does not fit 1-channel images"), e.getMessage());
  }

  static NpyArray decode(ImageDecoder decoder, String file) {
    return decoder.decode(file, Fixtures.bytes(file)).get(0).array();
  }
}
