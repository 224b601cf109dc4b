package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * An operator applied to every element independently: any input shape, the same output shape.
 * Each subclass writes its own loop, so that the JIT compiles one monomorphic loop per function.
 */
abstract class Elementwise extends BaseLayer {
  Elementwise(String op, String name) {
    super(op, name);
  }

  @Override
  public final int[] outputShape(int[] in) {
    return in.clone();
  }

  /** Elements of the whole batch. */
  static int count(int batch, int[] inShape) {
    return batch * Shapes.size(inShape);
  }
}
