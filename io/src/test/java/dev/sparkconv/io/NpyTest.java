package dev.sparkconv.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixtures under resources/npy/ come from scripts/gen_npy_fixtures.py (real NumPy); values restated here as formulas. */
class NpyTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static float[] arange(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  Tensor roundTrip(Tensor t) throws IOException {
    Path f = tmp.resolve("t.npy");
    Npy.write(f, t);
    byte[] bytes = Files.readAllBytes(f);
    int dataOffset = bytes.length - 4 * t.size();
    assertEquals(0, dataOffset % 64, "data offset is 64-aligned");
    assertEquals('\n', bytes[dataOffset - 1], "header ends with a newline");
    Tensor back = Npy.readTensor(f);
    assertEquals(t, back);
    return back;
  }

  @Test
  void roundTripsScalarVectorAndVolume() throws IOException {
    roundTrip(Tensor.wrap(new float[] {-2.5f}));
    roundTrip(Tensor.wrap(new float[] {1, Float.NaN, Float.NEGATIVE_INFINITY}, 3));
    roundTrip(Tensor.wrap(arange(24), 2, 3, 4));
    roundTrip(Tensor.zeros(0, 5));
  }

  @Test
  void roundTripsALargeTensorAcrossWriteChunks() throws IOException {
    Random r = new Random(42);
    float[] d = new float[3 * 224 * 224];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    roundTrip(Tensor.wrap(d, 3, 224, 224));
  }

  @Test
  void writesNumpyStyleHeaders() throws IOException {
    Path f = tmp.resolve("h.npy");
    Npy.write(f, Tensor.wrap(arange(3), 3));
    String header = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("\u0093NUMPY\u0001\u0000"), header);
    assertTrue(header.contains("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
    Npy.write(f, Tensor.wrap(new float[] {1}));
    assertTrue(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("'shape': (), }"));
  }

  @Test
  void usesVersion2WhenTheHeaderExceeds64k() throws IOException {
    int[] shape = new int[30000]; // 30000 dims of 1: a ~90 kB shape tuple (numpy caps ndim, other writers may not)
    Arrays.fill(shape, 1);
    Path f = tmp.resolve("v2.npy");
    Npy.write(f, Tensor.wrap(new float[] {7}, shape));
    assertEquals(2, Files.readAllBytes(f)[6]);
    NpyArray a = Npy.read(f);
    assertArrayEquals(shape, a.shape());
    assertArrayEquals(new float[] {7}, a.toTensor().data());
  }

  @Test
  void roundTripsUint8() throws IOException {
    byte[] data = {0, 1, 127, (byte) 128, (byte) 255, 42};
    Path f = tmp.resolve("u8.npy");
    Npy.write(f, new int[] {2, 3}, "uint8", data);
    NpyArray a = Npy.read(f);
    assertEquals("uint8", a.dtype());
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(data, a.data());
    assertArrayEquals(new float[] {0, 1, 127, 128, 255, 42}, a.toTensor().data());
    assertTrue(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("'descr': '|u1'"));
  }

  @Test
  void readsNumpyFloat32() throws IOException {
    NpyArray a = Npy.read(fixture("f32_234.npy"));
    assertEquals("float32", a.dtype());
    assertArrayEquals(new int[] {2, 3, 4}, a.shape());
    float[] want = new float[24];
    for (int i = 0; i < 24; i++) {
      want[i] = i * 0.5f - 3;
    }
    assertArrayEquals(want, a.toTensor().data());

    float[] special = {0f, -0f, 1f, -1.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
        Float.MIN_VALUE};
    assertArrayEquals(special, Npy.readTensor(fixture("f32_special.npy")).data()); // bitwise: -0 != 0

    Tensor scalar = Npy.readTensor(fixture("f32_scalar.npy"));
    assertEquals(0, scalar.rank());
    assertArrayEquals(new float[] {2.5f}, scalar.data());
  }

  @Test
  void readsNumpyUint8() throws IOException {
    NpyArray a = Npy.read(fixture("u8_56.npy"));
    assertEquals("uint8", a.dtype());
    assertArrayEquals(new int[] {5, 6}, a.shape());
    float[] want = new float[30];
    for (int i = 0; i < 30; i++) {
      want[i] = (i * 9) % 256;
    }
    assertArrayEquals(want, a.toTensor().data());
  }

  @Test
  void readsVersions2And3() throws IOException {
    assertEquals(Tensor.wrap(arange(6), 2, 3), Npy.readTensor(fixture("f32_v2.npy")));
    assertEquals(Tensor.wrap(arange(6), 3, 2), Npy.readTensor(fixture("f32_v3.npy")));
  }

  static void assertFails(Path f, String reason) {
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void rejectsUnsupportedNumpyFiles() {
    assertFails(fixture("fortran.npy"), "is Fortran-ordered; only C order is supported");
    assertFails(fixture("f64.npy"), "unsupported dtype '<f8'");
    assertFails(fixture("f32_bigendian.npy"), "unsupported dtype '>f4'");
    assertFails(fixture("truncated.npy"), "expected 96 bytes of data, found 86");
  }

  @Test
  void rejectsMalformedFiles() throws IOException {
    byte[] good = Files.readAllBytes(fixture("f32_v2.npy"));

    Path f = tmp.resolve("magic.npy");
    Files.write(f, "PK\u0003\u0004 not numpy at all".getBytes(StandardCharsets.ISO_8859_1));
    assertFails(f, "bad magic");
    Files.write(f, new byte[] {(byte) 0x93, 'N'});
    assertFails(f, "bad magic");

    byte[] v4 = good.clone();
    v4[6] = 4;
    f = tmp.resolve("version.npy");
    Files.write(f, v4);
    assertFails(f, "unsupported .npy format version 4.0");

    f = tmp.resolve("header.npy");
    Files.write(f, new String(good, StandardCharsets.ISO_8859_1).replace("'shape': (2, 3)", "'shape': [2, 3!")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertFails(f, "malformed header");
    Files.write(f, new String(good, StandardCharsets.ISO_8859_1).replace("'shape'", "'shapf'")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertFails(f, "malformed header: no 'shape' key");
    Files.write(f, new String(good, StandardCharsets.ISO_8859_1).replace("(2, 3)", "(2, -3)")
        .getBytes(StandardCharsets.ISO_8859_1));
    assertFails(f, "not a tuple of non-negative ints");

    f = tmp.resolve("cut-header.npy");
    Files.write(f, Arrays.copyOf(good, 40));
    assertFails(f, "truncated header");

    assertFails(tmp.resolve("missing.npy"), "missing.npy");
  }
}
