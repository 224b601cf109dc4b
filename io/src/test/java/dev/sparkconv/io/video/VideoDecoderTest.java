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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clips made by Debian's ffmpeg/libx264 (scripts/gen_video_fixtures.py) against ffmpeg's own decode. H.264
 * decoding is bit-exact by the standard and {@link YuvToRgb} reproduces ffmpeg's conversion, so the frames must be
 * equal: tolerance 0.
 */
class VideoDecoderTest {
  static final int TOLERANCE = 0;

  /** Every frame as one clip, compared with ffmpeg's frames; prints max and mean absolute difference. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"baseline.mp4, 16", "main_56x40.mp4, 20", "high.mp4, 16", "high.mov, 16", "bt709.mp4, 8"})
  void framesMatchFfmpeg(String clip, int frames) {
    NpyArray expected = ffmpegFrames(clip.replace(".mov", ".mp4"));
    List<Sample> out = new VideoDecoder(ClipSpec.of(frames, 1)).decode(clip, bytes(clip));
    assertEquals(1, out.size());
    assertEquals(clip + "#0", out.get(0).id());
    int[] s = expected.shape();
    assertArrayEquals(new int[] {3, s[0], s[1], s[2]}, out.get(0).array().shape());
    byte[] cthw = out.get(0).array().data();
    int max = 0;
    long sum = 0;
    for (int c = 0, i = 0; c < 3; c++) {
      for (int t = 0; t < s[0]; t++) {
        for (int y = 0; y < s[1]; y++) {
          for (int x = 0; x < s[2]; x++, i++) {
            int d = Math.abs((cthw[i] & 0xFF) - at(expected, t, c, y, x));
            max = Math.max(max, d);
            sum += d;
          }
        }
      }
    }
    System.out.printf("%s: max |diff| %d, mean |diff| %.4f over %d values%n", clip, max, (double) sum / cthw.length, cthw.length);
    assertTrue(max <= TOLERANCE, clip + ": max difference " + max);
  }

  @Test
  void jcodecPlanesEqualFfmpegsDecodedPlanes() throws Exception {
    NpyArray yuv = dev.sparkconv.io.Npy.read(VideoFixtures.path("baseline.yuv.npy"));
    int frameBytes = yuv.shape()[1];
    try (Mp4Stream stream = Mp4Stream.open("baseline.mp4", bytes("baseline.mp4"))) {
      for (int t = 0; t < 16; t++) {
        var picture = stream.next().picture();
        byte[] ours = new byte[frameBytes];
        int at = 0;
        for (int p = 0; p < 3; p++) {
          for (byte b : Arrays.copyOf(picture.getPlaneData(p), picture.getPlaneWidth(p) * picture.getPlaneHeight(p))) {
            ours[at++] = (byte) (b + 128); // JCodec keeps samples minus 128
          }
        }
        assertArrayEquals(Arrays.copyOfRange(yuv.data(), t * frameBytes, (t + 1) * frameBytes), ours, "frame " + t);
      }
    }
  }

  @Test
  void conversionOfFfmpegsPlanesEqualsFfmpegsRgb() throws Exception {
    NpyArray yuv = dev.sparkconv.io.Npy.read(VideoFixtures.path("baseline.yuv.npy"));
    NpyArray rgb = ffmpegFrames("baseline.mp4");
    int w = 64;
    int h = 48;
    var convert = new YuvToRgb(2, false);
    for (int t = 0; t < 16; t++) {
      byte[] f = Arrays.copyOfRange(yuv.data(), t * w * h * 3 / 2, (t + 1) * w * h * 3 / 2);
      for (int i = 0; i < f.length; i++) {
        f[i] -= (byte) 128;
      }
      byte[] out = new byte[w * h * 3];
      convert.convert(f, Arrays.copyOfRange(f, w * h, w * h * 5 / 4), Arrays.copyOfRange(f, w * h * 5 / 4, f.length),
          w, 0, 0, w, h, out);
      assertArrayEquals(Arrays.copyOfRange(rgb.data(), t * w * h * 3, (t + 1) * w * h * 3), out, "frame " + t);
    }
  }

  /** Clip k holds frames[k*K : k*K + T*S : S] of ffmpeg's frames (numpy's slicing), channels first. */
  @ParameterizedTest(name = "T{0} S{1} K{2} -> {3} clips")
  @CsvSource({"4, 2, 3, 5", "4, 2, 8, 2", "5, 1, 5, 4", "20, 1, 1, 1", "1, 1, 7, 3"})
  void slicesClipsByLengthFrameStrideAndClipStride(int length, int frameStride, int clipStride, int count) {
    NpyArray frames = ffmpegFrames("main_56x40.mp4");
    var spec = new ClipSpec(length, frameStride, clipStride, 0, 0);
    List<Sample> out = new VideoDecoder(spec).decode("v/main.mp4", bytes("main_56x40.mp4"));
    assertEquals(count, out.size());
    for (int k = 0; k < count; k++) {
      assertEquals("v/main.mp4#" + k * clipStride, out.get(k).id());
      assertArrayEquals(new int[] {3, length, 40, 56}, out.get(k).array().shape());
      byte[] cthw = out.get(k).array().data();
      for (int c = 0, i = 0; c < 3; c++) {
        for (int t = 0; t < length; t++) {
          for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 56; x++, i++) {
              assertEquals(at(frames, k * clipStride + t * frameStride, c, y, x), cthw[i] & 0xFF);
            }
          }
        }
      }
    }
  }

  @Test
  void defaultClipStrideMakesNonOverlappingClips() {
    List<Sample> out = new VideoDecoder(ClipSpec.of(4, 2)).decode("a.mp4", bytes("baseline.mp4"));
    assertEquals(List.of("a.mp4#0", "a.mp4#8"), out.stream().map(Sample::id).toList());
  }

  /** Halving with half-pixel centres samples each output pixel midway in a 2x2 block: the block's mean. */
  @Test
  void resizeToHalfSizeAveragesTwoByTwoBlocks() {
    NpyArray frames = ffmpegFrames("baseline.mp4");
    Sample clip = new VideoDecoder(ClipSpec.of(2, 1).withSize(24, 32)).decode("b.mp4", bytes("baseline.mp4")).get(0);
    assertArrayEquals(new int[] {3, 2, 24, 32}, clip.array().shape());
    byte[] cthw = clip.array().data();
    int worst = 0;
    for (int c = 0, i = 0; c < 3; c++) {
      for (int t = 0; t < 2; t++) {
        for (int y = 0; y < 24; y++) {
          for (int x = 0; x < 32; x++, i++) {
            double mean = (at(frames, t, c, 2 * y, 2 * x) + at(frames, t, c, 2 * y, 2 * x + 1)
                + at(frames, t, c, 2 * y + 1, 2 * x) + at(frames, t, c, 2 * y + 1, 2 * x + 1)) / 4.0;
            worst = (int) Math.max(worst, Math.abs((cthw[i] & 0xFF) - mean) * 4);
          }
        }
      }
    }
    assertTrue(worst <= 2, "off by " + worst / 4.0 + " levels, more than rounding"); // mean of 4 rounds by <= 0.5
  }

  @Test
  void videoShorterThanOneClipIsABadRecord() {
    var e = assertThrows(BadRecordException.class,
        () -> new VideoDecoder(ClipSpec.of(9, 2)).decode("short.mp4", bytes("baseline.mp4")));
    assertEquals("short.mp4", e.recordId());
    assertTrue(e.getMessage().contains("has 16 frames, fewer than a clip of 9 frames at stride 2 needs (17)"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "high10.mp4 | JCodec 0.2.5 cannot decode | High bit depth",
      "high422.mp4 | JCodec 0.2.5 cannot decode | color",
      "interlaced.mp4 | JCodec 0.2.5 cannot decode | MBAFF",
      "truncated_data.mp4 | is truncated | of its 16 frames are there",
      "truncated_index.mp4 | is not a readable MP4/MOV file | Could not find movie",
      "not_video.mp4 | is not an MP4/MOV file | no ISO media boxes"})
  void undecodableFileIsABadRecordWithTheReason(String file, String problem, String detail) {
    var e = assertThrows(BadRecordException.class, () -> new VideoDecoder(ClipSpec.of(1, 1)).decode(file, bytes(file)));
    assertEquals(file, e.recordId());
    assertTrue(e.getMessage().contains(problem) && e.getMessage().contains(detail), e.getMessage());
  }

  @Test
  void emptyFileIsABadRecord() {
    var e = assertThrows(BadRecordException.class, () -> new VideoDecoder(ClipSpec.of(1, 1)).decode("z.mp4", new byte[0]));
    assertTrue(e.getMessage().contains("is empty (0 bytes)"), e.getMessage());
  }

  @Test
  void moreFramePixelsThanTheLimitIsABadRecordBeforeDecoding() {
    var decoder = new VideoDecoder(ClipSpec.of(1, 1), Duration.ofSeconds(60), 16 * 64 * 48 - 1);
    var e = assertThrows(BadRecordException.class, () -> decoder.decode("big.mp4", bytes("baseline.mp4")));
    assertTrue(e.getMessage().contains("has 16 frames of 64x48: 49152 pixels, over the limit of 49151"), e.getMessage());
  }

  @Test
  void decodePastTheTimeLimitIsABadRecordAndItsWorkerEnds() throws InterruptedException {
    var decoder = new VideoDecoder(ClipSpec.of(1, 1), Duration.ofNanos(1000), VideoDecoder.DEFAULT_MAX_PIXELS);
    var e = assertThrows(BadRecordException.class, () -> decoder.decode("slow.mp4", bytes("high.mp4")));
    assertTrue(e.getMessage().contains("decode did not finish within 0.000001 s"), e.getMessage());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("sparkconv-video-decode slow.mp4")) {
        assertTrue(t.isDaemon());
        t.join(10_000);
        assertTrue(!t.isAlive(), "the abandoned worker stops");
      }
    }
  }

  /**
   * Two slices per frame make JCodec decode slices on a pool of its own (on more than one core); no thread of it
   * may outlive the file. (Without Mp4Stream.close the pool's threads stay alive and this fails.)
   */
  @Test
  void jcodecSliceThreadsEndWithTheDecode() throws InterruptedException {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    new VideoDecoder(ClipSpec.of(16, 1)).decode("high.mp4", bytes("high.mp4"));
    Set<Thread> started = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.getName().startsWith("pool-")).collect(Collectors.toSet());
    for (Thread t : started) {
      t.join(10_000);
      assertTrue(!t.isAlive(), t.getName() + " still runs");
    }
  }

  @Test
  void ourOwnBugIsNotABadRecord() {
    assertThrows(NullPointerException.class, () -> new VideoDecoder(ClipSpec.of(1, 1)).decode("x.mp4", null));
  }
}
