package dev.sparkconv.io.video;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The clips and ffmpeg's decodes under resources/video/, written by scripts/gen_video_fixtures.py. */
final class VideoFixtures {
  private VideoFixtures() {}

  static Path path(String name) {
    try {
      return Path.of(VideoFixtures.class.getResource("/video/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ffmpeg's rgb24 frames of a clip: T x H x W x 3 uint8. */
  static NpyArray ffmpegFrames(String clip) {
    try {
      return Npy.read(path(clip.substring(0, clip.lastIndexOf('.')) + ".rgb.npy"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Value of channel {@code c} at (y, x) of frame {@code t} of an ffmpeg T x H x W x 3 array. */
  static int at(NpyArray thwc, int t, int c, int y, int x) {
    int[] s = thwc.shape();
    return thwc.data()[((t * s[1] + y) * s[2] + x) * 3 + c] & 0xFF;
  }
}
