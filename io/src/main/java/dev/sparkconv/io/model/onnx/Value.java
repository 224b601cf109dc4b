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
   * A constant with its full ONNX shape: float32 tensors (weights, most of a model's bytes) as
   * floats, everything else as doubles (exact for shapes); {@code integral} for integer types
   * (their Div truncates). Load-time only; accessors hand out the stored arrays' values unchanged.
   */
  final class Const implements Value {
    private final int[] shape;
    private final boolean integral;
    private final float[] floats; // exactly one of floats and values is set
    private double[] values;

    Const(int[] shape, double[] values, boolean integral) {
      this(shape, null, values, integral);
    }

    private Const(int[] shape, float[] floats, double[] values, boolean integral) {
      int count = floats != null ? floats.length : values.length;
      if (Shapes.size(shape) != count) {
        throw new IllegalArgumentException("constant of shape " + Shapes.format(shape) + " has " + count + " values");
      }
      this.shape = shape;
      this.floats = floats;
      this.values = values;
      this.integral = integral;
    }

    static Const ofFloats(int[] shape, float[] data) {
      return new Const(shape, data, null, false);
    }

    int[] shape() {
      return shape;
    }

    /** The same values under another shape of the same size. */
    Const reshaped(int[] newShape) {
      return new Const(newShape, floats, values, integral);
    }

    boolean integral() {
      return integral;
    }

    int size() {
      return floats != null ? floats.length : values.length;
    }

    /** The values as doubles (widened once from floats when asked: shape arithmetic reads small tensors). */
    double[] values() {
      if (values == null) {
        values = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
          values[i] = floats[i];
        }
      }
      return values;
    }

    /** A fresh float copy, which the caller may change. */
    float[] floats() {
      if (floats != null) {
        return floats.clone();
      }
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return f;
    }

    long[] longs() {
      long[] l = new long[size()];
      double[] v = values();
      for (int i = 0; i < l.length; i++) {
        l[i] = (long) v[i];
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
