package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** An input shape a layer cannot take; the message names the layer, what it expected and what it got. */
public final class ShapeException extends IllegalArgumentException {
  public ShapeException(Layer layer, String expected, int[] actual) {
    super("layer '" + layer.name() + "' (" + layer.op() + "): expected input " + expected
        + " but got " + Shapes.format(actual));
  }
}
