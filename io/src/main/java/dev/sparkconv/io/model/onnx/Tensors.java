package dev.sparkconv.io.model.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * TensorProto to {@link Value.Const}: raw_data (little-endian), the typed fields, or an external data file beside
 * the model (location, offset, length: models over protobuf's 2 GB limit); float16 is widened.
 */
final class Tensors {
  private Tensors() {}

  /** The constant, or an IllegalArgumentException naming what is wrong with the tensor; no external data. */
  static Value.Const of(TensorProto t) {
    return of(t, null);
  }

  /** {@code dir}: the model's folder, where external data files are (null: external data is refused). */
  static Value.Const of(TensorProto t, Path dir) {
    boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    if (external && dir == null) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file, but the "
          + "model was not read from a file");
    }
    int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
    int count = dev.sparkconv.tensor.Shapes.size(shape);
    DataType type = DataType.forNumber(t.getDataType());
    ByteBuffer raw = (external ? external(t, dir) : t.getRawData().asReadOnlyByteBuffer())
        .order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = external || !t.getRawData().isEmpty();
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

  /** The bytes external_data names: a file under {@code dir} (never outside it), from offset, length bytes. */
  private static ByteBuffer external(TensorProto t, Path dir) {
    Map<String, String> keys = new HashMap<>();
    t.getExternalDataList().forEach(e -> keys.put(e.getKey(), e.getValue()));
    String location = keys.get("location");
    Path file = location == null ? null : dir.resolve(location).normalize();
    if (file == null || !file.startsWith(dir.normalize())) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' has external data location '" + location
          + "', which is not a file under the model's folder");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long offset = Long.parseLong(keys.getOrDefault("offset", "0"));
      long length = keys.containsKey("length") ? Long.parseLong(keys.get("length")) : ch.size() - offset;
      if (offset < 0 || length < 0 || offset + length > ch.size() || length > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tensor '" + t.getName() + "': external data [" + offset + ", +" + length
            + ") lies outside " + file + " (" + ch.size() + " bytes)");
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
    } catch (IOException e) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "': cannot read external data " + file + ": "
          + e.getMessage(), e);
    }
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
