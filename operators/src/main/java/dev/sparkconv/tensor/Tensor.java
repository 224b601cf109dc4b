package dev.sparkconv.tensor;

import java.util.Arrays;

/** A float32 tensor: contiguous C order, explicit shape, batch first ((N,C,L), (N,C,H,W), (N,C,T,H,W)). */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  private Tensor(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  public static Tensor zeros(int... shape) {
    return new Tensor(shape.clone(), new float[Shapes.size(shape)]);
  }

  /** Wraps {@code data} without copying; its length must equal the product of {@code shape}. */
  public static Tensor wrap(float[] data, int... shape) {
    long size = Shapes.size(shape);
    if (size != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " elements but shape " + Shapes.format(shape) + " needs " + size);
    }
    return new Tensor(shape.clone(), data);
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return data.length;
  }

  /** The backing array (not a copy): kernels read and write it directly. */
  public float[] data() {
    return data;
  }

  /** A view with another shape over the same data. */
  public Tensor reshape(int... newShape) {
    return wrap(data, newShape);
  }

  @Override
  public String toString() {
    return "Tensor" + Shapes.format(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }
}
