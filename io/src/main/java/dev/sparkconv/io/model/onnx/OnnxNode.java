package dev.sparkconv.io.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.sparkconv.io.model.ModelFormatException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX node with typed attribute access; every error names the file, the node and its op type. */
final class OnnxNode {
  final NodeProto proto;
  final String name;
  final String op;
  final int opset;
  /** Position in the graph, which names the node in errors when it has no name. */
  final int index;
  private final String source;
  private final Map<String, AttributeProto> attributes = new LinkedHashMap<>();

  OnnxNode(NodeProto proto, int index, int opset, String source) {
    this.proto = proto;
    this.index = index;
    this.name = proto.getName();
    this.op = proto.getOpType();
    this.opset = opset;
    this.source = source;
    for (AttributeProto a : proto.getAttributeList()) {
      attributes.put(a.getName(), a);
    }
  }

  ModelFormatException error(String message) {
    String node = proto.getName().isEmpty() ? "#" + index : "'" + proto.getName() + "'";
    return new ModelFormatException(source + ": node " + node + " (" + op + "): " + message);
  }

  /** Refuses any attribute not listed: an attribute we would ignore could change the result. */
  OnnxNode allow(String... known) {
    Set<String> ok = Set.of(known);
    for (String a : attributes.keySet()) {
      if (!ok.contains(a)) {
        throw error("unsupported attribute '" + a + "' (supported: " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  boolean has(String attribute) {
    return attributes.containsKey(attribute);
  }

  long i(String attribute, long fallback) {
    AttributeProto a = attributes.get(attribute);
    return a == null ? fallback : a.getI();
  }

  float f(String attribute, float fallback) {
    AttributeProto a = attributes.get(attribute);
    return a == null ? fallback : a.getF();
  }

  String s(String attribute, String fallback) {
    AttributeProto a = attributes.get(attribute);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  /** An int list attribute, or null when absent. */
  int[] ints(String attribute) {
    AttributeProto a = attributes.get(attribute);
    return a == null ? null : a.getIntsList().stream().mapToInt(Long::intValue).toArray();
  }

  float[] floats(String attribute) {
    AttributeProto a = attributes.get(attribute);
    if (a == null) {
      return null;
    }
    float[] f = new float[a.getFloatsCount()];
    for (int k = 0; k < f.length; k++) {
      f[k] = a.getFloats(k);
    }
    return f;
  }

  AttributeProto attribute(String attribute) {
    return attributes.get(attribute);
  }

  /** Refuses an attribute value other than the supported ones. */
  void only(String attribute, Object value, Object... supported) {
    if (!Arrays.asList(supported).contains(value)) {
      throw error("attribute '" + attribute + "' = " + value + " is not supported (supported: "
          + Arrays.toString(supported) + ")");
    }
  }

  /** Input k's value name, or "" when absent (optional inputs may be left out or named ""). */
  String input(int k) {
    return k < proto.getInputCount() ? proto.getInput(k) : "";
  }

  List<String> inputs() {
    return proto.getInputList();
  }

  List<String> outputs() {
    return proto.getOutputList();
  }
}
