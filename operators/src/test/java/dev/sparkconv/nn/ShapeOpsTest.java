package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Shape inference, index rules against direct formulas, and parameter errors of the shape ops. */
class ShapeOpsTest {
  private final ExecutionContext ctx = new ExecutionContext();

  private static int[] v(int... values) {
    return values;
  }

  private float[] run(Layer layer, float[] input, int batch, int[] sample) {
    Tensor out = Tensor.zeros(Shapes.batched(batch, layer.outputShape(sample)));
    layer.forward(Tensor.wrap(input, Shapes.batched(batch, sample)), out, ctx);
    return out.data();
  }

  @Test
  void flattenMergesAxesStartToEnd() {
    assertArrayEquals(v(24), new Flatten("f").outputShape(v(2, 3, 4)));
    assertArrayEquals(v(2, 12), new Flatten("f", 1, -1).outputShape(v(2, 3, 4)));
    assertArrayEquals(v(6, 4), new Flatten("f", 0, 1).outputShape(v(2, 3, 4)));
    assertArrayEquals(v(2, 3, 20), new Flatten("f", -2, -1).outputShape(v(2, 3, 4, 5)));
    assertThrows(ShapeException.class, () -> new Flatten("f", 3, -1).outputShape(v(2, 3, 4)));
    assertThrows(ShapeException.class, () -> new Flatten("f", 1, -3).outputShape(v(2, 3, 4)));
    PoolNdTest.assertParam("flatten", "endAxis", () -> new Flatten("s2", 2, 1));
  }

  @Test
  void reshapeInfersOneAxis() {
    assertArrayEquals(v(6, 4), new Reshape("r", v(-1, 4)).outputShape(v(2, 3, 4)));
    assertArrayEquals(v(4, 3, 2), new Reshape("r", v(4, 3, 2)).outputShape(v(2, 3, 4)));
    ShapeException e = assertThrows(ShapeException.class, () -> new Reshape("r", v(-1, 5)).outputShape(v(2, 3, 4)));
    assertEquals("layer 'r' (reshape): expected input a multiple of 5 elements to reshape to (-1, 5) but got (2, 3, 4)",
        e.getMessage());
    assertThrows(ShapeException.class, () -> new Reshape("r", v(5, 5)).outputShape(v(2, 3, 4)));
    PoolNdTest.assertParam("reshape", "shape", () -> new Reshape("s2", v(-1, -1)));
    PoolNdTest.assertParam("reshape", "shape", () -> new Reshape("s2", v(0, 4)));
  }

  /** Permutations that keep trailing axes in place move whole blocks (a channel shuffle moves H x W planes). */
  @Test
  void permuteKeepingTrailingAxesMovesBlocks() {
    int[] in = {2, 3, 4, 5};
    float[] input = Naive.random(2, 2 * 120);
    float[] shuffled = run(new Permute("shuffle", v(1, 0, 2, 3)), input, 2, in);
    float[] identity = run(new Permute("identity", v(0, 1, 2, 3)), input, 2, in);
    float[] swapLast = run(new Permute("last", v(0, 2, 1, 3)), input, 2, in);
    for (int n = 0; n < 2; n++) {
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 3; b++) {
          for (int c = 0; c < 4; c++) {
            for (int d = 0; d < 5; d++) {
              float x = input[n * 120 + ((a * 3 + b) * 4 + c) * 5 + d];
              assertEquals(x, shuffled[n * 120 + ((b * 2 + a) * 4 + c) * 5 + d]);
              assertEquals(x, identity[n * 120 + ((a * 3 + b) * 4 + c) * 5 + d]);
              assertEquals(x, swapLast[n * 120 + ((a * 4 + c) * 3 + b) * 5 + d]);
            }
          }
        }
      }
    }
  }

  @Test
  void permuteMovesEveryElementToItsPermutedIndex() {
    int[] in = {2, 3, 4};
    Permute p = new Permute("p", v(-1, 0, 1));
    assertArrayEquals(v(2, 0, 1), p.axes());
    assertArrayEquals(v(4, 2, 3), p.outputShape(in));
    float[] input = Naive.random(1, 2 * 24);
    float[] out = run(p, input, 2, in);
    for (int n = 0; n < 2; n++) {
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 3; b++) {
          for (int c = 0; c < 4; c++) {
            assertEquals(input[n * 24 + (a * 3 + b) * 4 + c], out[n * 24 + (c * 2 + a) * 3 + b]);
          }
        }
      }
    }
    assertThrows(ShapeException.class, () -> p.outputShape(v(2, 3)));
    PoolNdTest.assertParam("permute", "axes", () -> new Permute("s2", v(0, 0, 1)));
    PoolNdTest.assertParam("permute", "axes", () -> new Permute("s2", v(0, 3, 1)));
  }

  @Test
  void sliceFollowsPythonRules() {
    float[] input = new float[10];
    for (int i = 0; i < 10; i++) {
      input[i] = i;
    }
    assertArrayEquals(new float[] {2, 5, 8}, run(new Slice("s", 0, 2, 100, 3), input, 1, v(10)));
    assertArrayEquals(new float[] {7, 8}, run(new Slice("s", -1, -3, -1, 1), input, 1, v(10)));
    assertArrayEquals(new float[] {0, 1}, run(new Slice("s", 0, -100, 2, 1), input, 1, v(10)));
    // axis 1 of (2, 5): columns 1..3 of each row
    assertArrayEquals(new float[] {1, 2, 3, 6, 7, 8}, run(new Slice("s", 1, 1, 4, 1), input, 1, v(2, 5)));
    ShapeException e = assertThrows(ShapeException.class, () -> new Slice("s", 0, 5, 5, 1).outputShape(v(10)));
    assertTrue(e.getMessage().startsWith("layer 's' (slice): expected input a sample whose axis 0 has elements"),
        e.getMessage());
    assertThrows(ShapeException.class, () -> new Slice("s", 2, 0, 1, 1).outputShape(v(10, 3)));
    PoolNdTest.assertParam("slice", "step", () -> new Slice("s2", 0, 0, 1, 0));
  }

  @Test
  void padReadsThePyTorchSourceIndexInEveryMode() {
    float[] row = {10, 11, 12, 13};
    assertArrayEquals(new float[] {-1, -1, 10, 11, 12, 13, -1}, run(new Pad("p", v(2, 1), "constant", -1), row, 1, v(4)));
    assertArrayEquals(new float[] {12, 11, 10, 11, 12, 13, 12}, run(new Pad("p", v(2, 1), "reflect", 0), row, 1, v(4)));
    assertArrayEquals(new float[] {10, 10, 10, 11, 12, 13, 13}, run(new Pad("p", v(2, 1), "replicate", 0), row, 1, v(4)));
    assertArrayEquals(new float[] {12, 13, 10, 11, 12, 13, 10}, run(new Pad("p", v(2, 1), "circular", 0), row, 1, v(4)));
    assertArrayEquals(new float[] {11, 12}, run(new Pad("p", v(-1, -1), "constant", 0), row, 1, v(4)));
    // two axes, (2, 2) -> (3, 4): one row on top filled, columns reflected
    float[] square = {1, 2, 3, 4};
    Pad pad = new Pad("p", v(1, 1, 1, 0), "constant", 9);
    assertArrayEquals(v(3, 4), pad.outputShape(v(2, 2)));
    assertArrayEquals(new float[] {9, 9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9}, run(pad, square, 1, v(2, 2)));
    assertArrayEquals(new float[] {3, 4, 1, 2, 3, 4, 1, 2}, run(new Pad("p", v(0, 0, 1, 1), "circular", 0), square, 1,
        v(2, 2)));
    ShapeException e = assertThrows(ShapeException.class, () -> new Pad("p", v(4, 0), "reflect", 0).outputShape(v(4)));
    assertTrue(e.getMessage().contains("longer than their pads"), e.getMessage());
    assertThrows(ShapeException.class, () -> new Pad("p", v(5, 0), "circular", 0).outputShape(v(4)));
    assertThrows(ShapeException.class, () -> new Pad("p", v(1, 1, 1, 1), "constant", 0).outputShape(v(4)));
    assertThrows(ShapeException.class, () -> new Pad("p", v(-2, -2), "constant", 0).outputShape(v(4)));
    PoolNdTest.assertParam("pad", "mode", () -> new Pad("s2", v(1, 1), "edge", 0));
    PoolNdTest.assertParam("pad", "pads", () -> new Pad("s2", v(1, 1, 1), "constant", 0));
    PoolNdTest.assertParam("pad", "pads", () -> new Pad("s2", v(-1, 1), "reflect", 0));
  }

  @Test
  void dropoutIsTheIdentity() {
    float[] input = Naive.random(2, 12);
    assertArrayEquals(input, run(new Dropout("d", 0.5f), input, 2, v(2, 3)));
    PoolNdTest.assertParam("dropout", "p", () -> new Dropout("s2", 1.5f));
  }

  @Test
  void nearestUpsamplingFollowsPyTorchsIndexRule() {
    // by size: src = min(floor(dst * (float) in / out), in - 1)
    float[] input = {0, 1, 2, 3, 4};
    assertArrayEquals(new float[] {0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4},
        run(new Upsample("u", "nearest", v(12), null, false), input, 1, v(1, 5)));
    // by scale: src = floor(dst / scale); 5 * 1.3 -> 6 outputs, 1/1.3 steps (in/out would read input 4 last)
    assertArrayEquals(new float[] {0, 0, 1, 2, 3, 3},
        run(new Upsample("u", "nearest", null, new double[] {1.3}, false), input, 1, v(1, 5)));
    assertArrayEquals(v(2, 4, 10), new Upsample("u", "nearest", null, new double[] {2, 2.5}, false)
        .outputShape(v(2, 2, 4)));
    assertEquals(3, Upsample.nearest(7, 4, 8, 0.5f)); // exact doubling halves the index
  }

  @Test
  void bilinearUpsamplingAlignsCornersOrPixelCentres() {
    float[] input = {0, 10, 20}; // one row of three
    // align_corners: src = dst * (3 - 1) / (5 - 1)
    assertArrayEquals(new float[] {0, 5, 10, 15, 20},
        run(new Upsample("u", "bilinear", v(1, 5), null, true), input, 1, v(1, 1, 3)), 1e-5f);
    // half-pixel: src = (dst + 0.5) / 2 - 0.5, clamped at 0 and at the last input
    assertArrayEquals(new float[] {0, 2.5f, 7.5f, 12.5f, 17.5f, 20},
        run(new Upsample("u", "bilinear", null, new double[] {1, 2}, false), input, 1, v(1, 1, 3)), 1e-5f);
    PoolNdTest.assertParam("upsample", "alignCorners", () -> new Upsample("s2", "nearest", v(4, 4), null, true));
    PoolNdTest.assertParam("upsample", "size", () -> new Upsample("s2", "bilinear", v(4), null, false));
    PoolNdTest.assertParam("upsample", "scale", () -> new Upsample("s2", "nearest", v(4), new double[] {2}, false));
    PoolNdTest.assertParam("upsample", "scale", () -> new Upsample("s2", "nearest", null, new double[] {0}, false));
    PoolNdTest.assertParam("upsample", "mode", () -> new Upsample("s2", "area", v(4, 4), null, false));
    ShapeException e = assertThrows(ShapeException.class,
        () -> new Upsample("u", "nearest", null, new double[] {0.1}, false).outputShape(v(2, 5)));
    assertTrue(e.getMessage().contains("output size >= 1"), e.getMessage());
  }
}
