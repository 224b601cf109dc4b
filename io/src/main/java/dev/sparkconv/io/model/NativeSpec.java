package dev.sparkconv.io.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.nn.Join;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The native JSON model spec: a name, a per-sample input shape, a weight source and a list of
 * layers, each built by the op registry ({@link Ops}). Input channels and features are inferred
 * from the running shape, so a spec states only what a user would choose.
 *
 * <p>A layer reads the previous layer (the first one the network input, named "input") unless it
 * lists {@code "inputs": ["a", "b"]}: "input" or earlier layers, so that every spec is a DAG in a
 * topological order. The optional top-level {@code "outputs": ["name", ...]} designates the
 * network's outputs (default: the last layer); the first is what inference returns.
 *
 * <p>The optional top-level {@code "preprocess"} declares how raw uint8 images become this model's
 * input: a preset ("imagenet") or a {@link Preprocess} spec object. It is checked against
 * {@code input_shape} on load and read with {@link #preprocess(Path)}.
 */
public final class NativeSpec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_FIELDS = Set.of("name", "input_shape", "preprocess", "weights", "layers",
      "outputs");

  private NativeSpec() {}

  /** Loads a spec whose weights are described by its own "weights" field. */
  public static Network load(Path file) {
    return load(file, null);
  }

  /** Loads a spec with the given weights (null: the spec's own "weights" field). */
  public static Network load(Path file, Weights weights) {
    JsonNode root = read(file);
    Path weightFile = weights == null ? weightFile(file, root) : null;
    return parse(root, file.toString(), weightFile != null ? Weights.file(weightFile) : weights);
  }

  /**
   * The safetensors file a spec names with {@code "weights": {"file": "name.safetensors"}}, relative
   * to the spec's folder; null for seeded weights.
   */
  public static Path weightFile(Path spec, JsonNode root) {
    JsonNode v = root.get("weights");
    if (v == null || !v.isObject() || v.size() != 1 || !v.path("file").isTextual()) {
      return null;
    }
    Path parent = spec.toAbsolutePath().getParent();
    return parent.resolve(v.get("file").asText());
  }

  public static JsonNode read(Path file) {
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isObject()) {
        throw new ModelFormatException(file + ": expected a JSON object at the top level");
      }
      return root;
    } catch (IOException e) {
      throw new ModelFormatException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static Network parse(JsonNode root, String source, Weights weights) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TOP_FIELDS.contains(field)) {
        throw new ModelFormatException(source + ": unknown top-level field '" + field + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(TOP_FIELDS)) + ")");
      }
    }
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual() || name.asText().isEmpty()) {
      throw new ModelFormatException(source + ": field 'name' must be a non-empty string but is " + name);
    }
    int[] inputShape = inputShape(source, root.get("input_shape"));
    preprocess(root, source, inputShape);
    Weights source0 = weights != null ? weights : weightSource(source, root.get("weights"));
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      throw new ModelFormatException(source + ": field 'layers' must be a non-empty array");
    }
    List<Node> built = new ArrayList<>();
    Map<String, int[]> shapes = new HashMap<>();
    shapes.put(Network.INPUT, inputShape);
    Set<String> declared = new HashSet<>();
    for (int i = 0; i < layers.size(); i++) {
      declared.add(layers.get(i).path("name").asText());
    }
    String previous = Network.INPUT;
    for (int i = 0; i < layers.size(); i++) {
      JsonNode entry = layers.get(i);
      String[] inputs = new LayerSpec(source, i, entry, new int[0][], source0).inputNames(previous);
      LayerSpec spec = new LayerSpec(source, i, entry, resolve(source, i, entry, inputs, shapes, declared, source0),
          source0);
      String layerName = spec.name();
      if (shapes.containsKey(layerName)) {
        throw spec.error(layerName.equals(Network.INPUT) ? "is named '" + Network.INPUT + "', the network input"
            : "reuses the name of an earlier layer");
      }
      Node node;
      if (Ops.isJoin(spec.op())) {
        node = Node.of(Ops.buildJoin(spec), inputs);
      } else if (inputs.length != 1) {
        throw spec.error("takes one input but field 'inputs' names " + inputs.length);
      } else {
        node = Node.of(Ops.build(spec), inputs[0]);
      }
      try {
        shapes.put(layerName, node.outputShape(spec.inputShapes()));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source + ": " + e.getMessage(), e);
      }
      built.add(node);
      previous = layerName;
    }
    source0.finish(source);
    String[] outputs = outputs(source, root.get("outputs"), shapes);
    try {
      BatchNormFolding.Folded folded = BatchNormFolding.fold(built, outputs);
      return new Network(name.asText(), inputShape, folded.nodes().toArray(new Node[0]), folded.outputs());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The shapes of the tensors entry {@code index} reads: the network input or earlier layers. A
   * later layer (a forward reference, the only way to write a cycle) or an unknown name is an error.
   */
  private static int[][] resolve(String source, int index, JsonNode entry, String[] inputs,
      Map<String, int[]> shapes, Set<String> declared, Weights weights) {
    LayerSpec spec = new LayerSpec(source, index, entry, new int[0][], weights);
    int[][] result = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      result[i] = shapes.get(inputs[i]);
      if (result[i] != null) {
        continue;
      }
      if (inputs[i].equals(entry.path("name").asText())) {
        throw spec.error("reads its own output '" + inputs[i] + "': a cycle");
      }
      if (declared.contains(inputs[i])) {
        throw spec.error("reads '" + inputs[i] + "', a later layer: inputs must be '" + Network.INPUT
            + "' or earlier layers, so that the graph has no cycle");
      }
      throw spec.error("reads '" + inputs[i] + "', which is neither '" + Network.INPUT + "' nor a layer of the spec");
    }
    return result;
  }

  /** The optional "outputs": a non-empty array of layer names; null when absent (the last layer). */
  private static String[] outputs(String source, JsonNode v, Map<String, int[]> shapes) {
    if (v == null) {
      return null;
    }
    boolean ok = v.isArray() && !v.isEmpty();
    String[] names = new String[ok ? v.size() : 0];
    for (int i = 0; ok && i < names.length; i++) {
      ok = v.get(i).isTextual() && !v.get(i).asText().isEmpty();
      names[i] = v.get(i).asText();
    }
    if (!ok) {
      throw new ModelFormatException(source + ": field 'outputs' must be a non-empty array of layer names but is "
          + v);
    }
    for (String output : names) {
      if (output.equals(Network.INPUT) || !shapes.containsKey(output)) {
        throw new ModelFormatException(source + ": field 'outputs' names '" + output + "', which is not a layer "
            + "of the spec");
      }
    }
    return names;
  }

  /** One layer on its own, e.g. a conformance case: {@code node} is a layer entry of a spec. */
  public static Layer layer(JsonNode node, int[] inputShape, Weights weights, String source) {
    return Ops.build(new LayerSpec(source, 0, node, inputShape, weights));
  }

  /** One join on its own: {@code node} is a layer entry of a spec with a multi-input op. */
  public static Join join(JsonNode node, int[][] inputShapes, Weights weights, String source) {
    return Ops.buildJoin(new LayerSpec(source, 0, node, inputShapes, weights));
  }

  /** The spec's declared preprocessing; empty when it declares none ({@code "none"} or no field). */
  public static Optional<Preprocess> preprocess(Path file) {
    JsonNode root = read(file);
    return preprocess(root, file.toString(), inputShape(file.toString(), root.get("input_shape")));
  }

  /** Parses "preprocess" and checks that its output fits {@code input_shape}: channels, and the crop or exact size. */
  private static Optional<Preprocess> preprocess(JsonNode root, String source, int[] inputShape) {
    JsonNode v = root.get("preprocess");
    if (v == null) {
      return Optional.empty();
    }
    Optional<Preprocess> p;
    try {
      p = Preprocess.fromJson(v, source + ": field 'preprocess'");
      if (p.isPresent()) {
        if (inputShape.length != 3) {
          throw new IllegalArgumentException(source + ": field 'preprocess' needs an image input C x H x W but "
              + "input_shape is " + java.util.Arrays.toString(inputShape));
        }
        p.get().checkChannels(inputShape[0]);
      }
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(e.getMessage().startsWith(source) ? e.getMessage() : source + ": field "
          + "'preprocess' " + e.getMessage(), e);
    }
    int[] size = p.map(Preprocess::outputSize).orElse(null);
    if (size != null && (size[0] != inputShape[1] || size[1] != inputShape[2])) {
      throw new ModelFormatException(source + ": field 'preprocess' makes " + size[0] + " x " + size[1]
          + " images but input_shape is " + java.util.Arrays.toString(inputShape));
    }
    return p;
  }

  private static int[] inputShape(String source, JsonNode v) {
    boolean ok = v != null && v.isArray() && !v.isEmpty();
    int[] shape = new int[ok ? v.size() : 0];
    for (int i = 0; ok && i < shape.length; i++) {
      ok = v.get(i).isInt() && v.get(i).asInt() > 0;
      shape[i] = v.get(i).asInt();
    }
    if (!ok) {
      throw new ModelFormatException(source + ": field 'input_shape' must be a non-empty array of positive "
          + "integers (the sample shape without batch) but is " + v);
    }
    return shape;
  }

  private static Weights weightSource(String source, JsonNode v) {
    if (v == null) {
      throw new ModelFormatException(source + ": no field 'weights' and no weight file given (--weights)");
    }
    boolean seeded = v != null && v.isObject() && v.size() == 2 && v.path("init").asText().equals("seeded")
        && v.path("seed").isIntegralNumber();
    if (!seeded) {
      throw new ModelFormatException(source + ": field 'weights' must be {\"init\": \"seeded\", \"seed\": N} "
          + "or {\"file\": \"W.safetensors\"} but is " + v);
    }
    return Weights.seeded(v.get("seed").asLong());
  }
}
