package dev.sparkconv.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Shape arithmetic shared by every module. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements; rejects negative dimensions and totals beyond an int array. */
  public static int size(int... shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + format(shape));
      }
      size *= d;
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + format(shape) + " has too many elements for one tensor");
      }
    }
    return (int) size;
  }

  /** {@code batch} prepended to a per-sample shape. */
  public static int[] batched(int batch, int[] sampleShape) {
    int[] shape = new int[sampleShape.length + 1];
    shape[0] = batch;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return shape;
  }

  /** The shape without its first (batch) dimension. */
  public static int[] sample(int[] batchedShape) {
    return Arrays.copyOfRange(batchedShape, 1, batchedShape.length);
  }

  public static String format(int[] shape) {
    return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
  }
}
