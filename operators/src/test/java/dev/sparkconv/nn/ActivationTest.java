package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Activations against their defining formulas in double, erf against reference values, parameter errors. */
class ActivationTest {
  private final ExecutionContext ctx = new ExecutionContext();
  private static final float[] POINTS = {-1000, -30, -6, -3.5f, -3, -2.9f, -1, -0.25f, -1e-4f, 0, 1e-4f, 0.5f, 1,
      2.9f, 3, 3.5f, 6, 6.5f, 30, 1000};

  private float[] run(Layer layer, float[] input) {
    Tensor out = Tensor.zeros(1, input.length);
    layer.forward(Tensor.wrap(input.clone(), 1, input.length), out, ctx);
    return out.data();
  }

  private void assertFormula(Layer layer, DoubleUnaryOperator f) {
    float[] out = run(layer, POINTS);
    for (int i = 0; i < POINTS.length; i++) {
      double expected = f.applyAsDouble(POINTS[i]);
      assertEquals(expected, out[i], 1e-6 + 1e-6 * Math.abs(expected), layer + " at " + POINTS[i]);
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void activationsFollowTheirFormulas() {
    assertFormula(Clip.relu6("r6"), x -> Math.min(Math.max(x, 0), 6));
    assertFormula(new Clip("c", -1, 2.5f), x -> Math.min(Math.max(x, -1), 2.5));
    assertFormula(new Clip("c", Float.NEGATIVE_INFINITY, 0.5f), x -> Math.min(x, 0.5));
    assertFormula(new LeakyRelu("l", 0.2f), x -> x > 0 ? x : 0.2 * x);
    assertFormula(new Elu("e", 0.7f), x -> x > 0 ? x : 0.7 * (Math.exp(x) - 1));
    assertFormula(new Sigmoid("s"), ActivationTest::sigmoid);
    assertFormula(new Tanh("t"), Math::tanh);
    assertFormula(new HardSigmoid("h"), x -> x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5);
    assertFormula(new HardSwish("h"), x -> x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6);
    assertFormula(new Silu("s"), x -> x * sigmoid(x));
    assertFormula(new Gelu("g", true),
        x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    // exact GELU = x * Phi(x); Phi from the complementary error function's tail for negative x
    assertFormula(new Gelu("g", false), x -> x * 0.5 * Erf.erfc(-x / Math.sqrt(2)));
  }

  @Test
  void erfMatchesReferenceValuesToRelative2e7() {
    double[][] table = { // x, erf(x) from C99 libm (CPython's math.erf), correct to double precision
        {1e-8, 1.1283791670955126e-8}, {0.1, 0.1124629160182849}, {0.25, 0.2763263901682369},
        {0.4999, 0.5204119951613866}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
        {1.5, 0.9661051464753108}, {2, 0.9953222650189527}, {3, 0.9999779095030014},
        {4, 0.9999999845827421}, {6, 1.0}};
    for (double[] row : table) {
      assertEquals(row[1], Erf.erf(row[0]), 2e-7 * row[1], "erf(" + row[0] + ")");
      assertEquals(-row[1], Erf.erf(-row[0]), 2e-7 * row[1], "erf(-" + row[0] + ")");
    }
    double[][] tails = {{2, 4.677734981047266e-3}, {3, 2.209049699858544e-5}, {5, 1.5374597944280349e-12},
        {10, 2.088487583762545e-45}, {0.5, 0.4795001221869535}};
    for (double[] row : tails) {
      assertEquals(row[1], Erf.erfc(row[0]), 2e-7 * row[1], "erfc(" + row[0] + ")");
      assertEquals(2 - row[1], Erf.erfc(-row[0]), 2e-7 * row[1], "erfc(-" + row[0] + ")");
    }
    assertEquals(0.0, Erf.erf(0.0));
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
  }

  @Test
  void nanStaysNaN() {
    float[] nan = {Float.NaN};
    for (Layer layer : new Layer[] {Clip.relu6("a"), new Clip("a", -1, 1), new LeakyRelu("a", 0.1f),
        new Elu("a", 1), new Sigmoid("a"), new Tanh("a"), new HardSigmoid("a"), new HardSwish("a"), new Silu("a"),
        new Gelu("a", false), new Gelu("a", true), new PRelu("a", new float[] {0.25f})}) {
      float v = run(layer, nan)[0];
      // Math.min/max propagate NaN, the comparisons pass it through
      assertTrue(Float.isNaN(v), layer + " gives " + v);
    }
  }

  @Test
  void preluUsesOneSlopeOrOnePerChannel() {
    PRelu shared = new PRelu("p", new float[] {0.5f});
    assertArrayEquals(new int[] {3, 2}, shared.outputShape(new int[] {3, 2}));
    assertArrayEquals(new float[] {-1, 2}, run(shared, new float[] {-2, 2}));
    PRelu perChannel = new PRelu("p", new float[] {0.1f, 0.2f, 0.3f});
    float[] input = Naive.random(3, 2 * 3 * 4);
    Tensor out = Tensor.zeros(2, 3, 4);
    perChannel.forward(Tensor.wrap(input, 2, 3, 4), out, ctx);
    for (int i = 0; i < input.length; i++) {
      float slope = 0.1f * ((i / 4) % 3 + 1);
      assertEquals(input[i] > 0 ? input[i] : input[i] * slope, out.data()[i], 1e-7);
    }
    assertEquals(3, perChannel.parameterCount());
    ShapeException e = assertThrows(ShapeException.class, () -> perChannel.outputShape(new int[] {4, 5}));
    assertEquals("layer 'p' (prelu): expected input (3, ...) for 3 channel slopes but got (4, 5)", e.getMessage());
  }

  @Test
  void softmaxAndLogSoftmaxAlongAnyAxis() {
    int[] shape = {3, 4, 5};
    float[] input = Naive.random(7, 2 * 60);
    for (int i = 0; i < input.length; i++) {
      input[i] = input[i] * 50 + 1000; // large logits
    }
    for (int axis = -3; axis < 3; axis++) {
      for (boolean log : new boolean[] {false, true}) {
        Softmax softmax = new Softmax("sm", axis, log);
        assertEquals(log ? "log_softmax" : "softmax", softmax.op());
        Tensor out = Tensor.zeros(2, 3, 4, 5);
        softmax.forward(Tensor.wrap(input, 2, 3, 4, 5), out, ctx);
        int a = Math.floorMod(axis, 3);
        int stride = a == 0 ? 20 : a == 1 ? 5 : 1;
        for (int flat = 0; flat < input.length; flat++) {
          int pos = (flat / stride) % shape[a];
          int first = flat - pos * stride;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < shape[a]; k++) {
            max = Math.max(max, input[first + k * stride]);
          }
          double sum = 0;
          for (int k = 0; k < shape[a]; k++) {
            sum += Math.exp(input[first + k * stride] - max);
          }
          double logP = input[flat] - max - Math.log(sum);
          double expected = log ? logP : Math.exp(logP);
          assertEquals(expected, out.data()[flat], 1e-5 + 1e-5 * Math.abs(expected), "axis " + axis + " log " + log);
        }
      }
    }
    ShapeException e = assertThrows(ShapeException.class, () -> new Softmax("sm", 3, false).outputShape(shape));
    assertEquals("layer 'sm' (softmax): expected input a sample with axis 3 of size >= 1 but got (3, 4, 5)",
        e.getMessage());
  }

  @Test
  void parameterErrorsNameOperatorLayerAndParameter() {
    PoolNdTest.assertParam("clip", "max", () -> new Clip("s2", 1, 0));
    PoolNdTest.assertParam("clip", "min", () -> new Clip("s2", Float.NaN, 0));
    PoolNdTest.assertParam("leaky_relu", "slope", () -> new LeakyRelu("s2", Float.POSITIVE_INFINITY));
    PoolNdTest.assertParam("elu", "alpha", () -> new Elu("s2", Float.NaN));
    PoolNdTest.assertParam("prelu", "slopes", () -> new PRelu("s2", new float[0]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sigmoid(""));
    assertTrue(e.getMessage().startsWith("sigmoid: parameter 'name'"), e.getMessage());
  }
}
