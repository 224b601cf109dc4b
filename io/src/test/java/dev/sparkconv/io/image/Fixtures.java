package dev.sparkconv.io.image;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.io.NpyFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** The files of resources/images/, written by scripts/gen_image_fixtures.py from PIL and torchvision. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name + ": run scripts/gen_image_fixtures.py");
      }
      return name.endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static NpyArray npy(String name) {
    try {
      return Npy.parse(bytes(name), name);
    } catch (NpyFormatException e) {
      throw new IllegalStateException("bad fixture " + name, e);
    }
  }

  /** Mean |a - b| over two uint8 arrays of one shape. */
  static double meanAbsDiff(NpyArray a, NpyArray b) {
    long sum = 0;
    for (int i = 0; i < a.data().length; i++) {
      sum += Math.abs((a.data()[i] & 0xFF) - (b.data()[i] & 0xFF));
    }
    return (double) sum / a.data().length;
  }

  /** Largest |a - b| over two uint8 arrays of one shape. */
  static int maxAbsDiff(NpyArray a, NpyArray b) {
    int max = 0;
    for (int i = 0; i < a.data().length; i++) {
      max = Math.max(max, Math.abs((a.data()[i] & 0xFF) - (b.data()[i] & 0xFF)));
    }
    return max;
  }
}
