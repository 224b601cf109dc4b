package dev.sparkconv.nn;

import dev.sparkconv.tensor.Tensor;

/**
 * An operator of several inputs (residual add, concat, ...), the multi-input twin of {@link Layer}.
 * Immutable once built, like a layer; per-sample shapes, batch-first tensors. The network never
 * passes an output tensor that shares its buffer with an input.
 */
public interface Join {
  /** Unique name within its network, used in every error message. */
  String name();

  /** Operator kind, e.g. "add", "concat". */
  String op();

  /**
   * Output shape for the per-sample shapes of the inputs, in input order; throws
   * {@link ShapeException} naming this join when the count or the shapes do not fit.
   */
  int[] outputShape(int[][] inputShapes);

  /** Runs a batch: {@code in} in input order; {@code out} has the shape {@link #outputShape} gives. */
  void forward(Tensor[] in, Tensor out, ExecutionContext ctx);

  default long parameterCount() {
    return 0;
  }

  /** Multiply-accumulates per sample for these input shapes. */
  default long macs(int[][] inputShapes) {
    return 0;
  }
}
