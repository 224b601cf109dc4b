package dev.sparkconv.io;

import java.io.Serializable;
import java.util.List;

/**
 * Turns one input file into samples: one for an .npy file or an image, one per clip for a video.
 * A defect of the file itself (truncated, corrupt, unsupported, too large) is a
 * {@link BadRecordException} naming the file; anything else that goes wrong is a bug and propagates.
 * Implementations are Spark-free; the ingest job ships them to the executors, so they are serializable
 * and keep no per-file state.
 */
public interface FileDecoder extends Serializable {
  /** {@code id}: the file's path relative to the input root, the samples' id (or their id's prefix). */
  List<Sample> decode(String id, byte[] content);

  /** One decoded sample and its id. */
  record Sample(String id, NpyArray array) {}
}
