package dev.sparkconv.io.model;

import dev.sparkconv.nn.Init;

/** Where a layer's tensors come from: seeded values, or named tensors from a file. */
public interface Weights {
  /**
   * Tensor {@code tensor} ("weight", "bias", ...) of {@code layer}, exactly {@code count} values.
   * {@code fanIn} sets the seeded bound 1/sqrt(fanIn), PyTorch's default.
   */
  float[] tensor(LayerSpec layer, String tensor, int count, int fanIn);

  /** Uniform values from a model seed, the layer's position and the tensor's name: the same on every JVM. */
  static Weights seeded(long seed) {
    return (layer, tensor, count, fanIn) ->
        Init.uniform(Init.tensorSeed(seed, layer.index(), tensor), count, (float) (1 / Math.sqrt(Math.max(1, fanIn))));
  }
}
