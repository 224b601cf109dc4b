package dev.sparkconv.io.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.Npy;
import dev.sparkconv.nn.AvgPool2d;
import dev.sparkconv.nn.Conv2d;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LeNet5;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.MaxPool2d;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Softmax;
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
 * Every operator against PyTorch: one case per folder under fixtures/ (written by scripts/gen_fixtures.py),
 * each with params.json, input.npy, the weights and expected.npy. Tolerance |a - e| <= atol + rtol * |e|.
 */
class OperatorConformanceTest {
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> operatorCases() throws IOException {
    return caseFolders().stream().filter(id -> !id.startsWith("lenet5/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCases")
  void operatorMatchesPyTorch(String id) throws IOException {
    Path dir = root().resolve(id);
    String op = dir.getParent().getFileName().toString();
    Layer layer = layer(op, dir.getFileName().toString(), params(dir), dir, "");
    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    Tensor out = Tensor.zeros(Shapes.batched(input.dim(0), layer.outputShape(Shapes.sample(input.shape()))));
    layer.forward(input, out, new ExecutionContext());
    assertMatches(Npy.readTensor(dir.resolve("expected.npy")), out, id);
  }

  /** LeNet-5 with PyTorch's torch.manual_seed(0) weights, run through Network, batch 3. */
  @Test
  void lenet5MatchesPyTorch() throws IOException {
    Path dir = root().resolve("lenet5/seed0");
    JsonNode params = params(dir);
    List<Layer> layers = new ArrayList<>();
    for (JsonNode node : params.get("layers")) {
      String name = node.get("name").asText();
      layers.add(layer(node.get("op").asText(), name, node, dir, name + "."));
    }
    Network net = new Network("lenet5", ints(params.get("input_shape")), layers);

    // The fixture's architecture is the one LeNet5.build makes: same layers, shapes and parameter count.
    Network ours = LeNet5.build(0);
    assertEquals(describe(ours), describe(net));
    assertEquals(ours.parameterCount(), net.parameterCount());

    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    ExecutionContext ctx = new ExecutionContext();
    Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
    assertMatches(expected, net.forward(input, ctx), "lenet5/seed0");
    assertMatches(expected, net.forward(input, ctx), "lenet5/seed0, second run on the same context");
  }

  /** Guards against a vanished or partial fixtures folder passing as "nothing to compare". */
  @Test
  void everyOperatorHasCases() throws IOException {
    Map<String, Long> perOp = caseFolders().stream()
        .collect(Collectors.groupingBy(id -> id.substring(0, id.indexOf('/')), TreeMap::new, Collectors.counting()));
    assertTrue(perOp.getOrDefault("conv2d", 0L) >= 12, "conv2d cases: " + perOp);
    for (String op : List.of("maxpool2d", "avgpool2d", "global_avgpool", "linear", "softmax", "relu", "lenet5")) {
      assertTrue(perOp.containsKey(op), "no fixtures for " + op + ": " + perOp);
    }
  }

  private static Layer layer(String op, String name, JsonNode p, Path dir, String weightPrefix) throws IOException {
    return switch (op) {
      case "conv2d" -> new Conv2d(name, p.get("in_channels").asInt(), p.get("out_channels").asInt(),
          ints(p.get("kernel")), ints(p.get("stride")), ints(p.get("padding")), ints(p.get("dilation")),
          p.get("groups").asInt(), floats(dir, weightPrefix + "weight.npy"),
          p.get("bias").asBoolean() ? floats(dir, weightPrefix + "bias.npy") : null);
      case "linear" -> new Linear(name, p.get("in_features").asInt(), p.get("out_features").asInt(),
          floats(dir, weightPrefix + "weight.npy"),
          p.get("bias").asBoolean() ? floats(dir, weightPrefix + "bias.npy") : null);
      case "maxpool2d" -> new MaxPool2d(name, ints(p.get("kernel")), ints(p.get("stride")), ints(p.get("padding")),
          p.get("ceil_mode").asBoolean());
      case "avgpool2d" -> new AvgPool2d(name, ints(p.get("kernel")), ints(p.get("stride")), ints(p.get("padding")),
          p.get("ceil_mode").asBoolean(), p.get("count_include_pad").asBoolean());
      case "global_avgpool" -> new GlobalAvgPool(name);
      case "relu" -> new Relu(name);
      case "softmax" -> new Softmax(name);
      case "flatten" -> new Flatten(name);
      default -> throw new IllegalArgumentException("fixture uses unknown op '" + op + "'");
    };
  }

  /** Elementwise |a - e| <= ATOL + RTOL * |e|; the failure reports the worst element and its index. */
  static void assertMatches(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": output shape");
    float[] e = expected.data();
    float[] a = actual.data();
    int worst = -1;
    double worstRatio = 1;
    for (int i = 0; i < e.length; i++) {
      double ratio = Math.abs(a[i] - e[i]) / (ATOL + RTOL * Math.abs(e[i]));
      if (!(ratio <= worstRatio)) { // NaN counts as a mismatch
        worst = i;
        worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
      }
    }
    if (worst >= 0) {
      fail(what + ": element " + worst + " of " + e.length + " is " + a[worst] + " but PyTorch gives " + e[worst]
          + " (|diff| " + Math.abs(a[worst] - e[worst]) + " is " + String.format("%.1f", worstRatio)
          + "x the tolerance)");
    }
  }

  private static String describe(Network net) {
    StringBuilder s = new StringBuilder(Shapes.format(net.inputShape()));
    int[] shape = net.inputShape();
    for (Layer layer : net.layers()) {
      shape = layer.outputShape(shape);
      s.append(" -> ").append(layer.name()).append(':').append(layer.op()).append(Shapes.format(shape));
    }
    return s.toString();
  }

  private static List<String> caseFolders() throws IOException {
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.getFileName().toString().equals("params.json"))
          .map(f -> root.relativize(f.getParent()).toString().replace('\\', '/'))
          .sorted()
          .toList();
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

  private static JsonNode params(Path dir) {
    try {
      return JSON.readTree(dir.resolve("params.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[] floats(Path dir, String file) throws IOException {
    return Npy.readTensor(dir.resolve(file)).data();
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
