package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.NetworkSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model zoo: every conf/models/*.json builds with its weights (seeded; lenet5's trained), through
 * the same loader as {@code sparkconv infer} and {@code summary}, with the input and output shapes and the
 * parameter counts that PyTorch reports for the same full-size architecture. Those numbers come
 * from conf/models/zoo-params.json, written by scripts/gen_zoo.py from scripts/fixtures/zoo.py,
 * the description that also generates the specs and the reduced fixtures checked against PyTorch
 * by OperatorConformanceTest (fixtures/zoo_*).
 */
class ZooTest {
  private static final Path MODELS = Path.of(System.getProperty("sparkconv.root"), "conf/models");

  static Stream<String> models() throws IOException {
    try (Stream<Path> files = Files.list(MODELS)) {
      return files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".json") && !f.equals("zoo-params.json"))
          .map(f -> f.substring(0, f.length() - ".json".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  private static JsonNode params() throws IOException {
    return new ObjectMapper().readTree(MODELS.resolve("zoo-params.json").toFile());
  }

  @Test
  void everySpecHasPyTorchNumbersAndAFixture() throws IOException {
    Set<String> specs = new TreeSet<>(models().toList());
    Set<String> numbers = new TreeSet<>();
    params().fieldNames().forEachRemaining(numbers::add);
    assertEquals(numbers, specs, "conf/models specs vs zoo-params.json (run scripts/gen_zoo.py)");
    for (String model : specs) {
      if (!model.equals("lenet5")) {
        assertTrue(ZooTest.class.getResource("/fixtures/zoo_" + model) != null,
            "no reduced fixture fixtures/zoo_" + model + " (run scripts/gen_fixtures.py)");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void buildsWithPyTorchShapesAndParameterCounts(String model) throws IOException {
    JsonNode expected = params().get(model);
    Path spec = MODELS.resolve(model + ".json");
    JsonNode root = NativeSpec.read(spec);
    Path trained = NativeSpec.weightFile(spec, root);
    if (trained == null) {
      assertEquals("seeded", root.path("weights").path("init").asText(), model + ": weights");
    }
    Counting counting = new Counting(trained != null ? Weights.file(trained)
        : Weights.seeded(root.get("weights").get("seed").asLong()));
    Network net = NativeSpec.load(spec, counting);

    assertEquals(model, net.name());
    assertArrayEquals(ints(expected.get("input_shape")), net.inputShape(), model + ": input shape");
    assertArrayEquals(ints(expected.get("output_shape")), net.outputShape(), model + ": output shape");
    // Every tensor of PyTorch's state_dict (parameters and batch-norm running statistics) is loaded once.
    assertEquals(expected.get("values").asLong(), counting.values, model + ": values loaded (PyTorch "
        + expected.get("parameters").asLong() + " parameters + " + expected.get("buffers").asLong() + " buffers)");
    assertEquals(expected.get("tensors").asInt(), counting.names.size(), model + ": tensors " + counting.names);
    assertEquals(counting.names.size(), new TreeSet<>(counting.names).size(), model + ": a tensor loaded twice");
    assertEquals(expected.get("values").asLong() - expected.get("buffers").asLong(),
        expected.get("parameters").asLong(), model + ": zoo-params.json is inconsistent");
    // After folding each batch norm into its convolution: the conv's weight and a bias per channel.
    assertEquals(expected.get("folded_parameters").asLong(), net.parameterCount(), model + ": parameters");

    NetworkSummary summary = net.summary();
    assertEquals(net.parameterCount(), summary.parameters(), model + ": summary parameters");
    assertTrue(summary.macs() > 0, model + ": summary MACs");
    assertArrayEquals(net.outputShape(), summary.rows().get(summary.rows().size() - 1).outputShape(),
        model + ": summary output shape");
    assertTrue(summary.toTable().contains("total"), model + ": summary table");
  }

  /** Widths, class counts and the VGG pool size are what a reduced fixture may change. */
  private static final Set<String> SIZE_FIELDS = Set.of("out_channels", "out_features", "groups", "output_size");

  /**
   * The reduced fixture checked against PyTorch has the full-size spec's structure: the same layers,
   * ops, inputs and fields, with the same values except for the sizes.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void reducedFixtureHasTheFullSpecsStructure(String model) throws Exception {
    if (model.equals("lenet5")) {
      return; // written by hand; its fixture (fixtures/lenet5) is full size
    }
    Path group = Path.of(ZooTest.class.getResource("/fixtures/zoo_" + model).toURI());
    Path reducedSpec;
    try (Stream<Path> cases = Files.list(group)) {
      reducedSpec = cases.map(c -> c.resolve("model.json")).filter(Files::exists).findFirst().orElseThrow();
    }
    JsonNode full = NativeSpec.read(MODELS.resolve(model + ".json")).get("layers");
    JsonNode reduced = NativeSpec.read(reducedSpec).get("layers");
    assertEquals(full.size(), reduced.size(), model + ": layer count");
    for (int i = 0; i < full.size(); i++) {
      JsonNode a = full.get(i);
      JsonNode b = reduced.get(i);
      Set<String> fields = new TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      Set<String> reducedFields = new TreeSet<>();
      b.fieldNames().forEachRemaining(reducedFields::add);
      assertEquals(fields, reducedFields, model + ": fields of layer " + a.path("name"));
      for (String field : fields) {
        if (!SIZE_FIELDS.contains(field)) {
          assertEquals(a.get(field), b.get(field), model + ": field '" + field + "' of layer " + a.path("name"));
        }
      }
    }
  }

  @Test
  void loadsThroughTheCliLoaderWithItsOwnSeededWeights() throws IOException {
    // The path `sparkconv infer` / `summary` take: the spec's own "weights" field.
    Network net = ModelLoader.load(MODELS.resolve("resnet18.json"));
    assertEquals(params().get("resnet18").get("folded_parameters").asLong(), net.parameterCount());
    assertTrue(net.summary().toTable().contains("layer4.1.add"));
  }

  private static int[] ints(JsonNode array) {
    int[] result = new int[array.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = array.get(i).asInt();
    }
    return result;
  }

  /** Seeded weights that count what the layers ask for. */
  private static final class Counting implements Weights {
    private final Weights source;
    long values;
    final List<String> names = new ArrayList<>();

    Counting(Weights source) {
      this.source = source;
    }

    @Override
    public float[] tensor(LayerSpec layer, String tensor, int count, int fanIn) {
      values += count;
      names.add(layer.name() + "." + tensor);
      return source.tensor(layer, tensor, count, fanIn);
    }

    @Override
    public float[] constant(LayerSpec layer, String tensor, int count, float init) {
      values += count;
      names.add(layer.name() + "." + tensor);
      return source.constant(layer, tensor, count, init);
    }
  }
}
