package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Concatenation along one per-sample axis (0 = channels; negative counts from the end), like
 * torch.cat(dim = axis + 1): the inputs have one rank and equal sizes on every other axis.
 */
public final class Concat extends BaseJoin {
  private final int axis;

  public Concat(String name, int axis) {
    super("concat", name);
    this.axis = axis;
  }

  @Override
  public String op() {
    return "concat";
  }

  /** The axis as given (per sample, possibly negative). */
  public int axis() {
    return axis;
  }

  @Override
  public int[] outputShape(int[][] shapes) {
    int rank = checkInputs(shapes, 2, Integer.MAX_VALUE);
    int a = resolveAxis(axis, rank);
    if (a < 0 || a >= rank) {
      throw new ShapeException(this, "inputs of a rank that has per-sample axis " + axis, shapes);
    }
    int[] out = shapes[0].clone();
    out[a] = 0;
    for (int[] s : shapes) {
      for (int d = 0; d < rank; d++) {
        if (d != a && s[d] != out[d]) {
          throw new ShapeException(this, "inputs of equal sizes except along axis " + axis, shapes);
        }
      }
      out[a] += s[a];
    }
    Shapes.size(out); // refuses a total beyond one tensor
    return out;
  }

  @Override
  void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx) {
    int rank = shapes[0].length;
    int a = resolveAxis(axis, rank);
    int outer = batch;
    for (int d = 0; d < a; d++) {
      outer *= shapes[0][d];
    }
    int inner = 1;
    for (int d = a + 1; d < rank; d++) {
      inner *= shapes[0][d];
    }
    int outBlock = 0;
    for (int[] s : shapes) {
      outBlock += s[a] * inner;
    }
    for (int o = 0; o < outer; o++) {
      int dst = o * outBlock;
      for (int i = 0; i < in.length; i++) {
        int block = shapes[i][a] * inner;
        System.arraycopy(in[i], o * block, out, dst, block);
        dst += block;
      }
    }
  }

  @Override
  public String toString() {
    return super.toString() + " axis " + axis;
  }
}
