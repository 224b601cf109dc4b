package dev.sparkconv.nn;

import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One node of a {@link Network}: a single-input {@link Layer} or a multi-input {@link Join}, and
 * the names of the tensors it reads, in order: other nodes' names or {@link Network#INPUT}. The
 * node's own output is named after its operator. Immutable (broadcast with the network).
 */
public final class Node {
  private final Layer layer; // exactly one of layer and join is set
  private final Join join;
  private final String[] inputs;

  private Node(Layer layer, Join join, String[] inputs) {
    this.layer = layer;
    this.join = join;
    this.inputs = inputs;
  }

  /** A layer reading the one named tensor. */
  public static Node of(Layer layer, String input) {
    if (layer == null) {
      throw new IllegalArgumentException("node: parameter 'layer' must not be null");
    }
    return new Node(layer, null, checkInputs(layer.name(), layer.op(), new String[] {input}));
  }

  /** A join reading the named tensors, in order (a name may repeat: add(x, x) doubles x). */
  public static Node of(Join join, String... inputs) {
    if (join == null) {
      throw new IllegalArgumentException("node: parameter 'join' must not be null");
    }
    return new Node(null, join, checkInputs(join.name(), join.op(), inputs));
  }

  private static String[] checkInputs(String name, String op, String[] inputs) {
    if (inputs == null || inputs.length == 0 || Arrays.stream(inputs).anyMatch(i -> i == null || i.isEmpty())) {
      throw new IllegalArgumentException("layer '" + name + "' (" + op + "): inputs must be non-empty names but are "
          + (inputs == null ? "null" : Arrays.toString(inputs)));
    }
    return inputs.clone();
  }

  public String name() {
    return layer != null ? layer.name() : join.name();
  }

  public String op() {
    return layer != null ? layer.op() : join.op();
  }

  /** The names this node reads, in order. */
  public String[] inputs() {
    return inputs.clone();
  }

  /** The layer, or null when this node is a join. */
  public Layer layer() {
    return layer;
  }

  /** The join, or null when this node is a layer. */
  public Join join() {
    return join;
  }

  /** Output shape for the per-sample shapes of the inputs, in input order. */
  public int[] outputShape(int[][] inputShapes) {
    return layer != null ? layer.outputShape(inputShapes[0]) : join.outputShape(inputShapes);
  }

  /** Runs a batch; {@code out} never shares a buffer with an input. */
  public void forward(Tensor[] in, Tensor out, ExecutionContext ctx) {
    if (layer != null) {
      layer.forward(in[0], out, ctx);
    } else {
      join.forward(in, out, ctx);
    }
  }

  public long parameterCount() {
    return layer != null ? layer.parameterCount() : join.parameterCount();
  }

  /** Multiply-accumulates per sample for these input shapes. */
  public long macs(int[][] inputShapes) {
    return layer != null ? layer.macs(inputShapes[0]) : join.macs(inputShapes);
  }

  @Override
  public String toString() {
    return (layer != null ? layer : join) + " <- " + Arrays.stream(inputs).collect(Collectors.joining(", "));
  }
}
