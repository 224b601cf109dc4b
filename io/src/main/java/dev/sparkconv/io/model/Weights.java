package dev.sparkconv.io.model;

import dev.sparkconv.nn.Init;

/** Where a layer's tensors come from: seeded values, or named tensors from a file. */
public interface Weights {
  /**
   * Tensor {@code tensor} ("weight", "bias", ...) of {@code layer}, exactly {@code count} values.
   * {@code fanIn} sets the seeded bound 1/sqrt(fanIn), PyTorch's default.
   */
  float[] tensor(LayerSpec layer, String tensor, int count, int fanIn);

  /**
   * Tensor {@code tensor} of {@code layer} whose PyTorch initialisation is the constant {@code init}
   * (batch-norm statistics, PReLU slopes: random values would be invalid or meaningless). Sources
   * of stored values return them as {@link #tensor} does; seeded weights return the constant.
   */
  default float[] constant(LayerSpec layer, String tensor, int count, float init) {
    return tensor(layer, tensor, count, 1);
  }

  /**
   * Uniform values from a model seed, the layer's position and the tensor's name: the same on every
   * JVM; tensors PyTorch initialises to a constant get that constant.
   */
  static Weights seeded(long seed) {
    return new Weights() {
      @Override
      public float[] tensor(LayerSpec layer, String tensor, int count, int fanIn) {
        return Init.uniform(Init.tensorSeed(seed, layer.index(), tensor), count,
            (float) (1 / Math.sqrt(Math.max(1, fanIn))));
      }

      @Override
      public float[] constant(LayerSpec layer, String tensor, int count, float init) {
        float[] values = new float[count];
        java.util.Arrays.fill(values, init);
        return values;
      }
    };
  }
}
