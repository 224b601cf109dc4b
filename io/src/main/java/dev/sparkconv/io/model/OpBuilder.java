package dev.sparkconv.io.model;

import dev.sparkconv.nn.Layer;

/** Builds one operator from its spec entry; errors go through {@link LayerSpec#error}. */
@FunctionalInterface
public interface OpBuilder {
  Layer build(LayerSpec spec);
}
