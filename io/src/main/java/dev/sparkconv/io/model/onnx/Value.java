package dev.sparkconv.io.model.onnx;

import dev.sparkconv.tensor.Shapes;

/** An ONNX value at import time: a constant known at load, or a tensor a network node computes per batch. */
sealed interface Value {
  /**
   * Stands for the batch size in folded shape arithmetic (Shape of a batch tensor): an unlikely
   * size, so that a Reshape target can tell "the batch" from a real dimension.
   */
  long BATCH = 1_000_003;

  /**
   * A constant with its full ONNX shape; integer and float types alike as doubles (exact for
   * shapes), {@code integral} for integer types (their Div truncates).
   */
  record Const(int[] shape, double[] values, boolean integral) implements Value {
    public Const {
      if (Shapes.size(shape) != values.length) {
        throw new IllegalArgumentException("constant of shape " + Shapes.format(shape) + " has " + values.length
            + " values");
      }
    }

    float[] floats() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return f;
    }

    long[] longs() {
      long[] l = new long[values.length];
      for (int i = 0; i < l.length; i++) {
        l[i] = (long) values[i];
      }
      return l;
    }

    int rank() {
      return shape.length;
    }
  }

  /** The output of network node {@code node} (or the network input), per-sample shape {@code sample}. */
  record Dyn(String node, int[] sample) implements Value {
    /** The ONNX rank, with the batch axis. */
    int rank() {
      return sample.length + 1;
    }
  }
}
