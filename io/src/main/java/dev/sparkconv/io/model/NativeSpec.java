package dev.sparkconv.io.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The native JSON model spec: a name, a per-sample input shape, a weight source and a list of
 * layers, each built by the op registry ({@link Ops}). Input channels and features are inferred
 * from the running shape, so a spec states only what a user would choose.
 */
public final class NativeSpec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_FIELDS = Set.of("name", "input_shape", "weights", "layers");

  private NativeSpec() {}

  /** Loads a spec whose weights are described by its own "weights" field. */
  public static Network load(Path file) {
    return load(file, null);
  }

  /** Loads a spec with the given weights (null: the spec's own "weights" field). */
  public static Network load(Path file, Weights weights) {
    return parse(read(file), file.toString(), weights);
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
    Weights source0 = weights != null ? weights : weightSource(source, root.get("weights"));
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      throw new ModelFormatException(source + ": field 'layers' must be a non-empty array");
    }
    List<Layer> built = new ArrayList<>();
    int[] shape = inputShape;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec spec = new LayerSpec(source, i, layers.get(i), shape, source0);
      Layer layer = Ops.build(spec);
      try {
        shape = layer.outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source + ": " + e.getMessage(), e);
      }
      built.add(layer);
    }
    source0.finish(source);
    try {
      return new Network(name.asText(), inputShape, built);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /** One layer on its own, e.g. a conformance case: {@code node} is a layer entry of a spec. */
  public static Layer layer(JsonNode node, int[] inputShape, Weights weights, String source) {
    return Ops.build(new LayerSpec(source, 0, node, inputShape, weights));
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
          + "but is " + v);
    }
    return Weights.seeded(v.get("seed").asLong());
  }
}
