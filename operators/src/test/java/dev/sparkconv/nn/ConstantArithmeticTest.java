package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkconv.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** x op c with a broadcast constant, against values worked out by hand from the definition. */
class ConstantArithmeticTest {
  private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // (2 samples) x (2, 3)

  private static float[] run(ConstantArithmetic.Kind kind, float[] c, int... shape) {
    var layer = new ConstantArithmetic("c", kind, c, shape);
    Tensor out = Tensor.zeros(2, 2, 3);
    layer.forward(Tensor.wrap(X.clone(), 2, 2, 3), out, new ExecutionContext());
    return out.toArray();
  }

  @Test
  void perChannelAddBroadcastsOverTheLastAxis() {
    assertArrayEquals(new float[] {11, 12, 13, 24, 25, 26, 17, 18, 19, 30, 31, 32},
        run(ConstantArithmetic.Kind.ADD, new float[] {10, 20}, 2, 1));
  }

  @Test
  void rowConstantMultipliesEveryRow() {
    assertArrayEquals(new float[] {1, 4, 9, 4, 10, 18, 7, 16, 27, 10, 22, 36},
        run(ConstantArithmetic.Kind.MUL, new float[] {1, 2, 3}, 3));
  }

  @Test
  void scalarReverseSubtraction() {
    assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12},
        run(ConstantArithmetic.Kind.RSUB, new float[] {0}));
  }

  @Test
  void aConstantThatDoesNotBroadcastIsRefused() {
    var layer = new ConstantArithmetic("c", ConstantArithmetic.Kind.ADD, new float[] {1, 2}, new int[] {2});
    assertThrows(ShapeException.class, () -> layer.outputShape(new int[] {2, 3}));
  }
}
