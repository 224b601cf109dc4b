package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** An input shape a layer cannot take; the message names the layer, what it expected and what it got. */
public final class ShapeException extends IllegalArgumentException {
  public ShapeException(Layer layer, String expected, int[] actual) {
    super("layer '" + layer.name() + "' (" + layer.op() + "): expected input " + expected
        + " but got " + Shapes.format(actual));
  }

  /** The same for a {@link Join}: the message lists every input shape, in input order. */
  public ShapeException(Join join, String expected, int[][] actual) {
    super("layer '" + join.name() + "' (" + join.op() + "): expected " + expected
        + " but got " + java.util.Arrays.stream(actual).map(Shapes::format)
            .collect(java.util.stream.Collectors.joining(", ", "[", "]")));
  }
}
