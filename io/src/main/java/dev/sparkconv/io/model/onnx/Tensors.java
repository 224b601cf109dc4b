package dev.sparkconv.io.model.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** TensorProto to {@link Value.Const}: raw_data (little-endian) or the typed fields; float16 is widened. */
final class Tensors {
  private Tensors() {}

  /** The constant, or an IllegalArgumentException naming what is wrong with the tensor. */
  static Value.Const of(TensorProto t) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file, which "
          + "is not supported (save the model with its weights inside)");
    }
    int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
    int count = dev.sparkconv.tensor.Shapes.size(shape);
    DataType type = DataType.forNumber(t.getDataType());
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = !t.getRawData().isEmpty();
    if (type == DataType.FLOAT) { // weights: kept as floats, half the memory of doubles
      float[] f = new float[count];
      if (hasRaw) {
        raw.asFloatBuffer().get(f);
      } else {
        for (int k = 0; k < count; k++) {
          f[k] = t.getFloatData(k);
        }
      }
      return Value.Const.ofFloats(shape, f);
    }
    double[] v = new double[count];
    for (int k = 0; k < count; k++) {
      v[k] = switch (type == null ? DataType.UNDEFINED : type) {
        case DOUBLE -> hasRaw ? raw.getDouble() : t.getDoubleData(k);
        case FLOAT16 -> half(hasRaw ? raw.getShort() : t.getInt32Data(k));
        case INT64 -> hasRaw ? raw.getLong() : t.getInt64Data(k);
        case INT32, INT16, INT8, UINT8, UINT16, BOOL -> hasRaw ? rawInt(raw, type) : t.getInt32Data(k);
        default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type " + type
            + ", which is not supported (float, float16, double or an integer type)");
      };
    }
    boolean integral = type != DataType.FLOAT && type != DataType.DOUBLE && type != DataType.FLOAT16;
    return new Value.Const(shape, v, integral);
  }

  private static long rawInt(ByteBuffer raw, DataType type) {
    return switch (type) {
      case INT32 -> raw.getInt();
      case INT16 -> raw.getShort();
      case UINT16 -> raw.getShort() & 0xffff;
      case INT8 -> raw.get();
      default -> raw.get() & 0xff; // UINT8, BOOL
    };
  }

  /** IEEE 754 half precision bits to the float they denote. */
  static float half(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    }
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
      float f = mantissa * 0x1p-24f;
      return sign == 0 ? f : -f;
    }
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }
}
