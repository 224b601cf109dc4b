package dev.sparkconv.nn;

/**
 * A layer that slides a window over the spatial axes (convolution, pooling): what receptive-field
 * and jump arithmetic needs, one entry per spatial axis.
 */
public interface Windowed {
  int[] kernel();

  int[] stride();

  /** 1 for every axis of a layer without dilation. */
  int[] dilation();
}
