package dev.sparkconv.io.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.model.NativeSpec;
import dev.sparkconv.io.model.Ops;
import dev.sparkconv.io.model.Weights;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Join;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operator against PyTorch, built through the model spec's op registry: one case per folder
 * under fixtures/ (written by scripts/gen_fixtures.py). An operator case has params.json (a layer
 * entry), input.npy, its tensors as <tensor>.npy and expected.npy; a join case has input0.npy,
 * input1.npy, ... instead of input.npy; a network case has model.json and <layer>.<tensor>.npy. Tolerance |a - e| <= atol + rtol * |e| elementwise.
 */
class OperatorConformanceTest {
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-4;

  static Stream<String> operatorCases() {
    return cases("params.json").filter(id -> Files.exists(root().resolve(id).resolve("input.npy")));
  }

  /** A join case has input0.npy, input1.npy, ... instead of input.npy. */
  static Stream<String> joinCases() {
    return cases("params.json").filter(id -> Files.exists(root().resolve(id).resolve("input0.npy")));
  }

  static Stream<String> networkCases() {
    return cases("model.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCases")
  void operatorMatchesPyTorch(String id) throws IOException {
    Path dir = root().resolve(id);
    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    Weights weights = (layer, tensor, count, fanIn) -> floats(dir.resolve(tensor + ".npy"));
    Layer layer = NativeSpec.layer(NativeSpec.read(dir.resolve("params.json")), Shapes.sample(input.shape()),
        weights, id);
    Tensor out = Tensor.zeros(Shapes.batched(input.dim(0), layer.outputShape(Shapes.sample(input.shape()))));
    layer.forward(input, out, new ExecutionContext());
    assertMatches(Npy.readTensor(dir.resolve("expected.npy")), out, id);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("joinCases")
  void joinMatchesPyTorch(String id) throws IOException {
    Path dir = root().resolve(id);
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; Files.exists(dir.resolve("input" + i + ".npy")); i++) {
      inputs.add(Npy.readTensor(dir.resolve("input" + i + ".npy")));
    }
    int[][] shapes = inputs.stream().map(t -> Shapes.sample(t.shape())).toArray(int[][]::new);
    Weights weights = (layer, tensor, count, fanIn) -> floats(dir.resolve(tensor + ".npy"));
    Join join = NativeSpec.join(NativeSpec.read(dir.resolve("params.json")), shapes, weights, id);
    Tensor out = Tensor.zeros(Shapes.batched(inputs.get(0).dim(0), join.outputShape(shapes)));
    join.forward(inputs.toArray(new Tensor[0]), out, new ExecutionContext());
    assertMatches(Npy.readTensor(dir.resolve("expected.npy")), out, id);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networkCases")
  void networkMatchesPyTorch(String id) throws IOException {
    Path dir = root().resolve(id);
    Weights weights = (layer, tensor, count, fanIn) -> floats(dir.resolve(layer.name() + "." + tensor + ".npy"));
    Network net = NativeSpec.load(dir.resolve("model.json"), weights);
    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
    ExecutionContext ctx = new ExecutionContext();
    assertMatches(expected, net.forward(input, ctx), id);
    assertMatches(expected, net.forward(input, ctx), id + ", second run on the same context");
  }

  /** Guards against a vanished or partial fixtures folder passing as "nothing to compare". */
  @Test
  void everyRegisteredOpHasCases() {
    Map<String, Long> perOp = Stream.of(operatorCases(), joinCases(), networkCases()).flatMap(c -> c)
        .collect(Collectors.groupingBy(id -> id.substring(0, id.indexOf('/')), TreeMap::new, Collectors.counting()));
    for (String op : Ops.names()) {
      assertTrue(perOp.containsKey(op), "no fixtures for op " + op + ": " + perOp);
    }
    assertTrue(perOp.getOrDefault("conv2d", 0L) >= 25, "conv2d cases: " + perOp);
    assertTrue(perOp.getOrDefault("conv1d", 0L) >= 10, "conv1d cases: " + perOp);
    assertTrue(perOp.getOrDefault("conv3d", 0L) >= 10, "conv3d cases: " + perOp);
    assertTrue(perOp.containsKey("lenet5"), "no whole-network case: " + perOp);
  }

  /** Elementwise |a - e| <= ATOL + RTOL * |e|; the failure reports the worst element and its index. */
  static void assertMatches(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": output shape");
    float[] e = expected.data();
    float[] a = actual.data();
    int worst = -1;
    double worstRatio = 1;
    for (int i = 0; i < expected.size(); i++) {
      double ratio = Math.abs(a[i] - e[i]) / (ATOL + RTOL * Math.abs(e[i]));
      if (!(ratio <= worstRatio)) { // NaN counts as a mismatch
        worst = i;
        worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
      }
    }
    if (worst >= 0) {
      fail(what + ": element " + worst + " of " + expected.size() + " is " + a[worst] + " but PyTorch gives "
          + e[worst] + " (|diff| " + Math.abs(a[worst] - e[worst]) + " is " + String.format("%.1f", worstRatio)
          + "x the tolerance)");
    }
  }

  private static Stream<String> cases(String marker) {
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      List<String> ids = files.filter(f -> f.getFileName().toString().equals(marker))
          .map(f -> root.relativize(f.getParent()).toString().replace('\\', '/'))
          .sorted()
          .toList();
      return ids.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path root() {
    var url = OperatorConformanceTest.class.getResource("/fixtures");
    if (url == null) {
      throw new IllegalStateException("no fixtures/ on the test classpath; run scripts/gen_fixtures.py");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static float[] floats(Path file) {
    try {
      return Npy.readTensor(file).data();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
