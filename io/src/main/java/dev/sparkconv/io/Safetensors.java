package dev.sparkconv.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to its dtype, shape and byte range, then the raw little-endian data. F32 is read
 * as is; F16 and BF16 are widened to float32 on load. Written files are F32.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Safetensors() {}

  /** Every tensor of the file, in header order; errors name the file and the tensor. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw new IOException(file + ": not a safetensors file (shorter than its 8-byte header length)");
    }
    long headerLen = buf.getLong(0);
    if (headerLen < 2 || headerLen > bytes.length - 8) {
      throw new IOException(file + ": header length " + headerLen + " does not fit a file of " + bytes.length + " bytes");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException(file + ": malformed JSON header: " + e.getMessage(), e);
    }
    int dataStart = 8 + (int) headerLen;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__metadata__")) {
        tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), buf, dataStart));
      }
    }
    return tensors;
  }

  private static Tensor tensor(Path file, String name, JsonNode info, ByteBuffer buf, int dataStart)
      throws IOException {
    String where = file + ": tensor '" + name + "'";
    String dtype = info.path("dtype").asText();
    JsonNode shapeNode = info.path("shape");
    JsonNode offsets = info.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException(where + ": needs 'shape' and two 'data_offsets' but has " + info);
    }
    int[] shape = new int[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
    }
    int count = Shapes.size(shape);
    int width = switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> throw new IOException(where + ": dtype " + dtype + " is not supported (F32, F16, BF16 are)");
    };
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (end - begin != (long) count * width || begin < 0 || dataStart + end > buf.capacity()) {
      throw new IOException(where + ": data_offsets [" + begin + ", " + end + ") do not hold " + count + " " + dtype
          + " values inside the file");
    }
    float[] values = new float[count];
    int at = dataStart + (int) begin;
    for (int i = 0; i < count; i++) {
      values[i] = switch (dtype) {
        case "F32" -> buf.getFloat(at + 4 * i);
        case "F16" -> halfToFloat(buf.getShort(at + 2 * i));
        default -> Float.intBitsToFloat((buf.getShort(at + 2 * i) & 0xFFFF) << 16); // BF16: the top half of an F32
      };
    }
    return Tensor.wrap(values, shape);
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat arrives only in Java 20). */
  static float halfToFloat(short half) {
    int h = half & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0x1F) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Writes the tensors as F32, in the map's order, with the header padded to 8 bytes as the format advises. */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode info = header.putObject(e.getKey());
      info.put("dtype", "F32");
      var shape = info.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      long size = 4L * e.getValue().size();
      info.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Tensor t : tensors.values()) {
      out.asFloatBuffer().put(t.data(), 0, t.size());
      out.position(out.position() + 4 * t.size());
    }
    Files.write(file, out.array());
  }
}
