package dev.sparkconv.nn;

/** The 2-D constructor of {@link AvgPool}, as the first operator set had it; op "avgpool2d". */
public final class AvgPool2d extends AvgPool {
  public AvgPool2d(String name, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
      boolean countIncludePad) {
    super(name, requireRank("avgpool2d", name, "kernel", kernel, 2), stride, padding, ceilMode, countIncludePad);
  }
}
