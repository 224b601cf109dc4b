package dev.sparkconv.nn;

import dev.sparkconv.tensor.Tensor;

/**
 * One operator of a network. Immutable once built (it is broadcast to executors and shared by
 * the tasks of one JVM); per-task state lives in {@link ExecutionContext}.
 * Shapes passed here are per sample (no batch dimension); tensors are batch first.
 */
public interface Layer {
  /** Unique name within its network, used in every error message. */
  String name();

  /** Operator kind, e.g. "conv2d", "relu". */
  String op();

  /** Output shape for a per-sample input shape; throws {@link ShapeException} naming this layer. */
  int[] outputShape(int[] inputShape);

  /**
   * Runs a batch. {@code out} is preallocated with the shape {@link #outputShape} gives; both
   * tensors may be views over longer per-task buffers ({@link Tensor#view}).
   */
  void forward(Tensor in, Tensor out, ExecutionContext ctx);

  /**
   * Whether the output is the input's data unchanged under another shape (reshape, flatten, dropout at inference):
   * a plan then gives the output the input's buffer instead of copying it ({@link ExecutionPlan}).
   */
  default boolean isView() {
    return false;
  }

  default long parameterCount() {
    return 0;
  }

  /** Multiply-accumulates per sample for this input shape. */
  default long macs(int[] inputShape) {
    return 0;
  }
}
