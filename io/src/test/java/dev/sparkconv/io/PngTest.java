package dev.sparkconv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {
  @TempDir
  Path tmp;

  @Test
  void rgbRowsWriteTheirValuesTimesTheScaleAndReadBackThroughImageIo() throws Exception {
    int h = 3;
    int w = 5;
    float[] data = new float[3 * h * w];
    for (int i = 0; i < data.length; i++) {
      data[i] = (i * 37 % 256) / 255f;
    }
    Path file = tmp.resolve("sub/rgb.png");
    Png.write(file, new int[] {3, h, w}, data, 255f);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(w, image.getWidth());
    assertEquals(h, image.getHeight());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          int expected = (c * h * w + y * w + x) * 37 % 256;
          assertEquals(expected, rgb >> (16 - 8 * c) & 0xFF, "c" + c + " y" + y + " x" + x);
        }
      }
    }
  }

  @Test
  void autoScaleStretchesMinToBlackAndMaxToWhite() throws Exception {
    Path file = tmp.resolve("grey.png");
    Png.write(file, new int[] {1, 1, 3}, new float[] {-2, 0, 2}, null);
    var raster = ImageIO.read(file.toFile()).getRaster();
    assertEquals(0, raster.getSample(0, 0, 0));
    assertEquals(128, raster.getSample(1, 0, 0));
    assertEquals(255, raster.getSample(2, 0, 0));
  }

  @Test
  void onlyImageShapesArePngs() {
    assertNull(Png.refusal(new int[] {4, 5}));
    assertNull(Png.refusal(new int[] {1, 4, 5}));
    assertTrue(Png.refusal(new int[] {21, 4, 5}).contains("(21, 4, 5) is not an image"));
    assertTrue(Png.refusal(new int[] {10}).contains("is not an image"));
  }
}
