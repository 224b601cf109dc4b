package dev.sparkconv.io.video;

import dev.sparkconv.io.BadRecordException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * The H.264 video track of an MP4/MOV file in memory, decoded frame by frame by JCodec 0.2.5. This class is the
 * JCodec boundary: every JCodec failure (its IOExceptions, its RuntimeExceptions for unsupported streams, the
 * index errors a corrupt stream provokes inside it) becomes a {@link BadRecordException} here, and only the
 * JCodec calls sit inside those try blocks, so a bug of ours still propagates.
 */
final class Mp4Stream implements AutoCloseable {
  /** A decoded frame in decode order; its planes are overwritten by the next {@link #next()}. */
  record Decoded(Picture picture, double pts) {}

  private final String id;
  private final DemuxerTrack track;
  private final H264Decoder decoder;
  private final byte[][] planes;
  private final int frames;
  private final int width;
  private final int height;
  private final int cropX;
  private final int cropY;
  private final int displayWidth;
  private final int displayHeight;
  private final YuvToRgb colours;
  private int read;

  private Mp4Stream(String id, DemuxerTrack track, H264Decoder decoder, SeqParameterSet sps, int frames) {
    this.id = id;
    this.track = track;
    this.decoder = decoder;
    this.frames = frames;
    this.width = (sps.picWidthInMbsMinus1 + 1) << 4;
    this.height = SeqParameterSet.getPicHeightInMbs(sps) << 4;
    // the display window, as JCodec's H264Decoder.createFrame crops (4:2:0, progressive: units of 2)
    this.cropX = sps.frameCroppingFlag ? sps.frameCropLeftOffset << 1 : 0;
    this.cropY = sps.frameCroppingFlag ? sps.frameCropTopOffset << 1 : 0;
    this.displayWidth = width - cropX - (sps.frameCroppingFlag ? sps.frameCropRightOffset << 1 : 0);
    this.displayHeight = height - cropY - (sps.frameCroppingFlag ? sps.frameCropBottomOffset << 1 : 0);
    this.planes = new byte[][] {new byte[width * height], new byte[width * height / 4], new byte[width * height / 4]};
    var vui = sps.vuiParams;
    boolean described = vui != null && vui.videoSignalTypePresentFlag && vui.colourDescriptionPresentFlag;
    this.colours = new YuvToRgb(described ? vui.matrixCoefficients : 2, vui != null && vui.videoFullRangeFlag);
  }

  static Mp4Stream open(String id, byte[] content) {
    if (content.length == 0) {
      throw bad(id, "is empty (0 bytes)", null);
    }
    DemuxerTrack track;
    Codec codec;
    ByteBuffer header;
    int frames;
    try {
      if (MP4Demuxer.probe(ByteBuffer.wrap(content)) == 0) {
        throw bad(id, "is not an MP4/MOV file (no ISO media boxes)", null);
      }
      var demuxer = MP4Demuxer.createMP4Demuxer(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(content)));
      track = demuxer.getVideoTrack();
      if (track == null) {
        throw bad(id, "has no video track", null);
      }
      codec = track.getMeta().getCodec();
      header = track.getMeta().getCodecPrivate();
      frames = track.getMeta().getTotalFrames();
    } catch (IOException | RuntimeException e) {
      throw e instanceof BadRecordException b ? b : bad(id, "is not a readable MP4/MOV file", e);
    }
    if (codec != Codec.H264 || header == null) {
      throw bad(id, "has a " + codec + " video track; only H.264 is supported", null);
    }
    try {
      SeqParameterSet sps = firstSps(header);
      if (sps == null) {
        throw bad(id, "has no H.264 sequence parameter set", null);
      }
      return new Mp4Stream(id, track, H264Decoder.createH264DecoderFromCodecPrivate(header), sps, frames);
    } catch (RuntimeException e) {
      throw e instanceof BadRecordException b ? b : bad(id, "has an unreadable H.264 header", e);
    }
  }

  private static SeqParameterSet firstSps(ByteBuffer header) {
    ByteBuffer nals = header.duplicate();
    for (ByteBuffer nal; (nal = H264Utils.nextNALUnit(nals)) != null; ) {
      if (NALUnit.read(nal).type == NALUnitType.SPS) {
        return H264Utils.readSPS(nal);
      }
    }
    return null;
  }

  /** Frames the container lists. */
  int frames() {
    return frames;
  }

  /** Width and height of the decoded picture, whole macroblocks (what JCodec allocates per frame). */
  long codedPixels() {
    return (long) width * height;
  }

  int displayWidth() {
    return displayWidth;
  }

  int displayHeight() {
    return displayHeight;
  }

  /** The next frame in decode order, or null after the last. */
  Decoded next() {
    while (true) {
      Packet packet;
      Picture picture;
      try {
        packet = track.nextFrame();
      } catch (IOException | RuntimeException e) {
        throw bad(id, "has an unreadable sample " + read, e);
      }
      if (packet == null) {
        if (read < frames) { // JCodec ends the track quietly at the first sample cut short
          throw bad(id, "is truncated: " + read + " of its " + frames + " frames are there", null);
        }
        return null;
      }
      read++;
      try {
        picture = decoder.decodeFrame(packet.getData(), planes);
      } catch (RuntimeException e) {
        throw bad(id, "has frame " + (read - 1) + " that JCodec 0.2.5 cannot decode", e);
      }
      if (picture != null) { // null: a sample without a slice
        if (picture.getWidth() != width || picture.getHeight() != height || picture.getColor() != ColorSpace.YUV420) {
          throw bad(id, "changes its picture size or format mid-stream", null);
        }
        return new Decoded(picture, packet.getPtsD());
      }
    }
  }

  /** RGB of the frame {@link #next()} returned last, cropped to the display window: {@code height x width x 3}. */
  byte[] rgb() {
    byte[] rgb = new byte[displayWidth * displayHeight * 3];
    colours.convert(planes[0], planes[1], planes[2], width, cropX, cropY, displayWidth, displayHeight, rgb);
    return rgb;
  }

  /**
   * Stops the slice-decoding pool JCodec's H264Decoder starts per instance and never shuts down: left alone,
   * every multi-slice video would leave idle threads behind in the executor. Fails loudly if a JCodec upgrade
   * moved the field, rather than leak quietly.
   */
  @Override
  public void close() {
    try {
      Field pool = H264Decoder.class.getDeclaredField("tp");
      pool.setAccessible(true);
      if (pool.get(decoder) instanceof ExecutorService executor) {
        executor.shutdownNow();
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("JCodec's H264Decoder has no thread pool field 'tp' to shut down", e);
    }
  }

  private static BadRecordException bad(String id, String problem, Exception cause) {
    var e = new BadRecordException(id, "content", problem + (cause == null ? "" : ": " + cause));
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
