package dev.sparkconv.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.model.ModelFormatException;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir
  Path tmp;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(SafetensorsTest.class.getResource(name).toURI());
  }

  /** A file laid out by scripts/gen_safetensors_fixtures.py with torch's F16/BF16 conversions. */
  @Test
  void readsF32AndWidensF16AndBf16LikeTorch() throws Exception {
    Map<String, Tensor> tensors = Safetensors.read(resource("/safetensors/mixed.safetensors"));
    assertEquals(java.util.List.of("c1.weight", "half", "brain"), java.util.List.copyOf(tensors.keySet()));
    for (String name : tensors.keySet()) {
      Tensor expected = Npy.readTensor(resource("/safetensors/" + name + ".npy"));
      assertArrayEquals(expected.shape(), tensors.get(name).shape(), name);
      assertArrayEquals(expected.data(), tensors.get(name).data(), 0f, name);
    }
  }

  @Test
  void writeThenReadRoundTrips() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a.weight", Tensor.wrap(new float[] {1, -2, 3.5f, Float.MIN_VALUE, 7, 8}, 2, 3));
    tensors.put("a.bias", Tensor.wrap(new float[] {0.25f}, 1));
    Path file = tmp.resolve("t.safetensors");
    Safetensors.write(file, tensors);
    assertEquals(tensors, Safetensors.read(file));
  }

  @Test
  void corruptFilesNameTheFileAndTheTensor() throws IOException {
    Path tiny = tmp.resolve("tiny.safetensors");
    Files.write(tiny, new byte[] {1, 2, 3});
    assertTrue(assertThrows(IOException.class, () -> Safetensors.read(tiny)).getMessage().contains("tiny.safetensors"));

    Path f64 = tmp.resolve("f64.safetensors");
    byte[] header = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes();
    var buf = java.nio.ByteBuffer.allocate(8 + header.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.putLong(header.length).put(header);
    Files.write(f64, buf.array());
    String message = assertThrows(IOException.class, () -> Safetensors.read(f64)).getMessage();
    assertTrue(message.contains("'x'") && message.contains("F64"), message);
  }

  /** The LeNet-5 fixture's PyTorch weights packed as safetensors run through ModelLoader match PyTorch. */
  @Test
  void specPlusSafetensorsMatchesPyTorch() throws Exception {
    Path dir = resource("/fixtures/lenet5/seed0");
    Map<String, Tensor> weights = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches(".+\\..+\\.npy")).toList()) {
        String name = f.getFileName().toString();
        weights.put(name.substring(0, name.length() - 4), Npy.readTensor(f));
      }
    }
    Path file = tmp.resolve("lenet5.safetensors");
    Safetensors.write(file, weights);
    Network net = ModelLoader.load(dir.resolve("model.json"), file);
    Tensor out = net.forward(Npy.readTensor(dir.resolve("input.npy")), new ExecutionContext());
    assertArrayEquals(Npy.readTensor(dir.resolve("expected.npy")).data(), out.toArray(), 1e-5f);
    String fingerprint = ModelLoader.fingerprint(dir.resolve("model.json"), file);
    assertTrue(fingerprint.startsWith("sha256:"), fingerprint);

    weights.remove("f7.bias");
    weights.put("f8.weight", Tensor.zeros(1));
    Safetensors.write(file, weights);
    String missing = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.resolve("model.json"), file))
        .getMessage();
    assertTrue(missing.contains("f7.bias"), missing);
    weights.put("f7.bias", Tensor.zeros(10));
    Safetensors.write(file, weights);
    String unused = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.resolve("model.json"), file))
        .getMessage();
    assertTrue(unused.contains("f8.weight"), unused);
  }
}
