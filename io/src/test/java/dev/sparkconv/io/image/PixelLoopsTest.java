package dev.sparkconv.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector loops give the scalar loops' bytes (the scalar ones are checked against Pillow by the
 * fixture tests): odd widths that leave tails, shrinking and enlarging, both filters, and windows; a shrink by
 * less than about 2 reads each block's taps from one window of input, a larger one gathers them (the last cases).
 */
class PixelLoopsTest {
  private static final PixelLoops SCALAR = new ScalarPixelLoops();
  private static final PixelLoops VECTOR = new VectorPixelLoops();

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0}x{1} to {2}x{3} {4}, window at ({5},{6}) of {7}x{8}")
  @CsvSource({
      "37, 53, 17, 29, BILINEAR, 0, 0, 17, 29",
      "300, 451, 256, 384, BILINEAR, 16, 80, 224, 224",
      "224, 224, 256, 256, BILINEAR, 16, 16, 224, 224",
      "61, 45, 131, 97, BICUBIC, 3, 5, 120, 77",
      "500, 333, 341, 227, BICUBIC, 58, 1, 224, 224",
      "1, 70, 5, 33, BILINEAR, 0, 0, 5, 33",
      "90, 3, 40, 1, BICUBIC, 0, 0, 40, 1",
      "40, 613, 20, 160, BILINEAR, 0, 0, 20, 160",
      "40, 613, 20, 101, BICUBIC, 0, 3, 20, 97"})
  void resizeRowsMatchTheScalarLoops(int h, int w, int oh, int ow, PilResize.Filter filter, int top, int left,
      int wh, int ww) {
    byte[] src = random(3 * h * w, h * 31L + w);
    ResizeTaps cols = ResizeTaps.of(w, ow, filter, left, ww);
    byte[] scalar = new byte[3 * h * ww];
    byte[] vector = new byte[3 * h * ww];
    for (int c = 0; c < 3; c++) {
      SCALAR.horizontal(src, c * h * w, w, h, cols, scalar, c * h * ww);
      VECTOR.horizontal(src, c * h * w, w, h, cols, vector, c * h * ww);
    }
    assertArrayEquals(scalar, vector, "horizontal");

    ResizeTaps rows = ResizeTaps.of(h, oh, filter, top, wh);
    int first = rows.min()[0];
    byte[] vs = new byte[wh * w];
    byte[] vv = new byte[wh * w];
    SCALAR.vertical(src, first * w, w, first, rows, vs, 0);
    VECTOR.vertical(src, first * w, w, first, rows, vv, 0);
    assertArrayEquals(vs, vv, "vertical");
  }

  @ParameterizedTest(name = "{0}x{1}, rows {2} bytes apart")
  @CsvSource({"1, 1, 3", "7, 5, 21", "16, 3, 50", "33, 17, 99", "449, 31, 1350"})
  void ycbcrMatchesTheScalarLoops(int w, int h, int stride) {
    byte[] src = random(stride * h + 7, w * 7919L + h);
    byte[] scalar = new byte[3 * w * h];
    byte[] vector = new byte[3 * w * h];
    SCALAR.ycbcrToRgb(src, 7, stride, w, h, scalar);
    VECTOR.ycbcrToRgb(src, 7, stride, w, h, vector);
    assertArrayEquals(scalar, vector);
  }
}
