package dev.sparkconv.io.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.nn.AvgPool2d;
import dev.sparkconv.nn.Conv2d;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.Init;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.MaxPool2d;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Softmax;
import dev.sparkconv.tensor.Shapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The native JSON model spec: a name, a per-sample input shape, a weight source and a list of
 * layers. Input channels and features are inferred from the running shape, so a spec states
 * only what a user would choose. Every error names the file, the layer and the field.
 */
public final class NativeSpec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_FIELDS = Set.of("name", "input_shape", "weights", "layers");

  private final Path file;
  private final long seed;

  private NativeSpec(Path file, long seed) {
    this.file = file;
    this.seed = seed;
  }

  public static Network load(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelFormatException("model file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException("model file " + file + ": expected a JSON object at the top level");
    }
    rejectUnknown(file, "the model", root, TOP_FIELDS);
    String name = text(file, "the model", root, "name");
    long seed = weightSeed(file, root.get("weights"));
    int[] inputShape = ints(file, "the model", root, "input_shape", -1);
    JsonNode layers = root.get("layers");
    if (layers == null || !layers.isArray() || layers.isEmpty()) {
      throw new ModelFormatException("model file " + file + ": field 'layers' must be a non-empty array");
    }
    NativeSpec spec = new NativeSpec(file, seed);
    List<Layer> built = new ArrayList<>();
    int[] shape = inputShape;
    for (int i = 0; i < layers.size(); i++) {
      JsonNode node = layers.get(i);
      String where = node.hasNonNull("name") ? "layer '" + node.get("name").asText() + "'" : "layer #" + i;
      Layer layer = spec.layer(where, i, node, shape);
      try {
        shape = layer.outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException("model file " + file + ": " + e.getMessage(), e);
      }
      built.add(layer);
    }
    try {
      return new Network(name, inputShape, built);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("model file " + file + ": " + e.getMessage(), e);
    }
  }

  private static long weightSeed(Path file, JsonNode weights) {
    if (weights == null || !weights.isObject()) {
      throw new ModelFormatException("model file " + file
          + ": field 'weights' must be an object such as {\"init\": \"seeded\", \"seed\": 42}");
    }
    rejectUnknown(file, "'weights'", weights, Set.of("init", "seed"));
    String init = text(file, "'weights'", weights, "init");
    if (!init.equals("seeded")) {
      throw new ModelFormatException("model file " + file + ": weights.init '" + init
          + "' is not supported (expected 'seeded')");
    }
    return integer(file, "'weights'", weights, "seed", 0);
  }

  private Layer layer(String where, int index, JsonNode node, int[] in) {
    String op = text(file, where, node, "op");
    String name = text(file, where, node, "name");
    try {
      return switch (op) {
        case "conv2d" -> conv2d(where, index, name, node, in);
        case "linear" -> linear(where, index, name, node, in);
        case "relu" -> simple(where, node, new Relu(name));
        case "flatten" -> simple(where, node, new Flatten(name));
        case "softmax" -> simple(where, node, new Softmax(name));
        case "global_avgpool" -> simple(where, node, new GlobalAvgPool(name));
        case "maxpool2d" -> {
          rejectUnknown(file, where, node, Set.of("op", "name", "kernel", "stride", "padding", "ceil_mode"));
          int[] kernel = pair(where, node, "kernel", -1);
          yield new MaxPool2d(name, kernel, pairOr(where, node, "stride", kernel), pair(where, node, "padding", 0),
              bool(where, node, "ceil_mode", false));
        }
        case "avgpool2d" -> {
          rejectUnknown(file, where, node,
              Set.of("op", "name", "kernel", "stride", "padding", "ceil_mode", "count_include_pad"));
          int[] kernel = pair(where, node, "kernel", -1);
          yield new AvgPool2d(name, kernel, pairOr(where, node, "stride", kernel), pair(where, node, "padding", 0),
              bool(where, node, "ceil_mode", false), bool(where, node, "count_include_pad", true));
        }
        default -> throw new ModelFormatException("model file " + file + ": " + where + " has unknown op '" + op
            + "' (known: conv2d, linear, relu, flatten, softmax, global_avgpool, maxpool2d, avgpool2d)");
      };
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("model file " + file + ": " + where + ": " + e.getMessage(), e);
    }
  }

  private Layer simple(String where, JsonNode node, Layer layer) {
    rejectUnknown(file, where, node, Set.of("op", "name"));
    return layer;
  }

  private Layer conv2d(String where, int index, String name, JsonNode node, int[] in) {
    rejectUnknown(file, where, node,
        Set.of("op", "name", "out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias"));
    if (in.length != 3) {
      throw new ModelFormatException("model file " + file + ": " + where + " (conv2d) needs a (C, H, W) input but gets "
          + Shapes.format(in));
    }
    int inChannels = in[0];
    int outChannels = (int) integer(file, where, node, "out_channels", -1);
    int groups = (int) integer(file, where, node, "groups", 1);
    int[] kernel = pair(where, node, "kernel", -1);
    if (groups < 1 || inChannels % groups != 0) {
      throw new ModelFormatException("model file " + file + ": " + where + ": groups " + groups
          + " must divide the " + inChannels + " input channels");
    }
    int fanIn = inChannels / groups * kernel[0] * kernel[1];
    float[] weight = init(index, 0, outChannels * fanIn, fanIn);
    float[] bias = bool(where, node, "bias", true) ? init(index, 1, outChannels, fanIn) : null;
    return new Conv2d(name, inChannels, outChannels, kernel, pair(where, node, "stride", 1),
        pair(where, node, "padding", 0), pair(where, node, "dilation", 1), groups, weight, bias);
  }

  private Layer linear(String where, int index, String name, JsonNode node, int[] in) {
    rejectUnknown(file, where, node, Set.of("op", "name", "out_features", "bias"));
    if (in.length != 1) {
      throw new ModelFormatException("model file " + file + ": " + where + " (linear) needs a flat (F) input but gets "
          + Shapes.format(in) + "; add a flatten layer before it");
    }
    int outFeatures = (int) integer(file, where, node, "out_features", -1);
    float[] weight = init(index, 0, outFeatures * in[0], in[0]);
    float[] bias = bool(where, node, "bias", true) ? init(index, 1, outFeatures, in[0]) : null;
    return new Linear(name, in[0], outFeatures, weight, bias);
  }

  /** PyTorch's default bound 1/sqrt(fan_in); the seed mixes model seed, layer index and tensor. */
  private float[] init(int layerIndex, int tensor, int count, int fanIn) {
    long tensorSeed = seed * 1_000_003L + layerIndex * 2L + tensor;
    return Init.uniform(tensorSeed, count, (float) (1.0 / Math.sqrt(fanIn)));
  }

  private int[] pair(String where, JsonNode node, String field, int dflt) {
    JsonNode v = node.get(field);
    if (v != null && v.isInt()) {
      return new int[] {v.asInt(), v.asInt()};
    }
    return ints(file, where, node, field, dflt, 2);
  }

  private int[] pairOr(String where, JsonNode node, String field, int[] dflt) {
    return node.has(field) ? pair(where, node, field, -1) : dflt.clone();
  }

  private boolean bool(String where, JsonNode node, String field, boolean dflt) {
    JsonNode v = node.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new ModelFormatException("model file " + file + ": " + where + ": field '" + field
          + "' must be true or false but is " + v);
    }
    return v.asBoolean();
  }

  private static int[] ints(Path file, String where, JsonNode node, String field, int dflt, int... length) {
    JsonNode v = node.get(field);
    if (v == null && dflt >= 0) {
      int[] filled = new int[length[0]];
      java.util.Arrays.fill(filled, dflt);
      return filled;
    }
    boolean lengthOk = v != null && v.isArray() && (length.length == 0 ? !v.isEmpty() : v.size() == length[0]);
    if (!lengthOk) {
      throw new ModelFormatException("model file " + file + ": " + where + ": field '" + field + "' must be "
          + (length.length == 0 ? "a non-empty array" : "an integer or an array of " + length[0])
          + " of integers but is " + v);
    }
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isInt()) {
        throw new ModelFormatException("model file " + file + ": " + where + ": field '" + field
            + "' must hold integers but is " + v);
      }
      out[i] = v.get(i).asInt();
    }
    return out;
  }

  private static String text(Path file, String where, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new ModelFormatException("model file " + file + ": " + where + ": field '" + field
          + "' must be a non-empty string but is " + v);
    }
    return v.asText();
  }

  private static long integer(Path file, String where, JsonNode node, String field, long dflt) {
    JsonNode v = node.get(field);
    if (v == null && dflt >= 0) {
      return dflt;
    }
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new ModelFormatException("model file " + file + ": " + where + ": field '" + field
          + "' must be an integer but is " + v);
    }
    return v.asLong();
  }

  private static void rejectUnknown(Path file, String where, JsonNode node, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw new ModelFormatException("model file " + file + ": " + where + " has unknown field '" + field
            + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }
}
