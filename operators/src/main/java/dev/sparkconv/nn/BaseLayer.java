package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.Arrays;

/**
 * Shared plumbing of the built-in layers: the name, constructor checks whose errors name the
 * operator, the layer and the parameter, and the tensor entry point that checks shapes once and
 * hands the raw arrays to {@link #run}.
 */
abstract class BaseLayer extends NamedOperator implements Layer {

  BaseLayer(String op, String name) {
    super(op, name);
  }

  @Override
  public final void forward(Tensor in, Tensor out, ExecutionContext ctx) {
    int[] sample = checkedSample(in, out);
    run(in.data(), out.data(), in.dim(0), sample, ctx);
  }

  /** The per-sample input shape, once {@code in} is a batch and {@code out} has the shape this layer makes of it. */
  final int[] checkedSample(Tensor in, Tensor out) {
    if (in.rank() < 1) {
      throw new IllegalArgumentException(where() + ": input tensor needs a batch dimension but has shape "
          + Shapes.format(in.shape()));
    }
    int batch = in.dim(0);
    int[] sample = Shapes.sample(in.shape());
    int[] expected = Shapes.batched(batch, outputShape(sample));
    if (!Arrays.equals(expected, out.shape())) {
      throw new IllegalArgumentException(where() + ": output tensor must have shape " + Shapes.format(expected)
          + " but has " + Shapes.format(out.shape()));
    }
    return sample;
  }

  /**
   * The operator on raw arrays: {@code batch} samples of per-sample shape {@code inShape} read from
   * the start of {@code in}, written from the start of {@code out}; both may be longer than needed.
   */
  abstract void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx);

  /** A defensive copy of a {h, w} pair whose entries are all at least {@code min}. */
  final int[] pair(String parameter, int[] value, int min) {
    if (value == null || value.length != 2) {
      throw badParameter(parameter, "must be an {h, w} pair",
          value == null ? "null" : Shapes.format(value));
    }
    if (value[0] < min || value[1] < min) {
      throw badParameter(parameter, "must have entries >= " + min, Shapes.format(value));
    }
    return value.clone();
  }

  final int positive(String parameter, int value) {
    if (value < 1) {
      throw badParameter(parameter, "must be positive", Integer.toString(value));
    }
    return value;
  }

  // The conv family's parameter checks, one wording for all of them.

  /** A copy of a per-axis list with {@code rank} entries (one per spatial axis), all at least {@code min}. */
  final int[] axes(String parameter, int[] value, int rank, int min) {
    if (value == null || value.length != rank) {
      throw badParameter(parameter, "must have " + rank + " entries (one per spatial axis)",
          value == null ? "null" : Shapes.format(value));
    }
    for (int v : value) {
      if (v < min) {
        throw badParameter(parameter, "must have entries >= " + min, Shapes.format(value));
      }
    }
    return value.clone();
  }

  /** Groups that divide both channel counts. */
  final int groups(int groups, int inChannels, int outChannels) {
    positive("groups", groups);
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw badParameter("groups", "must divide inChannels " + inChannels + " and outChannels " + outChannels,
          Integer.toString(groups));
    }
    return groups;
  }

  /** A copy of {@code values} once it holds {@code count} of them; {@code rule} says how count is made, or "". */
  final float[] sized(String parameter, float[] values, long count, String rule) {
    if (values == null || values.length != count) {
      throw badParameter(parameter, "must hold " + (rule.isEmpty() ? "" : rule + " = ") + count + " values",
          values == null ? "null" : values.length + " values");
    }
    return values.clone();
  }

  /** {@link #sized} for an optional tensor such as a bias: null stays null. */
  final float[] optional(String parameter, float[] values, long count, String rule) {
    if (values != null && values.length != count) {
      throw badParameter(parameter, "must be null or hold " + rule + " = " + count + " values",
          values.length + " values");
    }
    return values == null ? null : values.clone();
  }
}
