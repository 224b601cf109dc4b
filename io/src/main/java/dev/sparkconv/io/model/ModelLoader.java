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
    if (!Files.isRegularFile(model)) {
      throw new ModelFormatException("model file " + model + " does not exist");
    }
    String file = model.getFileName().toString();
    if (file.endsWith(".json")) {
      return NativeSpec.load(model);
    }
    throw new ModelFormatException("model file " + model + ": unknown format (expected a .json native spec)");
  }
}
