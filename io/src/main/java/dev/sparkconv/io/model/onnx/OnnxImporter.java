package dev.sparkconv.io.model.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sparkconv.io.model.BatchNormFolding;
import dev.sparkconv.io.model.ModelFormatException;
import dev.sparkconv.nn.Join;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports an ONNX model as a {@link Network}: the one graph input becomes the network input (its
 * batch axis dropped), initializers and constant subgraphs (the Shape / Gather / Concat chains
 * exporters emit) are folded at load for the input's static shape, and every other node becomes
 * network nodes ({@link OnnxOps}). An op, attribute or input we cannot honour exactly is a
 * {@link ModelFormatException} naming the node: never a silently different network.
 */
public final class OnnxImporter {
  static final int MIN_OPSET = 7;
  static final int MAX_OPSET = 21;

  final String source;
  final int opset;
  /** The graph input's fixed batch size, or -1 when dynamic: a literal target like Reshape's [1, ...] means it. */
  long declaredBatch = -1;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Integer> readers = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Set<String> names = new HashSet<>(Set.of(Network.INPUT));

  /** The per-sample input shape the caller fixes (null: the graph's own); it decides every folded shape. */
  private final int[] requestedShape;

  /** The model's folder, for external data; null when the model was not read from a file. */
  private final Path dir;

  private OnnxImporter(String source, int opset, int[] requestedShape, Path dir) {
    this.source = source;
    this.dir = dir;
    this.opset = opset;
    this.requestedShape = requestedShape == null ? null : requestedShape.clone();
  }

  public static Network load(Path file) {
    return load(file, null);
  }

  /**
   * Imports for a given per-sample input shape (no batch axis), which fills the graph input's
   * dynamic axes (e.g. a height and width exported with dynamic_axes) and must agree with its fixed
   * ones; null keeps the graph's own shape.
   */
  public static Network load(Path file, int[] sampleShape) {
    ModelProto model;
    try (InputStream in = Files.newInputStream(file)) {
      model = ModelProto.parseFrom(in);
    } catch (IOException e) {
      throw new ModelFormatException(file + " is not a readable ONNX model: " + e.getMessage(), e);
    }
    return load(model, file.toString(), sampleShape, file.toAbsolutePath().getParent());
  }

  static Network load(ModelProto model, String source, int[] sampleShape) {
    return load(model, source, sampleShape, null);
  }

  /** {@code dir}: where external data files lie (null: a model without a folder, whose external data is refused). */
  static Network load(ModelProto model, String source, int[] sampleShape, Path dir) {
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new ModelFormatException(source + ": not an ONNX model (no graph nodes)");
    }
    int opset = -1;
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        opset = (int) id.getVersion();
      }
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new ModelFormatException(source + ": ONNX opset " + opset + " is not supported (" + MIN_OPSET + " to "
          + MAX_OPSET + ")");
    }
    return new OnnxImporter(source, opset, sampleShape, dir).build(model.getGraph());
  }

  private Network build(GraphProto graph) {
    for (TensorProto t : graph.getInitializerList()) {
      try {
        values.put(t.getName(), Tensors.of(t, dir));
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(source + ": initializer " + e.getMessage(), e);
      }
    }
    int[] inputShape = input(graph);
    for (NodeProto n : graph.getNodeList()) {
      n.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum));
    }
    graph.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));
    for (int k = 0; k < graph.getNodeCount(); k++) {
      convert(graph.getNode(k), k);
    }
    String[] outputs = graph.getOutputList().stream().map(o -> outputNode(o.getName())).toArray(String[]::new);
    try {
      BatchNormFolding.Folded folded = BatchNormFolding.fold(live(outputs), outputs);
      return new Network(networkName(graph), inputShape, folded.nodes().toArray(new Node[0]), folded.outputs());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": " + e.getMessage(), e);
    }
  }

  private void convert(NodeProto proto, int index) {
    OnnxNode node = new OnnxNode(proto, index, opset, source);
    if (!proto.getDomain().isEmpty() && !proto.getDomain().equals("ai.onnx")) {
      throw node.error("op domain '" + proto.getDomain() + "' is not supported (only the default ONNX domain)");
    }
    try {
      if (node.op.equals("If")) {
        inlineIf(node);
      } else if (!Folding.fold(node, this)) {
        OnnxOps.convert(node, this);
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) { // layer constructors name the parameter
      throw node.error(String.valueOf(e.getMessage()));
    }
  }

  /**
   * An If whose condition folds at load (torch guards decompositions with a rank check, as for LRN): the taken
   * branch's nodes are imported in its place (they read the outer scope's values), its outputs become the If's.
   */
  private void inlineIf(OnnxNode n) {
    n.allow("then_branch", "else_branch");
    Value.Const cond = constant(n, 0);
    if (cond == null || cond.size() != 1) {
      throw n.error("needs a condition known at load (a constant or foldable scalar)");
    }
    GraphProto branch = n.attribute(cond.values()[0] != 0 ? "then_branch" : "else_branch").getG();
    for (TensorProto t : branch.getInitializerList()) {
      values.put(t.getName(), Tensors.of(t, dir));
    }
    branch.getNodeList().forEach(b -> b.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum)));
    branch.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));
    for (NodeProto b : branch.getNodeList()) {
      convert(b, n.index);
    }
    if (branch.getOutputCount() != n.outputs().size()) {
      throw n.error("branch has " + branch.getOutputCount() + " outputs for " + n.outputs().size());
    }
    for (int k = 0; k < n.outputs().size(); k++) {
      define(n.outputs().get(k), value(n, branch.getOutput(k).getName()));
    }
  }

  /** The one graph input that is not an initializer: a float tensor whose axes but the first are fixed. */
  private int[] input(GraphProto graph) {
    List<ValueInfoProto> inputs = graph.getInputList().stream().filter(i -> !values.containsKey(i.getName())).toList();
    if (inputs.size() != 1) {
      throw new ModelFormatException(source + ": the graph must have exactly one input but has " + inputs.size()
          + " " + inputs.stream().map(ValueInfoProto::getName).toList());
    }
    ValueInfoProto in = inputs.get(0);
    var type = in.getType().getTensorType();
    if (type.getElemType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new ModelFormatException(source + ": graph input '" + in.getName() + "' must be float32 but has type "
          + TensorProto.DataType.forNumber(type.getElemType()));
    }
    List<TensorShapeProto.Dimension> dims = type.getShape().getDimList();
    if (!dims.isEmpty() && dims.get(0).hasDimValue() && dims.get(0).getDimValue() > 0) {
      declaredBatch = dims.get(0).getDimValue();
    }
    int[] sample = new int[Math.max(0, dims.size() - 1)];
    if (requestedShape != null && requestedShape.length != sample.length) {
      throw new ModelFormatException(source + ": input shape " + java.util.Arrays.toString(requestedShape)
          + " does not have the " + sample.length + " axes of graph input '" + in.getName() + "' (without the batch)");
    }
    for (int d = 1; d < dims.size(); d++) {
      boolean fixed = dims.get(d).hasDimValue() && dims.get(d).getDimValue() > 0;
      if (requestedShape != null && (requestedShape[d - 1] < 1
          || fixed && dims.get(d).getDimValue() != requestedShape[d - 1])) {
        throw new ModelFormatException(source + ": input shape " + java.util.Arrays.toString(requestedShape)
            + " does not fit graph input '" + in.getName() + "' axis " + d + " of size " + dims.get(d).getDimValue());
      }
      if (!fixed && requestedShape == null) {
        throw new ModelFormatException(source + ": graph input '" + in.getName() + "' axis " + d + " is dynamic ('"
            + dims.get(d).getDimParam() + "'); give the input shape to import it for");
      }
      sample[d - 1] = requestedShape != null ? requestedShape[d - 1] : (int) dims.get(d).getDimValue();
    }
    if (sample.length == 0) {
      throw new ModelFormatException(source + ": graph input '" + in.getName() + "' needs a batch axis and at "
          + "least one more");
    }
    values.put(in.getName(), new Value.Dyn(Network.INPUT, sample));
    return sample;
  }

  private String outputNode(String value) {
    Value v = values.get(value);
    if (!(v instanceof Value.Dyn d) || d.node().equals(Network.INPUT)) {
      throw new ModelFormatException(source + ": graph output '" + value + "' is "
          + (v == null ? "never computed" : v instanceof Value.Const ? "a constant" : "the input itself")
          + "; it must be computed from the input");
    }
    return d.node();
  }

  private static String networkName(GraphProto graph) {
    String name = sanitize(graph.getName());
    return name.isEmpty() ? "onnx" : name;
  }

  // ---- what the op converters use ----

  Value value(OnnxNode node, String name) {
    Value v = values.get(name);
    if (v == null) {
      throw node.error("reads '" + name + "', which no earlier node, initializer or input defines (nodes must be "
          + "in a topological order)");
    }
    return v;
  }

  /** Input k, which must be present. */
  Value input(OnnxNode node, int k) {
    if (node.input(k).isEmpty()) {
      throw node.error("needs input #" + k);
    }
    return value(node, node.input(k));
  }

  /** Input k as a constant (null when absent); a computed one is an error. */
  Value.Const constant(OnnxNode node, int k) {
    if (node.input(k).isEmpty()) {
      return null;
    }
    if (!(value(node, node.input(k)) instanceof Value.Const c)) {
      throw node.error("input #" + k + " '" + node.input(k) + "' must be a constant (an initializer or foldable at "
          + "load) but is computed from the network input");
    }
    return c;
  }

  /** Input k as a constant that must be present. */
  Value.Const requiredConstant(OnnxNode node, int k) {
    Value.Const c = constant(node, k);
    if (c == null) {
      throw node.error("needs input #" + k);
    }
    return c;
  }

  /** Input k as a computed tensor; a constant is an error. */
  Value.Dyn dyn(OnnxNode node, int k) {
    if (!(input(node, k) instanceof Value.Dyn d)) {
      throw node.error("input #" + k + " '" + node.input(k) + "' is a constant; this op needs it computed from the "
          + "network input");
    }
    return d;
  }

  void define(String output, Value v) {
    values.put(output, v);
  }

  /** How many nodes (and graph outputs) read a value. */
  int readers(String value) {
    return readers.getOrDefault(value, 0);
  }

  /** Adds a layer reading {@code in}; returns its output. */
  Value.Dyn emit(Layer layer, Value.Dyn in) {
    return add(Node.of(layer, in.node()), new int[][] {in.sample()});
  }

  Value.Dyn emit(Join join, Value.Dyn... in) {
    String[] inputs = new String[in.length];
    int[][] shapes = new int[in.length][];
    for (int k = 0; k < in.length; k++) {
      inputs[k] = in[k].node();
      shapes[k] = in[k].sample();
    }
    return add(Node.of(join, inputs), shapes);
  }

  private Value.Dyn add(Node node, int[][] shapes) {
    int[] out = node.outputShape(shapes); // a shape mismatch is found here, at the node, not at Network build
    nodes.add(node);
    return new Value.Dyn(node.name(), out);
  }

  /** The network node that computed {@code d}, or null for the input. */
  Node producer(Value.Dyn d) {
    return node(d.node());
  }

  /** The network node of this name, or null (the input). */
  Node node(String name) {
    for (int k = nodes.size() - 1; k >= 0; k--) {
      if (nodes.get(k).name().equals(name)) {
        return nodes.get(k);
      }
    }
    return null;
  }

  /** The nodes the outputs read, directly or not: a fusion leaves the nodes it replaced unread. */
  private List<Node> live(String[] outputs) {
    Set<String> needed = new HashSet<>(List.of(outputs));
    List<Node> kept = new ArrayList<>();
    for (int k = nodes.size() - 1; k >= 0; k--) {
      Node node = nodes.get(k);
      if (needed.contains(node.name())) {
        kept.add(0, node);
        needed.addAll(List.of(node.inputs()));
      }
    }
    return kept;
  }

  void replace(Node old, Node replacement) {
    nodes.set(nodes.indexOf(old), replacement);
  }

  /** A unique node name from an ONNX node name ("/layer1/conv/Conv" -> "layer1.conv.Conv"), or the op type. */
  String name(OnnxNode node) {
    String base = sanitize(node.name);
    return unique(base.isEmpty() ? node.op.toLowerCase(java.util.Locale.ROOT) : base);
  }

  String unique(String base) {
    String name = base;
    for (int k = 2; !names.add(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  static String sanitize(String name) {
    return name.replaceAll("^[/.]+", "").replace('/', '.').replaceAll("[^A-Za-z0-9_.:-]", "_");
  }
}
