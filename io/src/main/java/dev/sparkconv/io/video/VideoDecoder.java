package dev.sparkconv.io.video;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * MP4/MOV files with an H.264 track (progressive, 8-bit 4:2:0, baseline/main/high: what JCodec 0.2.5 decodes) to
 * {@code 3 x T x H x W} uint8 RGB clips cut by a {@link ClipSpec}, ids {@code <id>#<first frame>}. Colours as
 * ffmpeg's {@code -pix_fmt rgb24} ({@link YuvToRgb}). Frames are numbered in display order (by timestamp).
 *
 * <p>JCodec is slow and can loop on odd streams, so each file decodes on its own daemon thread under a time
 * limit; past it the caller gets a {@link BadRecordException} and the worker is interrupted (it stops at the next
 * frame; one stuck inside a frame runs on as a daemon, holding no lock and blocking no task). Streams JCodec
 * refuses or breaks on, truncated and non-video files are bad records too, and so is a file whose frames
 * ({@code frames x H x W} at the output size, or the clips made of them) would pass {@code maxPixels}: checked
 * from the header before a pixel is decoded.
 */
public final class VideoDecoder implements FileDecoder {
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(60);
  /** 64 Mi pixels, 192 MiB of RGB: 5000 frames at 112x112, 200 at 640x480. */
  public static final long DEFAULT_MAX_PIXELS = 1L << 26;

  private final ClipSpec clips;
  private final Duration timeLimit;
  private final long maxPixels;

  public VideoDecoder(ClipSpec clips) {
    this(clips, DEFAULT_TIME_LIMIT, DEFAULT_MAX_PIXELS);
  }

  public VideoDecoder(ClipSpec clips, Duration timeLimit, long maxPixels) {
    if (timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("timeLimit must be positive, got " + timeLimit);
    }
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    this.clips = clips;
    this.timeLimit = timeLimit;
    this.maxPixels = maxPixels;
  }

  @Override
  public List<Sample> decode(String id, byte[] content) {
    FutureTask<List<Sample>> task = new FutureTask<>(() -> decodeNow(id, content));
    Thread worker = new Thread(task, "sparkconv-video-decode " + id);
    worker.setDaemon(true); // a decode stuck in JCodec must not keep the executor's JVM alive
    worker.start();
    try {
      return task.get(timeLimit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new BadRecordException(id, "content", "decode did not finish within "
          + BigDecimal.valueOf(timeLimit.toNanos(), 9).stripTrailingZeros().toPlainString() + " s");
    } catch (InterruptedException e) { // the task itself is being killed: not the file's fault
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding '" + id + "'", e);
    } catch (ExecutionException e) { // the worker's own exception, bad record or bug, unchanged
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private List<Sample> decodeNow(String id, byte[] content) {
    try (Mp4Stream stream = Mp4Stream.open(id, content)) {
      int height = clips.resizes() ? clips.height() : stream.displayHeight();
      int width = clips.resizes() ? clips.width() : stream.displayWidth();
      long frame = (long) height * width;
      checkPixels(id, stream.frames() + " frames of " + width + "x" + height, stream.frames() * frame);
      checkPixels(id, "clips of " + clips.clipLength() + " frames of " + width + "x" + height,
          (long) clips.clipCount(stream.frames()) * clips.clipLength() * frame);
      checkPixels(id, "a coded picture", stream.codedPixels());
      List<Timed> frames = new ArrayList<>(stream.frames());
      for (Mp4Stream.Decoded d; (d = stream.next()) != null; ) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("time limit passed"); // nobody waits for the result any more
        }
        frames.add(new Timed(d.pts(), Clips.resize(stream.rgb(), stream.displayHeight(), stream.displayWidth(), clips)));
      }
      frames.sort(Comparator.comparingDouble(Timed::pts)); // decode order -> display order (B-frames)
      return Clips.cut(id, frames.stream().map(Timed::rgb).toList(), height, width, clips);
    }
  }

  private void checkPixels(String id, String what, long pixels) {
    if (pixels > maxPixels) {
      throw new BadRecordException(id, "content", "has " + what + ": " + pixels + " pixels, over the limit of " + maxPixels);
    }
  }

  private record Timed(double pts, byte[] rgb) {}
}
