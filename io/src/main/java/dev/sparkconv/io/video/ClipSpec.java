package dev.sparkconv.io.video;

import java.io.Serializable;

/**
 * How a video's frames become clips: clip {@code i} holds frames {@code i*clipStride + t*frameStride} for
 * {@code t < clipLength}, so one clip spans {@code (clipLength-1)*frameStride + 1} frames (torchvision's
 * {@code VideoClips} convention). Clips that would run past the last frame are not made. {@code height} and
 * {@code width} resize every frame; 0 and 0 keep the video's size.
 */
public record ClipSpec(int clipLength, int frameStride, int clipStride, int height, int width) implements Serializable {
  public ClipSpec {
    positive("clipLength", clipLength);
    positive("frameStride", frameStride);
    positive("clipStride", clipStride);
    if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
      throw new IllegalArgumentException("size must be two positive numbers (or 0,0 to keep the video's size), got "
          + height + "," + width);
    }
  }

  /** Non-overlapping clips ({@code clipStride = clipLength * frameStride}) at the video's own size. */
  public static ClipSpec of(int clipLength, int frameStride) {
    return new ClipSpec(clipLength, frameStride, Math.multiplyExact(clipLength, frameStride), 0, 0);
  }

  public ClipSpec withClipStride(int clipStride) {
    return new ClipSpec(clipLength, frameStride, clipStride, height, width);
  }

  public ClipSpec withSize(int height, int width) {
    return new ClipSpec(clipLength, frameStride, clipStride, height, width);
  }

  /** Frames one clip covers, first to last. */
  public int span() {
    return Math.addExact(Math.multiplyExact(clipLength - 1, frameStride), 1);
  }

  /** Clips that fit in {@code frames} frames. */
  public int clipCount(int frames) {
    return frames < span() ? 0 : (frames - span()) / clipStride + 1;
  }

  /** Index in the video of frame {@code t} of clip {@code clip}. */
  public int frame(int clip, int t) {
    return clip * clipStride + t * frameStride;
  }

  public boolean resizes() {
    return height > 0;
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
