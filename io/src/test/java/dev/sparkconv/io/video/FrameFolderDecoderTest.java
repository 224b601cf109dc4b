package dev.sparkconv.io.video;

import static dev.sparkconv.io.video.VideoFixtures.at;
import static dev.sparkconv.io.video.VideoFixtures.bytes;
import static dev.sparkconv.io.video.VideoFixtures.ffmpegFrames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder.Sample;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.io.video.FrameFolderDecoder.Frame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** frames_56x40/ holds ffmpeg's lossless PNGs of main_56x40.mp4's first 10 frames, so clips equal its rgb24 frames. */
class FrameFolderDecoderTest {
  static List<Frame> folder() {
    List<Frame> frames = new ArrayList<>();
    for (int i = 10; i >= 1; i--) { // reversed: the decoder orders frames by name
      String name = String.format("%03d.png", i);
      frames.add(new Frame(name, bytes("frames_56x40/" + name)));
    }
    return frames;
  }

  @Test
  void pngFramesInNameOrderMakeTheVideosClips() {
    NpyArray expected = ffmpegFrames("main_56x40.mp4");
    List<Sample> out = new FrameFolderDecoder(new ClipSpec(3, 2, 4, 0, 0)).decode("clips/main", folder());
    assertEquals(List.of("clips/main#0", "clips/main#4"), out.stream().map(Sample::id).toList());
    for (int k = 0; k < 2; k++) {
      assertArrayEquals(new int[] {3, 3, 40, 56}, out.get(k).array().shape());
      byte[] cthw = out.get(k).array().data();
      for (int c = 0, i = 0; c < 3; c++) {
        for (int t = 0; t < 3; t++) {
          for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 56; x++, i++) {
              assertEquals(at(expected, 4 * k + 2 * t, c, y, x), cthw[i] & 0xFF);
            }
          }
        }
      }
    }
  }

  @Test
  void resizedFramesHaveTheSpecsSize() {
    List<Sample> out = new FrameFolderDecoder(ClipSpec.of(10, 1).withSize(20, 28)).decode("f", folder());
    assertArrayEquals(new int[] {3, 10, 20, 28}, out.get(0).array().shape());
  }

  @Test
  void aFrameThatIsNoImageMakesTheFolderABadRecordNamingTheFrame() {
    List<Frame> frames = folder();
    frames.set(3, new Frame("007.png", bytes("not_video.mp4")));
    var e = assertThrows(BadRecordException.class, () -> new FrameFolderDecoder(ClipSpec.of(2, 1)).decode("f", frames));
    assertEquals("f", e.recordId());
    assertEquals("007.png", e.field());
    assertTrue(e.getMessage().contains("is not an image in a supported format"), e.getMessage());
  }

  @Test
  void tooFewFramesForOneClipIsABadRecord() {
    var e = assertThrows(BadRecordException.class, () -> new FrameFolderDecoder(ClipSpec.of(6, 2)).decode("f", folder()));
    assertTrue(e.getMessage().contains("has 10 frames, fewer than a clip of 6 frames at stride 2 needs (11)"), e.getMessage());
  }
}
