package dev.sparkconv.io.video;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder.Sample;
import dev.sparkconv.io.image.ImageDecoder;
import dev.sparkconv.io.image.Planar;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A folder of frame images, one video, to the same clips as {@link VideoDecoder}: frames in file-name order
 * (plain string order, so number them with leading zeros as ffmpeg's {@code %03d.png} does), ids
 * {@code <folder>#<first frame>}. Each frame is decoded as {@link ImageDecoder} decodes an image (as PIL does;
 * greyscale replicated to RGB, alpha dropped). An unreadable frame, or frames of different sizes, make the whole folder a bad record.
 */
public final class FrameFolderDecoder implements Serializable {
  /** One image file of the folder. */
  public record Frame(String name, byte[] content) {}

  private static final ImageDecoder IMAGES = new ImageDecoder(); // RGB, as PIL decodes, EXIF orientation applied

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
      Planar image = read(folderId, frame);
      if (rgb.isEmpty()) {
        height = image.height();
        width = image.width();
      } else if (image.height() != height || image.width() != width) {
        throw new BadRecordException(folderId, frame.name(), "is " + image.width() + "x" + image.height()
            + " but the folder's first frame is " + width + "x" + height);
      }
      rgb.add(Clips.resize(interleaved(image), height, width, clips));
    }
    int outH = clips.resizes() ? clips.height() : height;
    int outW = clips.resizes() ? clips.width() : width;
    return Clips.cut(folderId, rgb, outH, outW, clips);
  }

  /** One frame; its defect makes the whole folder (the video) the bad record. */
  private static Planar read(String folderId, Frame frame) {
    try {
      return IMAGES.decodePixels(folderId + "/" + frame.name(), frame.content());
    } catch (BadRecordException e) {
      throw new BadRecordException(folderId, frame.name(), "cannot be decoded: " + e.getMessage());
    }
  }

  /** Planar C x H x W to the interleaved H x W x 3 that the clip cutter takes. */
  private static byte[] interleaved(Planar image) {
    int plane = image.height() * image.width();
    byte[] rgb = new byte[plane * 3];
    byte[] data = image.data();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        rgb[3 * i + c] = data[c * plane + i];
      }
    }
    return rgb;
  }
}
