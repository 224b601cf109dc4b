package dev.sparkconv.io.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.model.ModelFormatException;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX breadth suite (scripts/gen_onnx_breadth.py): reduced-width torchvision families exported at two opsets
 * and one case per op or pattern, each imported and compared with PyTorch's output at rtol = atol = 1e-4; the
 * error cases must fail at load naming the node, the op and the attribute their name says.
 */
class OnnxBreadthTest {
  private static final double TOL = 1e-4;

  static Stream<String> families() {
    return cases("families");
  }

  static Stream<String> ops() {
    return cases("ops");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void familyMatchesPyTorch(String name) {
    assertMatches("families/" + name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void opMatchesPyTorch(String name) {
    assertMatches("ops/" + name);
  }

  /** torch's nine-node LayerNorm before opset 17 imports as the LayerNorm its opset 17 export names. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ops/layer_norms_opset13", "families/convnext_opset13", "families/norms_opset13"})
  void decomposedLayerNormIsOneLayer(String id) {
    Network decomposed = ModelLoader.load(root().resolve(id).resolve("model.onnx"));
    Network named = ModelLoader.load(root().resolve(id.replace("opset13", "opset17")).resolve("model.onnx"));
    List<String> ops = decomposed.nodes().stream().map(Node::op).toList();
    assertTrue(ops.stream().noneMatch(op -> op.startsWith("reduce") || op.equals("sqrt") || op.equals("div")),
        ops.toString());
    assertEquals(named.nodes().stream().filter(node -> node.op().equals("layer_norm")).count(),
        ops.stream().filter(op -> op.equals("layer_norm")).count(), ops.toString());
  }

  /** errors/<case>/message.txt holds the fragments the load error must contain (node, op, attribute). */
  static Stream<Arguments> errors() {
    return cases("errors").map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void refusedAtLoadNamingNodeOpAndAttribute(String name) throws IOException {
    Path dir = root().resolve("errors").resolve(name);
    var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.resolve("model.onnx")));
    for (String fragment : Files.readAllLines(dir.resolve("message.txt"))) {
      assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
    }
  }

  static void assertMatches(String id) {
    Path dir = root().resolve(id);
    try {
      Network net = ModelLoader.load(dir.resolve("model.onnx"));
      Tensor input = Npy.readTensor(dir.resolve("input.npy"));
      Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
      Tensor actual = net.forward(input, new ExecutionContext());
      assertArrayEquals(expected.shape(), actual.shape(), id + ": output shape");
      double worst = 0;
      for (int i = 0; i < expected.size(); i++) {
        float e = expected.data()[i];
        float a = actual.data()[i];
        if (!(Math.abs(a - e) <= TOL + TOL * Math.abs(e))) {
          fail(id + ": element " + i + " is " + a + " but PyTorch gives " + e);
        }
        worst = Math.max(worst, Math.abs(a - e));
      }
      System.out.printf("%s: max |diff| %.3g over %d values%n", id, worst, expected.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<String> cases(String group) {
    try (Stream<Path> dirs = Files.list(root().resolve(group))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path root() {
    try {
      return Path.of(OnnxBreadthTest.class.getResource("/onnx_breadth").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
