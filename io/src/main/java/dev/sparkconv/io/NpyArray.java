package dev.sparkconv.io;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The contents of a .npy file: {@code dtype} is "float32" or "uint8", {@code data} the raw little-endian C-order
 * payload (product(shape) elements).
 */
public record NpyArray(int[] shape, String dtype, byte[] data) {
  public static final String FLOAT32 = "float32";
  public static final String UINT8 = "uint8";

  public NpyArray {
    long need = (long) Shapes.size(shape) * elementSize(dtype);
    if (data.length != need) {
      throw new IllegalArgumentException(
          "data has " + data.length + " bytes but shape " + Shapes.format(shape) + " with dtype " + dtype + " needs " + need);
    }
  }

  /** Bytes per element of a supported dtype name. */
  public static int elementSize(String dtype) {
    return switch (dtype) {
      case FLOAT32 -> 4;
      case UINT8 -> 1;
      default -> throw new IllegalArgumentException("unsupported dtype '" + dtype + "' (float32 or uint8)");
    };
  }

  /** As a float32 tensor; uint8 values are widened to 0..255 (no scaling: that is the model's preprocessing). */
  public Tensor toTensor() {
    float[] out = new float[Shapes.size(shape)];
    if (FLOAT32.equals(dtype)) {
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = data[i] & 0xFF;
      }
    }
    return Tensor.wrap(out, shape);
  }
}
