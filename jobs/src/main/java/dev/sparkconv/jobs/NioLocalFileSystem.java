package dev.sparkconv.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system, setting permissions through java.nio instead of a forked {@code chmod}. Without
 * Hadoop's native library (Spark from Maven Central has none) every file and folder Hadoop creates locally forks
 * one: 14 in an ingest run, the Parquet files, the commit protocol's folders and {@code _SUCCESS}, at about 15 ms
 * each from a JVM of a few GB. {@link Sessions} registers it for {@code file:} ({@value #CONF}).
 */
public class NioLocalFileSystem extends LocalFileSystem {
  /** The Spark setting that makes it Hadoop's file system for {@code file:} paths. */
  public static final String CONF = "spark.hadoop.fs.file.impl";

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw file system under the checksums; {@code TensorOutputFormat} writes through it directly. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (NativeIO.isAvailable() || permission.getStickyBit()) { // java.nio cannot set the sticky bit
        super.setPermission(p, permission);
        return;
      }
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
    }

    /** The nine rwx bits, owner's highest: PosixFilePermission lists them in that order. */
    static Set<PosixFilePermission> posix(short mode) {
      Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] bits = PosixFilePermission.values();
      for (int i = 0; i < bits.length; i++) {
        if ((mode & (1 << (bits.length - 1 - i))) != 0) {
          set.add(bits[i]);
        }
      }
      return set;
    }
  }
}
