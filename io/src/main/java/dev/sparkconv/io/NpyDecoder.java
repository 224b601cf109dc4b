package dev.sparkconv.io;

import java.util.List;

/** One sample per .npy file (no batch dimension); the id is the file's relative path without ".npy". */
public final class NpyDecoder implements FileDecoder {
  private static final long serialVersionUID = 1L;

  @Override
  public List<Sample> decode(String id, byte[] content) {
    String stem = id.endsWith(".npy") ? id.substring(0, id.length() - 4) : id;
    try {
      return List.of(new Sample(stem, Npy.parse(content, id)));
    } catch (NpyFormatException e) {
      throw new BadRecordException(stem, "content", e.getMessage());
    }
  }
}
