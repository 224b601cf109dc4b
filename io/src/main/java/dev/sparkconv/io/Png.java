package dev.sparkconv.io;

import dev.sparkconv.tensor.Shapes;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image-shaped tensors as 8-bit PNG: (H, W) and (1, H, W) as greyscale, (3, H, W) as RGB. Values map
 * to 0..255 by {@code round(v * scale)}, clamped; a null scale stretches each image's own min..max.
 */
public final class Png {
  private Png() {}

  /** Why {@code shape} cannot be a PNG, or null when it can. */
  public static String refusal(int[] shape) {
    boolean ok = shape.length == 2 || shape.length == 3 && (shape[0] == 1 || shape[0] == 3);
    return ok ? null : "shape " + Shapes.format(shape) + " is not an image: PNG takes (H, W), (1, H, W) or (3, H, W)";
  }

  public static void write(Path file, int[] shape, float[] data, Float scale) throws IOException {
    String refusal = refusal(shape);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
    int channels = shape.length == 2 ? 1 : shape[0];
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    float lo = 0;
    float factor = scale == null ? 1 : scale;
    if (scale == null) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (float v : data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      lo = min;
      factor = max > min ? 255f / (max - min) : 0;
    }
    BufferedImage image = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_3BYTE_BGR);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int plane = h * w;
    for (int c = 0; c < channels; c++) {
      int slot = channels == 1 ? 0 : 2 - c; // TYPE_3BYTE_BGR stores B, G, R
      for (int i = 0; i < plane; i++) {
        int v = Math.round((data[c * plane + i] - lo) * factor);
        pixels[i * channels + slot] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IllegalStateException("no PNG writer in ImageIO");
    }
  }
}
