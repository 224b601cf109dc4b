package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Batched matrix product of two computed tensors (ONNX MatMul, torch.matmul; the attention of hybrid CNNs):
 * (..., M, K) x (..., K, N) -> (..., M, N), one GEMM per leading position, the leading axes equal or 1 (broadcast).
 * Op "matmul".
 */
public final class MatMulJoin extends BaseJoin {
  public MatMulJoin(String name) {
    super("matmul", name);
  }

  @Override
  public String op() {
    return "matmul";
  }

  @Override
  public int[] outputShape(int[][] shapes) {
    int rank = checkInputs(shapes, 2, 2);
    int[] a = shapes[0];
    int[] b = shapes[1];
    boolean ok = rank >= 2 && a[rank - 1] == b[rank - 2];
    int[] out = new int[rank];
    for (int d = 0; ok && d < rank - 2; d++) {
      ok = a[d] == b[d] || a[d] == 1 || b[d] == 1;
      out[d] = Math.max(a[d], b[d]);
    }
    if (!ok) {
      throw new ShapeException(this, "(..., M, K) and (..., K, N) of one rank >= 2, leading sizes equal or 1", shapes);
    }
    out[rank - 2] = a[rank - 2];
    out[rank - 1] = b[rank - 1];
    return out;
  }

  @Override
  public long macs(int[][] shapes) {
    int[] out = outputShape(shapes);
    return (long) Shapes.size(out) * shapes[0][shapes[0].length - 1];
  }

  @Override
  void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx) {
    int[] o = Shapes.batched(batch, outputShape(shapes));
    int[] a = Shapes.batched(batch, shapes[0]);
    int[] b = Shapes.batched(batch, shapes[1]);
    int rank = o.length;
    int m = o[rank - 2];
    int n = o[rank - 1];
    int k = a[rank - 1];
    int lead = Shapes.size(o) / (m * n);
    int[] index = new int[rank - 2];
    for (int p = 0; p < lead; p++) {
      int aOff = 0;
      int bOff = 0;
      for (int d = 0; d < rank - 2; d++) { // row-major offsets of the leading position, size-1 axes repeating
        aOff = aOff * a[d] + (a[d] == 1 ? 0 : index[d]);
        bOff = bOff * b[d] + (b[d] == 1 ? 0 : index[d]);
      }
      ctx.gemm().sgemm(false, false, m, n, k, 1f, in[0], aOff * m * k, k, in[1], bOff * k * n, n, 0f, out,
          p * m * n, n);
      for (int d = rank - 3; d >= 0 && ++index[d] == o[d]; d--) {
        index[d] = 0;
      }
    }
  }
}
