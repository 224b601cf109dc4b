package dev.sparkconv.io.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Full-size torchvision models, too big to commit: runs only with -Dsparkconv.onnx.zoo=DIR, DIR as
 * written by {@code /usr/bin/python3 scripts/gen_onnx_fixtures.py --big DIR} (one folder per model with
 * model.onnx, input.npy, expected.npy), at the same rtol = atol = 1e-4 as the committed models.
 */
class OnnxModelZooTest {
  private static final double TOL = 1e-4;

  static Stream<String> models() throws Exception {
    String dir = System.getProperty("sparkconv.onnx.zoo");
    if (dir == null) {
      return Stream.of("(set -Dsparkconv.onnx.zoo=DIR)");
    }
    try (Stream<Path> list = Files.list(Path.of(dir))) {
      return list.filter(p -> Files.exists(p.resolve("model.onnx"))).map(Path::toString).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesPyTorch(String model) throws Exception {
    assumeTrue(System.getProperty("sparkconv.onnx.zoo") != null, "no -Dsparkconv.onnx.zoo directory");
    Path dir = Path.of(model);
    Network net = ModelLoader.load(dir.resolve("model.onnx"));
    Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
    Tensor actual = net.forward(Npy.readTensor(dir.resolve("input.npy")), new ExecutionContext());
    assertArrayEquals(expected.shape(), actual.shape(), model);
    double worst = 0;
    double worstRatio = 0;
    for (int i = 0; i < expected.size(); i++) {
      double diff = Math.abs(actual.data()[i] - expected.data()[i]);
      worst = Math.max(worst, diff);
      worstRatio = Math.max(worstRatio, diff / (TOL + TOL * Math.abs(expected.data()[i])));
    }
    System.out.printf("%s: max |diff| %.3g (%.2f of the tolerance)%n", dir.getFileName(), worst, worstRatio);
    assertTrue(worstRatio <= 1, model + ": max |diff| " + worst);
  }
}
