package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A sequential network. Construction checks the layer names and runs shape inference, so a bad
 * model fails at load with the offending layer named. {@link #forward} alternates between two
 * activation buffers (scratch slots {@link ScratchSlots#NETWORK_PING} and {@link ScratchSlots#NETWORK_PONG})
 * and writes the last layer into slot {@link ScratchSlots#NETWORK_OUT}; layers use other slots.
 */
public final class Network {
  private final String name;
  private final int[] inputShape;
  private final Layer[] layers;
  /** shapes[0] is the input, shapes[i + 1] the output of layer i, for the declared input shape. */
  private final int[][] shapes;

  public Network(String name, int[] inputShape, List<Layer> layers) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("network: parameter 'name' must be a non-empty string");
    }
    if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("network '" + name + "': parameter 'inputShape' must have positive "
          + "dimensions but is " + (inputShape == null ? "null" : Shapes.format(inputShape)));
    }
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException("network '" + name + "': parameter 'layers' must be non-empty");
    }
    this.name = name;
    this.inputShape = inputShape.clone();
    this.layers = layers.toArray(new Layer[0]);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < this.layers.length; i++) {
      Layer layer = this.layers[i];
      if (layer == null) {
        throw new IllegalArgumentException("network '" + name + "': layer #" + i + " is null");
      }
      if (!seen.add(layer.name())) {
        throw new IllegalArgumentException("network '" + name + "': layer name '" + layer.name()
            + "' is used twice (layer #" + i + ")");
      }
    }
    this.shapes = inferShapes(this.inputShape);
  }

  public String name() {
    return name;
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  public int[] outputShape() {
    return shapes[layers.length].clone();
  }

  public List<Layer> layers() {
    return List.of(layers);
  }

  /** Output shape for another per-sample input shape; a {@link ShapeException} names the first layer that refuses it. */
  public int[] outputShape(int[] sampleShape) {
    int[][] inferred = inferShapes(sampleShape);
    return inferred[layers.length];
  }

  public long parameterCount() {
    long total = 0;
    for (Layer layer : layers) {
      total += layer.parameterCount();
    }
    return total;
  }

  /** Multiply-accumulates per sample for the declared input shape. */
  public long macs() {
    long total = 0;
    for (int i = 0; i < layers.length; i++) {
      total += layers[i].macs(shapes[i]);
    }
    return total;
  }

  /**
   * Runs a batch (N, sample...). The returned tensor is a view over {@code ctx}'s scratch (its
   * backing array may be longer than its size): it is valid until the next call with the same context.
   */
  public Tensor forward(Tensor batch, ExecutionContext ctx) {
    if (batch.rank() < 1) {
      throw new IllegalArgumentException("network '" + name + "': input needs a batch dimension but has shape "
          + Shapes.format(batch.shape()));
    }
    int n = batch.dim(0);
    int[] sample = Shapes.sample(batch.shape());
    int[][] run = Arrays.equals(sample, inputShape) ? shapes : inferShapes(sample);
    int between = 0; // largest activation between two layers
    for (int i = 1; i < layers.length; i++) {
      between = Math.max(between, Shapes.size(run[i]));
    }
    float[] ping = ctx.scratch(ScratchSlots.NETWORK_PING, n * between);
    float[] pong = ctx.scratch(ScratchSlots.NETWORK_PONG, n * between);
    float[] result = ctx.scratch(ScratchSlots.NETWORK_OUT, n * Shapes.size(run[layers.length]));
    Tensor in = batch;
    for (int i = 0; i < layers.length; i++) {
      float[] buffer = i == layers.length - 1 ? result : (i % 2 == 0 ? ping : pong);
      Tensor out = Tensor.view(buffer, Shapes.batched(n, run[i + 1]));
      layers[i].forward(in, out, ctx);
      in = out;
    }
    return in;
  }

  private int[][] inferShapes(int[] sampleShape) {
    int[][] inferred = new int[layers.length + 1][];
    inferred[0] = sampleShape.clone();
    for (int i = 0; i < layers.length; i++) {
      inferred[i + 1] = layers[i].outputShape(inferred[i]);
    }
    return inferred;
  }

  @Override
  public String toString() {
    return "network '" + name + "' " + Shapes.format(inputShape) + " -> " + Shapes.format(outputShape())
        + ", " + layers.length + " layers";
  }
}
