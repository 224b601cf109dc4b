package dev.sparkconv.io;

import dev.sparkconv.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A convolution weight (O, C, kh, kw) as one picture: a near-square grid of filters, each min-max
 * scaled on its own to 0..255, drawn {@code scale} pixels per weight with 1-pixel gaps. Three input
 * channels are RGB; any other count shows each channel of each filter as its own grey tile.
 */
public final class FilterGrid {
  private FilterGrid() {}

  public static BufferedImage render(Tensor weight, int scale) {
    int[] s = weight.shape();
    if (s.length != 4 || scale < 1) {
      throw new IllegalArgumentException("a filter bank is (O, C, kh, kw) drawn at scale >= 1, not "
          + java.util.Arrays.toString(s) + " at " + scale);
    }
    boolean rgb = s[1] == 3;
    int tiles = rgb ? s[0] : s[0] * s[1];
    int channels = rgb ? 3 : 1;
    int kh = s[2];
    int kw = s[3];
    int tileSize = channels * kh * kw;
    int cols = (int) Math.ceil(Math.sqrt(tiles));
    int rows = (tiles + cols - 1) / cols;
    BufferedImage image = new BufferedImage(cols * (kw * scale + 1) + 1, rows * (kh * scale + 1) + 1,
        BufferedImage.TYPE_INT_RGB);
    float[] w = weight.data();
    for (int t = 0; t < tiles; t++) {
      int base = t * tileSize;
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = base; i < base + tileSize; i++) {
        min = Math.min(min, w[i]);
        max = Math.max(max, w[i]);
      }
      float range = max > min ? max - min : 1;
      int x0 = 1 + t % cols * (kw * scale + 1);
      int y0 = 1 + t / cols * (kh * scale + 1);
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          int rgbValue = 0;
          for (int c = 0; c < 3; c++) {
            float v = w[base + (rgb ? c : 0) * kh * kw + y * kw + x];
            rgbValue = rgbValue << 8 | Math.round(255 * (v - min) / range);
          }
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              image.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgbValue);
            }
          }
        }
      }
    }
    return image;
  }

  public static void write(Tensor weight, int scale, Path png) throws IOException {
    if (!javax.imageio.ImageIO.write(render(weight, scale), "png", png.toFile())) {
      throw new IOException("no PNG writer in this JVM for " + png);
    }
  }
}
