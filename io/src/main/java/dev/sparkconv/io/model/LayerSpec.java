package dev.sparkconv.io.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * One layer entry of a model spec as an op builder sees it: typed fields with defaults, the input
 * shape it will receive, and its weights. Every error names the source, the layer and the field.
 */
public final class LayerSpec {
  private final String source;
  private final int index;
  private final JsonNode node;
  private final int[][] inputShapes;
  private final Weights weights;

  LayerSpec(String source, int index, JsonNode node, int[] inputShape, Weights weights) {
    this(source, index, node, new int[][] {inputShape}, weights);
  }

  /** An entry that reads several tensors (a join), their shapes in input order. */
  LayerSpec(String source, int index, JsonNode node, int[][] inputShapes, Weights weights) {
    this.source = source;
    this.index = index;
    this.node = node;
    this.inputShapes = new int[inputShapes.length][];
    for (int i = 0; i < inputShapes.length; i++) {
      this.inputShapes[i] = inputShapes[i].clone();
    }
    this.weights = weights;
  }

  /** Position in the model, used to seed weights. */
  public int index() {
    return index;
  }

  public String name() {
    return text("name");
  }

  public String op() {
    return text("op");
  }

  /** The per-sample shape this layer receives; an error when the entry reads several tensors. */
  public int[] inputShape() {
    if (inputShapes.length != 1) {
      throw error("takes one input but reads " + inputShapes.length);
    }
    return inputShapes[0].clone();
  }

  /** The per-sample shapes of every tensor this entry reads, in the order of its "inputs". */
  public int[][] inputShapes() {
    int[][] copy = new int[inputShapes.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = inputShapes[i].clone();
    }
    return copy;
  }

  /** The input shape, checked to have {@code rank} dimensions described as {@code what}, e.g. "(C, H, W)". */
  public int[] inputShape(int rank, String what) {
    int[] inputShape = inputShape();
    if (inputShape.length != rank) {
      throw error("needs a " + what + " input but gets " + Shapes.format(inputShape));
    }
    return inputShape;
  }

  /**
   * The names in the "inputs" field (a non-empty array of non-empty strings), or {@code previous}
   * when the entry has none.
   */
  public String[] inputNames(String previous) {
    JsonNode v = node.get("inputs");
    if (v == null) {
      return new String[] {previous};
    }
    boolean ok = v.isArray() && !v.isEmpty();
    String[] names = new String[ok ? v.size() : 0];
    for (int i = 0; ok && i < names.length; i++) {
      ok = v.get(i).isTextual() && !v.get(i).asText().isEmpty();
      names[i] = v.get(i).asText();
    }
    if (!ok) {
      throw fieldError("inputs", "must be a non-empty array of layer names", v);
    }
    return names;
  }

  /** Rejects fields other than {@code op}, {@code name}, {@code inputs} and these. */
  public LayerSpec allow(String... fields) {
    Set<String> known = new TreeSet<>(Arrays.asList(fields));
    known.add("op");
    known.add("name");
    known.add("inputs");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) {
        throw error("has unknown field '" + field + "' (known: " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  public boolean has(String field) {
    return node.has(field);
  }

  /** Whether the field is present and a string (fields that take a name or numbers, e.g. padding). */
  public boolean isText(String field) {
    return node.has(field) && node.get(field).isTextual();
  }

  /** Whether the field is present and an array. */
  public boolean isArray(String field) {
    return node.has(field) && node.get(field).isArray();
  }

  public int integer(String field) {
    JsonNode v = required(field);
    if (!v.isInt()) {
      throw fieldError(field, "must be an integer", v);
    }
    return v.asInt();
  }

  public int integer(String field, int dflt) {
    return node.has(field) ? integer(field) : dflt;
  }

  public double number(String field) {
    JsonNode v = required(field);
    if (!v.isNumber()) {
      throw fieldError(field, "must be a number", v);
    }
    return v.asDouble();
  }

  public double number(String field, double dflt) {
    JsonNode v = node.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw fieldError(field, "must be a number", v);
    }
    return v.asDouble();
  }

  public boolean bool(String field, boolean dflt) {
    JsonNode v = node.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw fieldError(field, "must be true or false", v);
    }
    return v.asBoolean();
  }

  public String text(String field) {
    JsonNode v = required(field);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw fieldError(field, "must be a non-empty string", v);
    }
    return v.asText();
  }

  public String text(String field, String dflt) {
    return node.has(field) ? text(field) : dflt;
  }

  /** An integer (repeated {@code rank} times) or an array of {@code rank} integers. */
  public int[] ints(String field, int rank) {
    JsonNode v = required(field);
    if (v.isInt()) {
      int[] out = new int[rank];
      Arrays.fill(out, v.asInt());
      return out;
    }
    if (!v.isArray() || v.size() != rank) {
      throw fieldError(field, "must be an integer or an array of " + rank + " integers", v);
    }
    return intArray(field, v);
  }

  public int[] ints(String field, int rank, int dflt) {
    if (node.has(field)) {
      return ints(field, rank);
    }
    int[] out = new int[rank];
    Arrays.fill(out, dflt);
    return out;
  }

  /** A non-empty array of integers of any length. */
  public int[] intList(String field) {
    JsonNode v = required(field);
    if (!v.isArray() || v.isEmpty()) {
      throw fieldError(field, "must be a non-empty array of integers", v);
    }
    return intArray(field, v);
  }

  /** A number (repeated {@code rank} times) or an array of {@code rank} numbers. */
  public double[] numbers(String field, int rank) {
    JsonNode v = required(field);
    double[] out = new double[rank];
    if (v.isNumber()) {
      Arrays.fill(out, v.asDouble());
      return out;
    }
    if (!v.isArray() || v.size() != rank) {
      throw fieldError(field, "must be a number or an array of " + rank + " numbers", v);
    }
    for (int i = 0; i < rank; i++) {
      if (!v.get(i).isNumber()) {
        throw fieldError(field, "must hold numbers", v);
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  /**
   * Tensor {@code tensor} of this layer whose PyTorch initialisation is the constant {@code init}
   * (batch-norm statistics and affine terms, PReLU slopes): seeded weights give that constant,
   * weight files their stored values.
   */
  public float[] constantWeight(String tensor, int count, float init) {
    float[] values = weights.constant(this, tensor, count, init);
    if (values.length != count) {
      throw error("tensor '" + tensor + "' has " + values.length + " values but the layer needs " + count);
    }
    return values;
  }

  /** Tensor {@code tensor} of this layer, {@code count} values, from the model's weight source. */
  public float[] weight(String tensor, int count, int fanIn) {
    float[] values = weights.tensor(this, tensor, count, fanIn);
    if (values.length != count) {
      throw error("tensor '" + tensor + "' has " + values.length + " values but the layer needs " + count);
    }
    return values;
  }

  /** An error about this layer: "model.json: layer 'c1' (conv2d) ..." */
  public ModelFormatException error(String problem) {
    return new ModelFormatException(source + ": " + where() + " " + problem);
  }

  String where() {
    JsonNode name = node.get("name");
    JsonNode op = node.get("op");
    return (name != null && name.isTextual() ? "layer '" + name.asText() + "'" : "layer #" + index)
        + (op != null && op.isTextual() ? " (" + op.asText() + ")" : "");
  }

  private JsonNode required(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw error("is missing field '" + field + "'");
    }
    return v;
  }

  private int[] intArray(String field, JsonNode v) {
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isInt()) {
        throw fieldError(field, "must hold integers", v);
      }
      out[i] = v.get(i).asInt();
    }
    return out;
  }

  private ModelFormatException fieldError(String field, String rule, JsonNode actual) {
    return error("field '" + field + "' " + rule + " but is " + actual);
  }
}
