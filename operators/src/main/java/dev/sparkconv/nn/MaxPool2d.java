package dev.sparkconv.nn;

/** The 2-D constructor of {@link MaxPool} without dilation, as the first operator set had it; op "maxpool2d". */
public final class MaxPool2d extends MaxPool {
  public MaxPool2d(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
    super(name, requireRank("maxpool2d", name, "kernel", kernel, 2), stride, padding, new int[] {1, 1}, ceilMode);
  }
}
