package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import dev.sparkconv.kernel.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A network: a directed acyclic graph of {@link Node}s over one input tensor named {@link #INPUT}.
 * A sequential list of layers is the special case where each layer reads the previous one.
 *
 * <p>Construction checks everything once and names the node at fault: unique names, known inputs,
 * no cycle, and shape inference for the declared input shape. Nodes run in a topological order
 * (the declaration order whenever it is one).
 *
 * <p>This class is the graph. How it runs (the nodes needed, fusion, buffers, a {@link ConvPlan} per convolution)
 * is an {@link ExecutionPlan}, made on first use per input shape and set of requested nodes and cached here
 * (never serialized: a broadcast network plans on its executor); the {@link Executor} runs it. Plans are
 * immutable and the scratch is the task's {@link ExecutionContext}, so tasks may share one network.
 */
public final class Network {
  /** The name nodes use to read the network's input. */
  public static final String INPUT = "input";
  static final int FROM_INPUT = -1;

  private final String name;
  private final int[] inputShape;
  /** Declaration order. */
  private final Node[] nodes;
  /** inputIndex[v][i]: the node that input i of node v reads, or FROM_INPUT. */
  private final int[][] inputIndex;
  /** A topological order of all nodes, as node indices. */
  private final int[] order;
  /** The designated outputs; the first is what {@link #forward(Tensor, ExecutionContext)} returns. */
  private final String[] outputs;
  private final int[] outputIndex;
  /** Output shape per node for the declared input shape. */
  private final int[][] shapes;
  /** Plans by input shape, requested nodes and GEMM layout; transient, so null after Kryo until first use. */
  private transient volatile Map<PlanKey, ExecutionPlan> plans;

  /** A sequential network: each layer reads the previous one's output, the first the input. */
  public Network(String name, int[] inputShape, List<Layer> layers) {
    this(name, inputShape, chain(name, layers));
  }

  /**
   * A graph network. {@code outputs} names the designated output nodes (none: the last node); the
   * first is what {@link #forward(Tensor, ExecutionContext)} returns.
   */
  public Network(String name, int[] inputShape, Node[] nodes, String... outputs) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("network: parameter 'name' must be a non-empty string");
    }
    if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("network '" + name + "': parameter 'inputShape' must have positive "
          + "dimensions but is " + (inputShape == null ? "null" : Shapes.format(inputShape)));
    }
    if (nodes == null || nodes.length == 0) {
      throw new IllegalArgumentException("network '" + name + "': parameter 'layers' must be non-empty");
    }
    this.name = name;
    this.inputShape = inputShape.clone();
    this.nodes = nodes.clone();
    Map<String, Integer> index = new HashMap<>();
    for (int v = 0; v < this.nodes.length; v++) {
      Node node = this.nodes[v];
      if (node == null) {
        throw new IllegalArgumentException("network '" + name + "': layer #" + v + " is null");
      }
      if (node.name().equals(INPUT)) {
        throw new IllegalArgumentException("network '" + name + "': layer #" + v + " is named '" + INPUT
            + "', the name of the network input");
      }
      if (index.putIfAbsent(node.name(), v) != null) {
        throw new IllegalArgumentException("network '" + name + "': layer name '" + node.name()
            + "' is used twice (layer #" + v + ")");
      }
    }
    this.inputIndex = new int[this.nodes.length][];
    for (int v = 0; v < this.nodes.length; v++) {
      String[] in = this.nodes[v].inputs();
      inputIndex[v] = new int[in.length];
      for (int i = 0; i < in.length; i++) {
        Integer u = in[i].equals(INPUT) ? Integer.valueOf(FROM_INPUT) : index.get(in[i]);
        if (u == null) {
          throw new IllegalArgumentException("network '" + name + "': " + where(v) + " reads '" + in[i]
              + "', which is neither '" + INPUT + "' nor a layer of the network");
        }
        inputIndex[v][i] = u;
      }
    }
    this.order = topologicalOrder();
    String[] wanted = outputs == null || outputs.length == 0
        ? new String[] {this.nodes[this.nodes.length - 1].name()} : outputs.clone();
    this.outputIndex = new int[wanted.length];
    for (int i = 0; i < wanted.length; i++) {
      Integer v = wanted[i] == null ? null : index.get(wanted[i]);
      if (v == null) {
        throw new IllegalArgumentException("network '" + name + "': output '" + wanted[i] + "' is not a layer "
            + "of the network");
      }
      outputIndex[i] = v;
    }
    this.outputs = wanted;
    this.shapes = inferShapes(this.inputShape, null);
  }

  /** Starts a graph network; nodes are added in a topological order or any other. */
  public static Builder builder(String name, int[] inputShape) {
    return new Builder(name, inputShape);
  }

  public String name() {
    return name;
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  /** The shape of the first designated output for the declared input shape. */
  public int[] outputShape() {
    return shapes[outputIndex[0]].clone();
  }

  /** The designated output names; the first is what {@link #forward(Tensor, ExecutionContext)} returns. */
  public String[] outputs() {
    return outputs.clone();
  }

  /** The single-input layers, in declaration order (joins are left out; see {@link #nodes()}). */
  public List<Layer> layers() {
    return Arrays.stream(nodes).map(Node::layer).filter(l -> l != null).toList();
  }

  /** Every node, in declaration order. */
  public List<Node> nodes() {
    return List.of(nodes);
  }

  /** The number of activation buffers the plan for the designated outputs uses. */
  public int bufferCount() {
    return ExecutionPlan.activationBuffers(this, outputIndex);
  }

  /**
   * Shape of the first designated output for another per-sample input shape; a
   * {@link ShapeException} names the first layer that refuses it. Layers the output does not
   * depend on are not asked.
   */
  public int[] outputShape(int[] sampleShape) {
    return inferShapes(sampleShape, ExecutionPlan.needed(this, outputIndex))[outputIndex[0]];
  }

  /** Shapes of the named nodes (or {@link #INPUT}) for a per-sample input shape. */
  public int[][] outputShapes(int[] sampleShape, String... names) {
    int[] targets = resolve(names);
    int[][] inferred = inferShapes(sampleShape, ExecutionPlan.needed(this, targets));
    int[][] result = new int[targets.length][];
    for (int i = 0; i < targets.length; i++) {
      result[i] = targets[i] == FROM_INPUT ? sampleShape.clone() : inferred[targets[i]];
    }
    return result;
  }

  public long parameterCount() {
    long total = 0;
    for (Node node : nodes) {
      total += node.parameterCount();
    }
    return total;
  }

  /** Multiply-accumulates per sample for the declared input shape, over every node. */
  public long macs() {
    long total = 0;
    for (int v = 0; v < nodes.length; v++) {
      total += nodes[v].macs(inputShapes(v, shapes, inputShape));
    }
    return total;
  }

  /** Per node output shape, parameters, MACs, receptive field and jump for the declared input shape. */
  public NetworkSummary summary() {
    return NetworkSummary.of(this, inputShape);
  }

  /** The summary for another per-sample input shape. */
  public NetworkSummary summary(int[] sampleShape) {
    return NetworkSummary.of(this, sampleShape);
  }

  /**
   * Runs a batch (N, sample...) and returns the first designated output. The returned tensor is a
   * view over {@code ctx}'s scratch (its backing array may be longer than its size): it is valid
   * until the next call with the same context.
   */
  public Tensor forward(Tensor batch, ExecutionContext ctx) {
    return Executor.run(plan(sampleOf(batch), outputIndex, oneSample(batch), ctx), batch, ctx)[0];
  }

  /**
   * Runs a batch and returns the named nodes' outputs (or the input itself for {@link #INPUT}), in
   * the order asked, e.g. intermediate features. Only the nodes they depend on run; their buffers
   * stay untouched until the end of the run. Views over scratch, valid until the next call with
   * {@code ctx}; read-only, since a node and its reshape, flatten or dropout share one array.
   */
  public Tensor[] forward(Tensor batch, ExecutionContext ctx, String... names) {
    return Executor.run(plan(sampleOf(batch), resolve(names), oneSample(batch), ctx), batch, ctx);
  }

  private static boolean oneSample(Tensor batch) {
    return batch.shape()[0] == 1;
  }

  /** The cached plan {@link #forward(Tensor, ExecutionContext, String...)} runs for this input shape and names. */
  ExecutionPlan plan(int[] sample, ExecutionContext ctx, String... names) {
    return plan(sample, resolve(names), false, ctx);
  }

  private int[] sampleOf(Tensor batch) {
    if (batch.rank() < 1) {
      throw new IllegalArgumentException("network '" + name + "': input needs a batch dimension but has shape "
          + Shapes.format(batch.shape()));
    }
    return Shapes.sample(batch.shape());
  }

  /**
   * The execution plan for per-sample input {@code sample} and the target nodes, for batches of one sample or of
   * more ({@link ExecutionPlan#oneSample}), made on first use and cached (per GEMM layout too, as it holds packed
   * weights); a bad shape fails here, naming the layer.
   */
  ExecutionPlan plan(int[] sample, int[] targets, boolean oneSample, ExecutionContext ctx) {
    Map<PlanKey, ExecutionPlan> cache = plans;
    if (cache == null) {
      synchronized (this) {
        if (plans == null) {
          plans = new ConcurrentHashMap<>();
        }
        cache = plans;
      }
    }
    PlanKey key = new PlanKey(sample, targets, oneSample, ctx.gemm().layout());
    ExecutionPlan plan = cache.get(key);
    if (plan == null) {
      if (cache.size() >= ExecutionPlan.CACHE_LIMIT) {
        cache.clear(); // many input shapes (images of every size): plans are cheap to remake, memory is not
      }
      plan = cache.computeIfAbsent(key, k -> ExecutionPlan.of(this, sample, targets, oneSample, ctx.gemm()));
    }
    return plan;
  }

  /** A cache key: arrays compared by content. */
  private record PlanKey(int[] sample, int[] targets, boolean oneSample, Gemm.Layout layout) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PlanKey k && Arrays.equals(sample, k.sample) && Arrays.equals(targets, k.targets)
          && oneSample == k.oneSample && layout.equals(k.layout);
    }

    @Override
    public int hashCode() {
      return ((31 * Arrays.hashCode(sample) + Arrays.hashCode(targets)) * 31 + Boolean.hashCode(oneSample)) * 31
          + layout.hashCode();
    }
  }

  /** Node indices for names ({@link #FROM_INPUT} for the input); an unknown name is an error. */
  private int[] resolve(String[] names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("network '" + name + "': no outputs requested");
    }
    int[] targets = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      targets[i] = INPUT.equals(names[i]) ? FROM_INPUT : indexOf(names[i]);
    }
    return targets;
  }

  private int indexOf(String node) {
    for (int v = 0; v < nodes.length; v++) {
      if (nodes[v].name().equals(node)) {
        return v;
      }
    }
    throw new IllegalArgumentException("network '" + name + "': no layer is named '" + node + "' (layers: "
        + Arrays.stream(nodes).map(Node::name).collect(Collectors.joining(", ")) + ")");
  }

  /**
   * Output shape per node, in topological order, of the nodes that are {@code needed} (all nodes when null;
   * the others stay null). A layer's {@link ShapeException} passes unchanged; other errors
   * get the layer's name in front.
   */
  int[][] inferShapes(int[] sampleShape, boolean[] needed) {
    int[][] inferred = new int[nodes.length][];
    for (int v : order) {
      if (needed != null && !needed[v]) {
        continue;
      }
      int[][] in = inputShapes(v, inferred, sampleShape);
      try {
        inferred[v] = nodes[v].outputShape(in);
      } catch (IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("'" + nodes[v].name() + "'")) {
          throw e;
        }
        throw new IllegalArgumentException(where(v) + ": " + message, e);
      }
    }
    return inferred;
  }

  /** The per-sample shapes node v reads, from per-node shapes and the input shape. */
  int[][] inputShapes(int v, int[][] perNode, int[] sampleShape) {
    int[] from = inputIndex[v];
    int[][] in = new int[from.length][];
    for (int i = 0; i < from.length; i++) {
      in[i] = from[i] == FROM_INPUT ? sampleShape : perNode[from[i]];
    }
    return in;
  }

  /** Per node output shape for a per-sample input shape, every node asked (the summary's view). */
  int[][] shapesFor(int[] sampleShape) {
    return Arrays.equals(sampleShape, inputShape) ? shapes : inferShapes(sampleShape, null);
  }

  /** The node indices node v reads, -1 for the input. */
  int[] inputsOf(int v) {
    return inputIndex[v];
  }

  /** Node indices in execution order. */
  int[] order() {
    return order;
  }

  Node node(int v) {
    return nodes[v];
  }

  int nodeCount() {
    return nodes.length;
  }

  /**
   * Kahn's algorithm taking the lowest declaration index among the ready nodes, so a declaration
   * order that is already topological is kept. Nodes left over lie on or behind a cycle: the error
   * names the nodes of one cycle in data-flow order.
   */
  private int[] topologicalOrder() {
    int count = nodes.length;
    int[] pending = new int[count];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      consumers.add(new ArrayList<>());
    }
    for (int v = 0; v < count; v++) {
      for (int u : inputIndex[v]) {
        if (u != FROM_INPUT) {
          pending[v]++;
          consumers.get(u).add(v);
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int v = 0; v < count; v++) {
      if (pending[v] == 0) {
        ready.add(v);
      }
    }
    int[] result = new int[count];
    int done = 0;
    while (!ready.isEmpty()) {
      int v = ready.poll();
      result[done++] = v;
      for (int w : consumers.get(v)) {
        if (--pending[w] == 0) {
          ready.add(w);
        }
      }
    }
    if (done < count) {
      throw new IllegalArgumentException("network '" + name + "': " + describeCycle(pending));
    }
    return result;
  }

  /** Walks inputs backwards among the unfinished nodes until one repeats. */
  private String describeCycle(int[] pending) {
    int v = 0;
    while (pending[v] == 0) {
      v++;
    }
    List<Integer> path = new ArrayList<>();
    int[] seenAt = new int[nodes.length];
    Arrays.fill(seenAt, -1);
    while (seenAt[v] < 0) {
      seenAt[v] = path.size();
      path.add(v);
      for (int u : inputIndex[v]) {
        if (u != FROM_INPUT && pending[u] > 0) {
          v = u;
          break;
        }
      }
    }
    List<Integer> cycle = new ArrayList<>(path.subList(seenAt[v], path.size()));
    java.util.Collections.reverse(cycle); // walked against the data flow
    java.util.Collections.rotate(cycle, -cycle.indexOf(java.util.Collections.min(cycle))); // first declared first
    cycle.add(cycle.get(0));
    return "layers " + cycle.stream().map(u -> "'" + nodes[u].name() + "'").collect(Collectors.joining(" -> "))
        + " form a cycle";
  }

  private String where(int v) {
    return "layer '" + nodes[v].name() + "' (" + nodes[v].op() + ")";
  }

  private static Node[] chain(String name, List<Layer> layers) {
    if (layers == null) {
      return null;
    }
    Node[] chain = new Node[layers.size()];
    for (int i = 0; i < chain.length; i++) {
      Layer layer = layers.get(i);
      if (layer == null) {
        throw new IllegalArgumentException("network '" + name + "': layer #" + i + " is null");
      }
      chain[i] = Node.of(layer, i == 0 ? INPUT : layers.get(i - 1).name());
    }
    return chain;
  }

  @Override
  public String toString() {
    return "network '" + name + "' " + Shapes.format(inputShape) + " -> " + Shapes.format(outputShape())
        + ", " + nodes.length + " layers";
  }

  /** Collects nodes for {@link Network#Network(String, int[], Node[], String...)}. */
  public static final class Builder {
    private final String name;
    private final int[] inputShape;
    private final List<Node> nodes = new ArrayList<>();
    private String[] outputs = new String[0];

    private Builder(String name, int[] inputShape) {
      this.name = name;
      this.inputShape = inputShape == null ? null : inputShape.clone();
    }

    /** A layer reading the previously added node (the input for the first). */
    public Builder add(Layer layer) {
      return add(layer, nodes.isEmpty() ? INPUT : nodes.get(nodes.size() - 1).name());
    }

    public Builder add(Layer layer, String input) {
      nodes.add(Node.of(layer, input));
      return this;
    }

    public Builder add(Join join, String... inputs) {
      nodes.add(Node.of(join, inputs));
      return this;
    }

    /** The designated outputs (default: the last node added). */
    public Builder outputs(String... names) {
      outputs = names.clone();
      return this;
    }

    public Network build() {
      return new Network(name, inputShape, nodes.toArray(new Node[0]), outputs);
    }
  }
}
