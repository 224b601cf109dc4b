package dev.sparkconv.io.video;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder.Sample;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A folder of frame images, one video, to the same clips as {@link VideoDecoder}: frames in file-name order
 * (plain string order, so number them with leading zeros as ffmpeg's {@code %03d.png} does), ids
 * {@code <folder>#<first frame>}. Each frame is read by the JDK's ImageIO; greyscale is replicated to RGB, alpha
 * dropped. An unreadable frame, or frames of different sizes, make the whole folder a bad record.
 */
public final class FrameFolderDecoder implements Serializable {
  /** One image file of the folder. */
  public record Frame(String name, byte[] content) {}

  private final ClipSpec clips;

  public FrameFolderDecoder(ClipSpec clips) {
    this.clips = clips;
  }

  public List<Sample> decode(String folderId, List<Frame> frames) {
    List<Frame> sorted = new ArrayList<>(frames);
    sorted.sort(Comparator.comparing(Frame::name));
    List<byte[]> rgb = new ArrayList<>(sorted.size());
    int height = 0;
    int width = 0;
    for (Frame frame : sorted) {
      BufferedImage image = read(folderId, frame);
      if (rgb.isEmpty()) {
        height = image.getHeight();
        width = image.getWidth();
      } else if (image.getHeight() != height || image.getWidth() != width) {
        throw new BadRecordException(folderId, frame.name(), "is " + image.getWidth() + "x" + image.getHeight()
            + " but the folder's first frame is " + width + "x" + height);
      }
      rgb.add(Clips.resize(rgbOf(image), height, width, clips));
    }
    int outH = clips.resizes() ? clips.height() : height;
    int outW = clips.resizes() ? clips.width() : width;
    return Clips.cut(folderId, rgb, outH, outW, clips);
  }

  /** The one place an image decoder is called, to be replaced by the images package's. */
  private static BufferedImage read(String folderId, Frame frame) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.content()));
      if (image == null) {
        throw new BadRecordException(folderId, frame.name(), "is not an image format ImageIO reads");
      }
      return image;
    } catch (IOException e) {
      throw new BadRecordException(folderId, frame.name(), "cannot be decoded: " + e);
    }
  }

  private static byte[] rgbOf(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    byte[] rgb = new byte[h * w * 3];
    Raster raster = image.getRaster();
    if (raster.getNumBands() == 1 && raster.getSampleModel().getSampleSize(0) == 8) {
      // getRGB would push grey through a colour conversion that changes the values
      int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
      for (int i = 0; i < grey.length; i++) {
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) grey[i];
      }
      return rgb;
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return rgb;
  }
}
