package dev.sparkconv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkconv.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two grey 1x2 filters drawn at scale 1: each min-max scaled on its own, 1-pixel black gaps around tiles. */
class FilterGridTest {
  @TempDir
  Path tmp;

  @Test
  void eachFilterIsScaledOnItsOwnBetweenOnePixelGaps() throws Exception {
    Tensor bank = Tensor.wrap(new float[] {-1, 3, 10, 5}, 2, 1, 1, 2);
    BufferedImage image = FilterGrid.render(bank, 1);
    assertEquals(2 * (2 + 1) + 1, image.getWidth()); // two columns of 2-pixel tiles
    assertEquals(1 + 1 + 1, image.getHeight());
    assertEquals(0x000000, image.getRGB(1, 1) & 0xFFFFFF); // -1, the first filter's min
    assertEquals(0xFFFFFF, image.getRGB(2, 1) & 0xFFFFFF); // 3, its max
    assertEquals(0xFFFFFF, image.getRGB(4, 1) & 0xFFFFFF); // 10, the second filter's max
    assertEquals(0x000000, image.getRGB(5, 1) & 0xFFFFFF); // 5, its min
    assertEquals(0x000000, image.getRGB(3, 1) & 0xFFFFFF); // the gap
    Path png = tmp.resolve("bank.png");
    FilterGrid.write(bank, 3, png);
    assertEquals(2 * (6 + 1) + 1, javax.imageio.ImageIO.read(png.toFile()).getWidth());
  }
}
