package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.Npy;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bundled LeNet-5 (conf/models/lenet5.json with its trained lenet5.safetensors) on the demo's 40
 * held-out digits reproduces PyTorch's logits, probabilities and accuracy, all written by
 * scripts/train_lenet5.py.
 */
class TrainedLenetTest {
  private static final Path ROOT = Path.of(System.getProperty("sparkconv.root"));

  @Test
  void bundledLenetReproducesPyTorchOnTheHeldOutSampleDigits() throws Exception {
    Path expectedDir = Path.of(TrainedLenetTest.class.getResource("/lenet5_digits").toURI());
    JsonNode expected = new ObjectMapper().readTree(expectedDir.resolve("expected.json").toFile());
    int n = expected.get("ids").size();
    float[] batch = new float[n * 32 * 32];
    for (int i = 0; i < n; i++) {
      Path sample = ROOT.resolve("conf/samples/digits/" + expected.get("ids").get(i).asText() + ".npy");
      System.arraycopy(Npy.readTensor(sample).data(), 0, batch, i * 32 * 32, 32 * 32);
    }

    Network lenet = ModelLoader.load(ROOT.resolve("conf/models/lenet5.json"));
    Tensor[] out = lenet.forward(Tensor.wrap(batch, n, 1, 32, 32), new ExecutionContext(), "f7", "softmax");
    float[] logits = out[0].toArray();
    assertArrayEquals(Npy.readTensor(expectedDir.resolve("logits.npy")).data(), logits, 1e-4f);
    assertArrayEquals(Npy.readTensor(expectedDir.resolve("probabilities.npy")).data(), out[1].toArray(), 1e-4f);

    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < 10; c++) {
        best = logits[i * 10 + c] > logits[i * 10 + best] ? c : best;
      }
      assertEquals(expected.get("predictions").get(i).asInt(), best, "prediction for sample " + i);
      correct += best == expected.get("labels").get(i).asInt() ? 1 : 0;
    }
    assertEquals(expected.get("correct").asInt(), correct);
  }
}
