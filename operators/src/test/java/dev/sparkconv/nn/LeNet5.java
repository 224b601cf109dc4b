package dev.sparkconv.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The classic LeNet-5 for (1, 32, 32) inputs, with ReLU and max pooling as in PyTorch's tutorial
 * version, and seeded weights (layer i's tensors seeded by {@link Init#tensorSeed}).
 */
public final class LeNet5 {
  private LeNet5() {}

  public static Network build(long seed) {
    List<Layer> layers = new ArrayList<>();
    layers.add(conv(seed, 0, "c1", 1, 6));
    layers.add(new Relu("relu1"));
    layers.add(new MaxPool2d("s2", new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false));
    layers.add(conv(seed, 3, "c3", 6, 16));
    layers.add(new Relu("relu3"));
    layers.add(new MaxPool2d("s4", new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false));
    layers.add(new Flatten("flatten"));
    layers.add(linear(seed, 7, "f5", 400, 120));
    layers.add(new Relu("relu5"));
    layers.add(linear(seed, 9, "f6", 120, 84));
    layers.add(new Relu("relu6"));
    layers.add(linear(seed, 11, "f7", 84, 10));
    layers.add(new Softmax("softmax"));
    return new Network("lenet5", new int[] {1, 32, 32}, layers);
  }

  private static Conv conv(long seed, int index, String name, int in, int out) {
    int fanIn = in * 5 * 5;
    float bound = (float) (1 / Math.sqrt(fanIn));
    return new Conv(name, in, out, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1,
        Init.uniform(Init.tensorSeed(seed, index, "weight"), out * fanIn, bound),
        Init.uniform(Init.tensorSeed(seed, index, "bias"), out, bound));
  }

  private static Linear linear(long seed, int index, String name, int in, int out) {
    float bound = (float) (1 / Math.sqrt(in));
    return new Linear(name, in, out, Init.uniform(Init.tensorSeed(seed, index, "weight"), out * in, bound),
        Init.uniform(Init.tensorSeed(seed, index, "bias"), out, bound));
  }
}
