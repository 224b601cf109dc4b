package dev.sparkconv.io.model;

import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.Join;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Mul;
import dev.sparkconv.nn.Split;
import dev.sparkconv.nn.Sub;

/**
 * Builders of the graph ops: the joins add, sub, mul (broadcasting size-1 axes) and concat, and
 * split, one part per layer. Axes count per sample: 0 is the channel axis, negative counts from
 * the end.
 */
final class GraphOps {
  private GraphOps() {}

  static Join add(LayerSpec s) {
    return new Add(s.allow().name());
  }

  static Join sub(LayerSpec s) {
    return new Sub(s.allow().name());
  }

  static Join mul(LayerSpec s) {
    return new Mul(s.allow().name());
  }

  static Join concat(LayerSpec s) {
    s.allow("axis");
    return new Concat(s.name(), s.integer("axis", 0));
  }

  static Layer split(LayerSpec s) {
    s.allow("axis", "sizes", "part");
    return new Split(s.name(), s.integer("axis", 0), s.intList("sizes"), s.integer("part"));
  }
}
