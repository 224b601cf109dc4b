package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkconv.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Batch and local response normalization against direct loops, and their parameter errors. */
class NormTest {
  private final ExecutionContext ctx = new ExecutionContext();

  @Test
  void batchNormNormalisesEachChannel() {
    float[] w = {1.5f, -0.5f, 2};
    float[] b = {0.1f, 0.2f, -0.3f};
    float[] mean = {0.5f, -1, 0};
    float[] var = {2, 0.25f, 1};
    BatchNorm bn = new BatchNorm("bn", w, b, mean, var, 1e-3f);
    assertArrayEquals(new int[] {3, 2, 2}, bn.outputShape(new int[] {3, 2, 2}));
    assertEquals(12, bn.parameterCount());
    float[] input = Naive.random(9, 2 * 12);
    Tensor out = Tensor.zeros(2, 3, 2, 2);
    bn.forward(Tensor.wrap(input, 2, 3, 2, 2), out, ctx);
    for (int i = 0; i < input.length; i++) {
      int c = (i / 4) % 3;
      double expected = (input[i] - mean[c]) / Math.sqrt(var[c] + 1e-3) * w[c] + b[c];
      assertEquals(expected, out.data()[i], 1e-6);
    }
    BatchNorm plain = new BatchNorm("bn", null, null, mean, var, 0);
    Tensor flat = Tensor.zeros(1, 3);
    plain.forward(Tensor.wrap(new float[] {0.5f, 0, 1}, 1, 3), flat, ctx);
    assertArrayEquals(new float[] {0, 2, 1}, flat.data(), 1e-6f);
    ShapeException e = assertThrows(ShapeException.class, () -> bn.outputShape(new int[] {4, 2}));
    assertEquals("layer 'bn' (batch_norm): expected input (3, ...) but got (4, 2)", e.getMessage());
    PoolNdTest.assertParam("batch_norm", "runningVar", () -> new BatchNorm("s2", null, null, mean, new float[2], 0));
    PoolNdTest.assertParam("batch_norm", "runningVar",
        () -> new BatchNorm("s2", null, null, mean, new float[] {1, -1, 1}, 1e-5f));
    PoolNdTest.assertParam("batch_norm", "bias", () -> new BatchNorm("s2", w, null, mean, var, 0));
    PoolNdTest.assertParam("batch_norm", "eps", () -> new BatchNorm("s2", w, b, mean, var, -1));
  }

  @Test
  void lrnDividesByTheZeroPaddedChannelWindow() {
    int c = 5;
    int plane = 3;
    for (int size : new int[] {1, 2, 3, 4, 7}) {
      float beta = size == 4 ? 0.6f : 0.75f; // 0.75 has a path of its own
      LocalResponseNorm lrn = new LocalResponseNorm("lrn", size, 0.5f, beta, 2);
      float[] input = Naive.random(size, 2 * c * plane);
      Tensor out = Tensor.zeros(2, c, plane);
      lrn.forward(Tensor.wrap(input, 2, c, plane), out, ctx);
      for (int n = 0; n < 2; n++) {
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < plane; p++) {
            double sum = 0;
            for (int j = ch - size / 2; j <= ch + (size - 1) / 2; j++) {
              double x = j >= 0 && j < c ? input[(n * c + j) * plane + p] : 0;
              sum += x * x;
            }
            int i = (n * c + ch) * plane + p;
            double expected = input[i] / Math.pow(2 + 0.5 * sum / size, beta);
            assertEquals(expected, out.data()[i], 1e-6, "size " + size);
          }
        }
      }
    }
    PoolNdTest.assertParam("lrn", "size", () -> new LocalResponseNorm("s2", 0, 1e-4f, 0.75f, 1));
    PoolNdTest.assertParam("lrn", "beta", () -> new LocalResponseNorm("s2", 5, 1e-4f, Float.NaN, 1));
  }
}
