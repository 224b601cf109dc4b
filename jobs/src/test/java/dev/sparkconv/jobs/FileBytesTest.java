package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.BadRecordException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBytesTest {
  @TempDir
  Path tmp;

  private static FileBytes shipped(FileBytes bytes) throws Exception {
    var buffer = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(buffer)) {
      out.writeObject(bytes);
    }
    try (var in = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
      return (FileBytes) in.readObject();
    }
  }

  @Test
  void readsLocalFilesAndOthersThroughTheShippedConfiguration() throws Exception {
    byte[] content = {1, 2, 3, (byte) 0xff};
    Path file = Files.write(tmp.resolve("a b#.jpg"), content);
    FileBytes bytes = shipped(new FileBytes(new Configuration()));
    assertArrayEquals(content, bytes.read("a b#.jpg", new org.apache.hadoop.fs.Path(file.toUri()).toString(), 4));
    // No scheme: the shipped configuration's default file system reads it.
    assertArrayEquals(content, bytes.read("a b#.jpg", file.toString(), 4));
  }

  @Test
  void aVanishedOrOversizedFileIsItsRecordsDefect() throws Exception {
    FileBytes bytes = new FileBytes(new Configuration());
    String gone = new org.apache.hadoop.fs.Path(tmp.resolve("gone.png").toUri()).toString();
    var e = assertThrows(BadRecordException.class, () -> bytes.read("gone.png", gone, 10));
    assertEquals("gone.png", e.recordId());
    assertTrue(e.getMessage().contains("deleted after it was listed"), e.getMessage());
    var big = assertThrows(BadRecordException.class, () -> bytes.read("big.tif", gone, 3L << 30));
    assertTrue(big.getMessage().contains("3221225472 bytes"), big.getMessage());
  }
}
