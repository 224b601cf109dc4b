package dev.sparkconv.io.model;

import dev.sparkconv.nn.Join;

/** Builds one multi-input operator from its spec entry ({@link LayerSpec#inputShapes()} has every input). */
@FunctionalInterface
public interface JoinBuilder {
  Join build(LayerSpec spec);
}
