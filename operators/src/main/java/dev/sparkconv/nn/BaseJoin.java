package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;

/**
 * Shared plumbing of the built-in joins, the multi-input twin of {@link BaseLayer}: the name, the
 * tensor entry point that checks the batch, the shapes and the no-aliasing contract once and
 * hands the raw arrays to {@link #run}.
 */
abstract class BaseJoin extends NamedOperator implements Join {

  BaseJoin(String op, String name) {
    super(op, name);
  }

  @Override
  public final void forward(Tensor[] in, Tensor out, ExecutionContext ctx) {
    if (in == null || in.length == 0) {
      throw new IllegalArgumentException(where() + ": needs input tensors but got none");
    }
    int batch = out.rank() < 1 ? -1 : out.dim(0);
    int[][] shapes = new int[in.length][];
    float[][] data = new float[in.length][];
    for (int i = 0; i < in.length; i++) {
      if (in[i].rank() < 1 || in[i].dim(0) != batch) {
        throw new IllegalArgumentException(where() + ": input #" + i + " has shape " + Shapes.format(in[i].shape())
            + " but the output's batch is " + batch);
      }
      if (in[i].data() == out.data()) {
        throw new IllegalArgumentException(where() + ": the output must not share a buffer with input #" + i);
      }
      shapes[i] = Shapes.sample(in[i].shape());
      data[i] = in[i].data();
    }
    int[] expected = Shapes.batched(batch, outputShape(shapes));
    if (!Arrays.equals(expected, out.shape())) {
      throw new IllegalArgumentException(where() + ": output tensor must have shape " + Shapes.format(expected)
          + " but has " + Shapes.format(out.shape()));
    }
    run(data, out.data(), batch, shapes, ctx);
  }

  /**
   * The operator on raw arrays: {@code batch} samples per input, input {@code i} of per-sample
   * shape {@code shapes[i]} read from the start of {@code in[i]}, written from the start of {@code out}.
   */
  abstract void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx);

  /** Refuses fewer than {@code min} or more than {@code max} inputs, or inputs of different ranks. */
  final int checkInputs(int[][] shapes, int min, int max) {
    String count = min == max ? "exactly " + min : "at least " + min;
    if (shapes == null || shapes.length < min || shapes.length > max) {
      throw new ShapeException(this, count + " inputs", shapes == null ? new int[0][] : shapes);
    }
    for (int[] s : shapes) {
      if (s.length != shapes[0].length || s.length == 0) {
        throw new ShapeException(this, count + " inputs of one rank >= 1", shapes);
      }
    }
    return shapes[0].length;
  }

  /** The shape {@code min..max} inputs broadcast to: along each axis the sizes are equal or 1 (NumPy's rule). */
  final int[] broadcastShape(int[][] shapes, int min, int max) {
    int rank = checkInputs(shapes, min, max);
    int[] out = shapes[0].clone();
    for (int[] s : shapes) {
      for (int a = 0; a < rank; a++) {
        if (s[a] != out[a] && s[a] != 1 && out[a] != 1) {
          throw new ShapeException(this, "inputs whose sizes are equal or 1 along each axis (broadcasting)", shapes);
        }
        out[a] = Math.max(out[a], s[a]);
      }
    }
    return out;
  }

  /** A per-sample axis in [-rank, rank) as an index in [0, rank). */
  static int resolveAxis(int axis, int rank) {
    return axis < 0 ? axis + rank : axis;
  }

}
