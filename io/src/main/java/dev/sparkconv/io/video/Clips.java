package dev.sparkconv.io.video;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder.Sample;
import dev.sparkconv.io.NpyArray;
import java.util.ArrayList;
import java.util.List;

/** Cuts a video's RGB frames into {@code C x T x H x W} uint8 clips, shared by the file and frame-folder decoders. */
public final class Clips {
  private Clips() {}

  /**
   * {@code frames}: every frame of one video in display order, {@code height x width x 3} interleaved RGB. Clip ids
   * are {@code id#<index of the clip's first frame>}. A video too short for one clip is a bad record: it would
   * otherwise vanish from the output without a trace.
   */
  public static List<Sample> cut(String id, List<byte[]> frames, int height, int width, ClipSpec spec) {
    int clips = spec.clipCount(frames.size());
    if (clips == 0) {
      throw new BadRecordException(id, "content", "has " + frames.size() + " frames, fewer than a clip of "
          + spec.clipLength() + " frames at stride " + spec.frameStride() + " needs (" + spec.span() + ")");
    }
    int plane = height * width;
    int length = spec.clipLength();
    List<Sample> out = new ArrayList<>(clips);
    for (int c = 0; c < clips; c++) {
      byte[] chw = new byte[Math.multiplyExact(3 * length, plane)];
      for (int t = 0; t < length; t++) {
        byte[] rgb = frames.get(spec.frame(c, t));
        for (int p = 0, i = 0; p < plane; p++, i += 3) {
          chw[t * plane + p] = rgb[i];
          chw[(length + t) * plane + p] = rgb[i + 1];
          chw[(2 * length + t) * plane + p] = rgb[i + 2];
        }
      }
      out.add(new Sample(id + "#" + spec.frame(c, 0), new NpyArray(new int[] {3, length, height, width}, NpyArray.UINT8, chw)));
    }
    return out;
  }

  /**
   * One RGB frame at the spec's size, or the frame itself when the spec keeps the size. Plain bilinear with
   * half-pixel centres (OpenCV's INTER_LINEAR, torch's align_corners=False), no antialiasing: the one place to
   * swap in another filter.
   */
  public static byte[] resize(byte[] rgb, int height, int width, ClipSpec spec) {
    if (!spec.resizes() || (spec.height() == height && spec.width() == width)) {
      return rgb;
    }
    int outH = spec.height();
    int outW = spec.width();
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] fx = new float[outW];
    for (int x = 0; x < outW; x++) {
      float src = Math.max(0f, (x + 0.5f) * width / outW - 0.5f);
      x0[x] = Math.min((int) src, width - 1);
      x1[x] = Math.min(x0[x] + 1, width - 1);
      fx[x] = src - x0[x];
    }
    byte[] out = new byte[outH * outW * 3];
    for (int y = 0; y < outH; y++) {
      float src = Math.max(0f, (y + 0.5f) * height / outH - 0.5f);
      int y0 = Math.min((int) src, height - 1);
      int y1 = Math.min(y0 + 1, height - 1);
      float fy = src - y0;
      for (int x = 0; x < outW; x++) {
        for (int ch = 0; ch < 3; ch++) {
          float top = lerp(rgb[(y0 * width + x0[x]) * 3 + ch], rgb[(y0 * width + x1[x]) * 3 + ch], fx[x]);
          float bottom = lerp(rgb[(y1 * width + x0[x]) * 3 + ch], rgb[(y1 * width + x1[x]) * 3 + ch], fx[x]);
          out[(y * outW + x) * 3 + ch] = (byte) (int) (top + (bottom - top) * fy + 0.5f);
        }
      }
    }
    return out;
  }

  private static float lerp(byte a, byte b, float f) {
    int ia = a & 0xFF;
    return ia + ((b & 0xFF) - ia) * f;
  }
}
