package dev.sparkconv.tensor;

import java.util.Arrays;

/** A float32 tensor: contiguous C order, explicit shape, batch first ((N,C,L), (N,C,H,W), (N,C,T,H,W)). */
public final class Tensor {
  private final int[] shape;
  private final float[] data;
  private final int size;

  private Tensor(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
    this.size = Shapes.size(shape);
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

  /** Number of elements, the product of the shape. */
  public int size() {
    return size;
  }

  /**
   * A tensor over the first elements of {@code data}, which may be longer: per-task buffers only
   * grow, so a smaller batch runs in a larger buffer without copying.
   */
  public static Tensor view(float[] data, int... shape) {
    int size = Shapes.size(shape);
    if (data.length < size) {
      throw new IllegalArgumentException(
          "data has " + data.length + " elements but shape " + Shapes.format(shape) + " needs " + size);
    }
    return new Tensor(shape.clone(), data);
  }

  /** The logical elements as a new exact-size array. */
  public float[] toArray() {
    return Arrays.copyOf(data, size);
  }

  /** The backing array (not a copy), possibly longer than {@link #size()}: kernels read and write it directly. */
  public float[] data() {
    return data;
  }

  /** A view with another shape of the same size over the same data. */
  public Tensor reshape(int... newShape) {
    if (Shapes.size(newShape) != size) {
      throw new IllegalArgumentException("cannot reshape " + this + " to " + Shapes.format(newShape));
    }
    return new Tensor(newShape.clone(), data);
  }

  @Override
  public String toString() {
    return "Tensor" + Shapes.format(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, 0, size, t.data, 0, t.size);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(toArray());
  }
}
