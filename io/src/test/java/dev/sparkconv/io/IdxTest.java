package dev.sparkconv.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written here byte by byte (the format's header: 0, 0, type, rank, big-endian dims), raw and gzipped. */
class IdxTest {
  @TempDir
  Path tmp;

  private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes); // big-endian
    out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }

  @Test
  void rawAndGzippedImagesGiveTheSameDimensionsAndPixels() throws Exception {
    byte[] pixels = new byte[3 * 4 * 5];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 7); // up to 0xFF: unsigned bytes
    }
    byte[] file = idx(0x08, new int[] {3, 4, 5}, pixels);
    Files.write(tmp.resolve("images-idx3-ubyte"), file);
    Files.write(tmp.resolve("images-idx3-ubyte.gz"), gzip(file));
    for (String name : new String[] {"images-idx3-ubyte", "images-idx3-ubyte.gz"}) {
      Idx.Array a = Idx.read(tmp.resolve(name));
      assertArrayEquals(new int[] {3, 4, 5}, a.dims(), name);
      assertArrayEquals(pixels, a.data(), name);
    }
  }

  @Test
  void labelsAreOneDimensional() throws Exception {
    Files.write(tmp.resolve("labels.gz"), gzip(idx(0x08, new int[] {4}, new byte[] {9, 0, 3, 7})));
    Idx.Array a = Idx.read(tmp.resolve("labels.gz"));
    assertArrayEquals(new int[] {4}, a.dims());
    assertArrayEquals(new byte[] {9, 0, 3, 7}, a.data());
  }

  @Test
  void badFilesNameTheFileAndTheProblem() throws Exception {
    IOException magic = assertThrows(IOException.class, () -> Idx.parse(new byte[] {1, 0, 8, 1, 0, 0, 0, 0}, "x.idx"));
    assertTrue(magic.getMessage().contains("x.idx: not an IDX file"), magic.getMessage());
    IOException type = assertThrows(IOException.class, () -> Idx.parse(idx(0x0D, new int[] {1}, new byte[4]), "f.idx"));
    assertTrue(type.getMessage().contains("type 0xd"), type.getMessage());
    IOException truncated = assertThrows(IOException.class,
        () -> Idx.parse(idx(0x08, new int[] {2, 3}, new byte[5]), "t.idx"));
    assertTrue(truncated.getMessage().contains("need 6 data bytes but the file has 5"), truncated.getMessage());
  }
}
