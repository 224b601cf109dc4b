package dev.sparkconv.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX files of MNIST and Fashion-MNIST: magic 0x00 0x00, type byte, rank byte, one big-endian
 * int32 per dimension, then the data in C order. Only unsigned bytes (type 0x08) are read, the
 * type of every MNIST file; a gzip file (by its magic bytes, whatever its name) is inflated first.
 */
public final class Idx {
  public static final int UBYTE = 0x08;

  /** A parsed file: its dimensions (the first is the item count) and the raw bytes. */
  public record Array(int[] dims, byte[] data) {
    /** Elements of one item (the product of the dimensions after the first). */
    public int itemSize() {
      int n = 1;
      for (int i = 1; i < dims.length; i++) {
        n *= dims[i];
      }
      return n;
    }
  }

  private Idx() {}

  public static Array read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
        in.transferTo(out);
        bytes = out.toByteArray();
      }
    }
    return parse(bytes, file.toString());
  }

  public static Array parse(byte[] bytes, String source) throws IOException {
    if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
      throw new IOException(source + ": not an IDX file (the first two bytes must be 0)");
    }
    int type = bytes[2] & 0xFF;
    int rank = bytes[3] & 0xFF;
    if (type != UBYTE) {
      throw new IOException(source + ": IDX type 0x" + Integer.toHexString(type) + " is not supported (only 0x08, unsigned bytes)");
    }
    if (rank < 1 || bytes.length < 4 + 4 * rank) {
      throw new IOException(source + ": IDX header with " + rank + " dimensions is truncated or empty");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 4, 4 * rank); // big-endian, ByteBuffer's default
    int[] dims = new int[rank];
    long size = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = header.getInt();
      if (dims[i] < 0) {
        throw new IOException(source + ": dimension " + i + " is negative (" + Integer.toUnsignedString(dims[i]) + ")");
      }
      size *= dims[i];
    }
    long have = bytes.length - 4L - 4L * rank;
    if (have != size) {
      throw new IOException(source + ": dimensions " + java.util.Arrays.toString(dims) + " need " + size
          + " data bytes but the file has " + have);
    }
    return new Array(dims, java.util.Arrays.copyOfRange(bytes, 4 + 4 * rank, bytes.length));
  }
}
