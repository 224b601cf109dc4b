package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * ONNX Where / torch.where: out = cond != 0 ? x : y, broadcasting size-1 axes over inputs of one rank. Either
 * branch may be a scalar constant instead of an input (torch.where(mask, x, 0.0)): inputs are cond, then x unless
 * {@code xConstant} is given, then y unless {@code yConstant} is. Op "where".
 */
public final class Where extends BaseJoin {
  private final Float xConstant;
  private final Float yConstant;

  public Where(String name, Float xConstant, Float yConstant) {
    super("where", name);
    this.xConstant = xConstant;
    this.yConstant = yConstant;
  }

  @Override
  public String op() {
    return "where";
  }

  private int inputs() {
    return 1 + (xConstant == null ? 1 : 0) + (yConstant == null ? 1 : 0);
  }

  @Override
  public int[] outputShape(int[][] shapes) {
    return broadcastShape(shapes, inputs(), inputs());
  }

  @Override
  void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx) {
    int[] full = Shapes.batched(batch, outputShape(shapes));
    int rank = full.length;
    int[][] strides = new int[shapes.length][rank]; // 0 along broadcast axes
    for (int k = 0; k < shapes.length; k++) {
      int[] s = Shapes.batched(batch, shapes[k]);
      for (int d = rank - 1, stride = 1; d >= 0; d--) {
        strides[k][d] = s[d] == 1 ? 0 : stride;
        stride *= s[d];
      }
    }
    int[] offset = new int[shapes.length];
    int[] index = new int[rank];
    int xi = 1;
    int yi = xConstant == null ? 2 : 1;
    for (int i = 0, total = Shapes.size(full); i < total; i++) {
      boolean pick = in[0][offset[0]] != 0;
      out[i] = pick ? (xConstant != null ? xConstant : in[xi][offset[xi]])
          : (yConstant != null ? yConstant : in[yi][offset[yi]]);
      for (int d = rank - 1; d >= 0; d--) { // odometer
        for (int k = 0; k < offset.length; k++) {
          offset[k] += strides[k][d];
        }
        if (++index[d] < full[d]) {
          break;
        }
        index[d] = 0;
        for (int k = 0; k < offset.length; k++) {
          offset[k] -= strides[k][d] * full[d];
        }
      }
    }
  }
}
