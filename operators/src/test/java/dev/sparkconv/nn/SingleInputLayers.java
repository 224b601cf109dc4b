package dev.sparkconv.nn;

import java.util.List;

/** Every layer class of the single-input operator set beyond convolution and linear, for reflective checks. */
final class SingleInputLayers {
  private SingleInputLayers() {}

  static final List<Class<? extends Layer>> CLASSES = List.of(
      MaxPool.class, MaxPool2d.class, AvgPool.class, AvgPool2d.class, MixedPool.class, LpPool.class,
      GlobalAvgPool.class, GlobalMaxPool.class, AdaptivePool.class, SpatialPyramidPool.class,
      Clip.class, LeakyRelu.class, PRelu.class, Elu.class, Sigmoid.class, Tanh.class, HardSigmoid.class,
      HardSwish.class, Silu.class, Gelu.class, Softmax.class,
      Flatten.class, Reshape.class, Permute.class, Pad.class, Slice.class, Dropout.class, Upsample.class,
      BatchNorm.class, LocalResponseNorm.class);
}
