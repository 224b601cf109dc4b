package dev.sparkconv.io.model;

import dev.sparkconv.nn.Network;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one seam through which jobs obtain a network: a model reference in, a validated
 * {@link Network} out. Formats are chosen by file extension.
 */
public final class ModelLoader {
  private ModelLoader() {}

  public static Network load(Path model) {
    return load(model, null);
  }

  /** A model with its weights from a safetensors file, or (null) as the spec describes them. */
  public static Network load(Path model, Path weights) {
    return load(model, weights, null);
  }

  /**
   * As {@link #load(Path, Path)}; {@code onnxInputShape} (per sample, or null) fills an ONNX graph
   * input's dynamic axes, for which its shapes are folded. A native spec states its own input shape.
   */
  public static Network load(Path model, Path weights, int[] onnxInputShape) {
    if (!Files.isRegularFile(model)) {
      throw new ModelFormatException("model file " + model + " does not exist");
    }
    String file = model.getFileName().toString();
    if (file.endsWith(".json")) {
      return NativeSpec.load(model, weights == null ? null : Weights.file(weights));
    }
    if (file.endsWith(".onnx")) {
      if (weights != null) {
        throw new ModelFormatException("model file " + model
            + ": an ONNX model carries its own weights; drop --weights");
      }
      return dev.sparkconv.io.model.onnx.OnnxImporter.load(model, onnxInputShape);
    }
    throw new ModelFormatException("model file " + model + ": unknown format (expected a .json native spec or an "
        + ".onnx model)");
  }

  /**
   * How raw uint8 images become the model's input, as its native spec declares ("preprocess"); empty
   * for an ONNX model or a spec that declares none.
   */
  public static java.util.Optional<dev.sparkconv.io.image.Preprocess> preprocess(Path model) {
    return model.getFileName().toString().endsWith(".json") ? NativeSpec.preprocess(model) : java.util.Optional.empty();
  }

  /**
   * A short hash of everything that decides a model's outputs: for a native spec its canonical JSON
   * (graph, seeded weights) and the bytes of its weight file (given, or named by the spec); for an
   * ONNX model the file's bytes.
   * Outputs carry it so that features of different models are never mixed.
   */
  public static String fingerprint(Path model, Path weights) {
    try {
      var canonical = new com.fasterxml.jackson.databind.ObjectMapper()
          .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      Path weightFile = weights;
      if (model.getFileName().toString().endsWith(".onnx")) {
        sha.update(Files.readAllBytes(model));
      } else {
        var spec = NativeSpec.read(model);
        sha.update(canonical.writeValueAsBytes(canonical.treeToValue(spec, Object.class)));
        weightFile = weights != null ? weights : NativeSpec.weightFile(model, spec);
      }
      if (weightFile != null) {
        sha.update(Files.readAllBytes(weightFile));
      }
      byte[] digest = sha.digest();
      return "sha256:" + java.util.HexFormat.of().formatHex(digest, 0, 12);
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new ModelFormatException("cannot fingerprint " + model + ": " + e.getMessage(), e);
    }
  }
}
