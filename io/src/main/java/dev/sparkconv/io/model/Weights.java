package dev.sparkconv.io.model;

import dev.sparkconv.nn.Init;

/** Where a layer's tensors come from: seeded values, or named tensors from a file. */
public interface Weights {
  /**
   * Tensor {@code tensor} ("weight", "bias", ...) of {@code layer}, exactly {@code count} values.
   * {@code fanIn} sets the seeded bound 1/sqrt(fanIn), PyTorch's default.
   */
  float[] tensor(LayerSpec layer, String tensor, int count, int fanIn);

  /** Called once the whole model is built: a file-backed source rejects tensors no layer took. */
  default void finish(String source) {}

  /**
   * Named tensors, e.g. from a safetensors file: layer L's tensor T is "L.T" (PyTorch's state_dict
   * naming). Like load_state_dict(strict=True), a missing or an unused tensor is an error.
   */
  static Weights named(java.util.Map<String, dev.sparkconv.tensor.Tensor> tensors, String file) {
    java.util.Set<String> unused = new java.util.TreeSet<>(tensors.keySet());
    return new Weights() {
      @Override
      public float[] tensor(LayerSpec layer, String tensor, int count, int fanIn) {
        String key = layer.name() + "." + tensor;
        dev.sparkconv.tensor.Tensor t = tensors.get(key);
        if (t == null) {
          throw layer.error("needs tensor '" + key + "', which " + file + " does not have");
        }
        unused.remove(key);
        return t.toArray();
      }

      @Override
      public void finish(String source) {
        if (!unused.isEmpty()) {
          throw new ModelFormatException(source + ": " + file + " has tensors no layer uses: " + unused);
        }
      }
    };
  }

  /** The tensors of a safetensors file, used as {@link #named} uses them. */
  static Weights file(java.nio.file.Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new ModelFormatException("weights file " + file + " does not exist");
    }
    try {
      return named(dev.sparkconv.io.Safetensors.read(file), file.toString());
    } catch (java.io.IOException e) {
      throw new ModelFormatException("cannot read weights: " + e.getMessage(), e);
    }
  }

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
