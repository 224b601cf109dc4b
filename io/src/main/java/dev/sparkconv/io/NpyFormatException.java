package dev.sparkconv.io;

import java.io.IOException;

/** A .npy file that is malformed or uses a feature this reader does not support; the message names the file. */
public class NpyFormatException extends IOException {
  public NpyFormatException(String message) {
    super(message);
  }
}
