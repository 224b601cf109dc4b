package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void everyModeMapsAsHadoopSpellsIt() {
    for (int mode = 0; mode < 512; mode++) {
      FsPermission p = new FsPermission((short) mode);
      assertEquals(PosixFilePermissions.fromString(p.toString()), NioLocalFileSystem.Raw.posix(p.toShort()),
          p.toString());
    }
  }

  @Test
  void filesAndFoldersGetTheRequestedPermissions() throws IOException {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    try (FileSystem fs = FileSystem.get(URI.create("file:///"), conf)) {
      assertInstanceOf(NioLocalFileSystem.class, fs);
      Path folder = new Path(dir.toUri().toString(), "a/b");
      fs.mkdirs(folder, new FsPermission((short) 0750));
      fs.create(new Path(folder, "f"), new FsPermission((short) 0604), false, 4096, (short) 1, 1 << 20, null).close();
      fs.setPermission(new Path(folder, "f"), new FsPermission((short) 0641));
      assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
      assertEquals("rw-r----x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/f"))));
      assertThrows(NoSuchFileException.class, () -> fs.setPermission(new Path(folder, "missing"),
          new FsPermission((short) 0644)));
    }
  }
}
