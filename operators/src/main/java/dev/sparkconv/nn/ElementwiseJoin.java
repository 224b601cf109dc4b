package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Elementwise arithmetic over inputs of one rank with broadcasting: along each per-sample axis the
 * sizes are equal or 1, and a size-1 axis repeats (a (C, 1, 1) scale over (C, H, W) features, as in
 * squeeze-and-excitation). Several inputs fold left: out = ((in0 op in1) op in2) ...
 * Axes that broadcast the same way for both operands are merged first, so the inner loop runs over
 * the longest contiguous stretch (the whole tensor when no axis broadcasts, a plane for (C, 1, 1)).
 */
abstract class ElementwiseJoin extends BaseJoin {
  private final int maxInputs;

  ElementwiseJoin(String op, String name, int maxInputs) {
    super(op, name);
    this.maxInputs = maxInputs;
  }

  /** out[oo + i] = a[ao + i * as] op b[bo + i * bs] for i in [0, len); the steps are 0 or 1. */
  abstract void combine(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len);

  @Override
  public final int[] outputShape(int[][] shapes) {
    return broadcastShape(shapes, 2, maxInputs);
  }

  @Override
  final void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx) {
    int[] full = Shapes.batched(batch, outputShape(shapes));
    apply(in[0], Shapes.batched(batch, shapes[0]), in[1],
        Shapes.batched(batch, shapes[1]), out, full);
    for (int i = 2; i < in.length; i++) {
      apply(out, full, in[i], Shapes.batched(batch, shapes[i]), out, full);
    }
  }

  /** out = a op b over the shape {@code full}, a and b broadcast to it (out may be a when a has shape full). */
  private void apply(float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] full) {
    int rank = full.length;
    int[] dims = new int[rank];
    int[] as = new int[rank];
    int[] bs = new int[rank];
    int axes = 0;
    long aStride = 1;
    long bStride = 1;
    // Innermost axis first; size-1 output axes vanish; an axis merges into the previous (inner) one
    // when both operands continue their inner stride pattern across it.
    for (int d = rank - 1; d >= 0; d--) {
      if (full[d] == 1) {
        continue;
      }
      int sa = aShape[d] == 1 ? 0 : (int) aStride;
      int sb = bShape[d] == 1 ? 0 : (int) bStride;
      if (axes > 0 && as[axes - 1] * (long) dims[axes - 1] == sa && bs[axes - 1] * (long) dims[axes - 1] == sb) {
        dims[axes - 1] *= full[d];
      } else {
        dims[axes] = full[d];
        as[axes] = sa;
        bs[axes] = sb;
        axes++;
      }
      aStride *= aShape[d];
      bStride *= bShape[d];
    }
    if (axes == 0) { // every axis has size 1: one element
      combine(a, 0, 0, b, 0, 0, out, 0, 1);
      return;
    }
    // Axis 0 of dims/as/bs is now the innermost: one combine() call per position of the outer axes.
    int len = dims[0];
    int aStep = as[0] == 0 ? 0 : 1;
    int bStep = bs[0] == 0 ? 0 : 1;
    int[] index = new int[axes];
    int ao = 0;
    int bo = 0;
    int total = 1;
    for (int i = 1; i < axes; i++) {
      total *= dims[i];
    }
    for (int row = 0, oo = 0; row < total; row++, oo += len) {
      combine(a, ao, aStep, b, bo, bStep, out, oo, len);
      for (int i = 1; i < axes; i++) { // odometer over the outer axes
        ao += as[i];
        bo += bs[i];
        if (++index[i] < dims[i]) {
          break;
        }
        index[i] = 0;
        ao -= as[i] * dims[i];
        bo -= bs[i] * dims[i];
      }
    }
  }
}
