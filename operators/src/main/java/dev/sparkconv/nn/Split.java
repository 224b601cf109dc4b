package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * One part of a split along a per-sample axis (0 = channels; negative counts from the end), like
 * torch.split(x, sizes, dim = axis + 1)[part]. A split into k parts is k such layers on the same
 * input, one node per part, each naming the whole partition: {@code sizes} must add up to the
 * input's size along the axis, so a mistyped partition fails at load instead of dropping data.
 */
public final class Split extends BaseLayer {
  private final int axis;
  private final int[] sizes;
  private final int part;

  public Split(String name, int axis, int[] sizes, int part) {
    super("split", name);
    if (sizes == null || sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
      throw badParameter("sizes", "must be a non-empty array of positive sizes",
          sizes == null ? "null" : Shapes.format(sizes));
    }
    if (part < 0 || part >= sizes.length) {
      throw badParameter("part", "must index one of the " + sizes.length + " sizes", Integer.toString(part));
    }
    this.axis = axis;
    this.sizes = sizes.clone();
    this.part = part;
  }

  @Override
  public String op() {
    return "split";
  }

  public int axis() {
    return axis;
  }

  public int[] sizes() {
    return sizes.clone();
  }

  public int part() {
    return part;
  }

  @Override
  public int[] outputShape(int[] in) {
    int a = BaseJoin.resolveAxis(axis, in.length);
    int total = Arrays.stream(sizes).sum();
    if (a < 0 || a >= in.length || in[a] != total) {
      throw new ShapeException(this, "with size " + total + " (the sum of sizes " + Shapes.format(sizes)
          + ") along per-sample axis " + axis, in);
    }
    int[] out = in.clone();
    out[a] = sizes[part];
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int a = BaseJoin.resolveAxis(axis, inShape.length);
    int outer = batch;
    for (int d = 0; d < a; d++) {
      outer *= inShape[d];
    }
    int inner = 1;
    for (int d = a + 1; d < inShape.length; d++) {
      inner *= inShape[d];
    }
    int offset = 0;
    for (int p = 0; p < part; p++) {
      offset += sizes[p] * inner;
    }
    int inBlock = inShape[a] * inner;
    int block = sizes[part] * inner;
    for (int o = 0; o < outer; o++) {
      System.arraycopy(in, o * inBlock + offset, out, o * block, block);
    }
  }

  @Override
  public String toString() {
    return super.toString() + " axis " + axis + " sizes " + Shapes.format(sizes) + " part " + part;
  }
}
