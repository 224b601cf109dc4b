package dev.sparkconv.io.model;

/** A model file that cannot be loaded; the message names the file, the layer and the field at fault. */
public final class ModelFormatException extends RuntimeException {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
