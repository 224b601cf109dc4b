package dev.sparkconv.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkconv.io.Safetensors;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Coates, Lee and Ng (2011) single-layer extractor as a native spec plus its weights: for every
 * patch x (patch_norm2d: mean removed, over sqrt(var + 10)), whitened w = P (x - m) (a 1x1 conv,
 * left out without whitening), distances z_k = ||w - c_k|| = sqrt(||w||^2 - 2 c_k.w + ||c_k||^2)
 * (two 1x1 convs and an add), the triangle encoder, then sums over the four quadrants (adaptive
 * average pooling to 2x2 times the quadrant area, a depthwise 1x1 conv), flattened to 4k features.
 */
final class ExtractorSpec {
  static final String MODEL = "model.json";
  static final String WEIGHTS = "filters.safetensors";
  /** The centroids as a (k, C, s, s) filter bank, for looking at them (export --format png). */
  static final String BANK = "bank.safetensors";

  private ExtractorSpec() {}

  /**
   * Writes DIR/model.json, DIR/filters.safetensors and DIR/bank.safetensors. {@code centroids}: k rows of d =
   * C·s·s values; {@code whitening} (d x d, row-major) and {@code mean} are null without whitening.
   */
  static void write(Path dir, int[] inputShape, int size, int stride, double[][] centroids, double[] whitening,
      double[] mean) throws IOException {
    int k = centroids.length;
    int d = centroids[0].length;
    int outH = (inputShape[1] - size) / stride + 1;
    int outW = (inputShape[2] - size) / stride + 1;
    if (outH < 2 || outW < 2) {
      throw new IllegalArgumentException("patches of " + size + " at stride " + stride + " give a " + outH + "x" + outW
          + " map on " + inputShape[1] + "x" + inputShape[2] + " images; quadrant pooling needs at least 2x2");
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = json.createObjectNode();
    spec.put("name", "coates_k" + k + "_s" + size + (whitening == null ? "" : "_zca"));
    spec.set("input_shape", json.valueToTree(inputShape));
    spec.putObject("weights").put("init", "seeded").put("seed", 0); // placeholder: pass --weights filters.safetensors
    ArrayNode layers = spec.putArray("layers");
    layers.addObject().put("name", "norm").put("op", "patch_norm2d").put("kernel", size).put("stride", stride)
        .put("eps", Patches.NORM_EPS);
    String patches = "norm";
    Map<String, Tensor> weights = new LinkedHashMap<>();
    if (whitening != null) {
      float[] bias = new float[d];
      for (int i = 0; i < d; i++) {
        double b = 0;
        for (int j = 0; j < d; j++) {
          b -= whitening[i * d + j] * mean[j];
        }
        bias[i] = (float) b;
      }
      conv(layers, "whiten", d, "norm");
      weights.put("whiten.weight", Tensor.wrap(toFloat(whitening), d, d, 1, 1));
      weights.put("whiten.bias", Tensor.wrap(bias, d));
      patches = "whiten";
    }
    layers.addObject().put("name", "squares").put("op", "mul").set("inputs", json.valueToTree(new String[] {patches, patches}));
    conv(layers, "sqnorm", 1, "squares").put("bias", false);
    float[] ones = new float[d];
    java.util.Arrays.fill(ones, 1f);
    weights.put("sqnorm.weight", Tensor.wrap(ones, 1, d, 1, 1));
    conv(layers, "dots", k, patches);
    float[] dots = new float[k * d];
    float[] norms = new float[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        dots[c * d + j] = (float) (-2 * centroids[c][j]);
        norms[c] += (float) (centroids[c][j] * centroids[c][j]);
      }
    }
    weights.put("dots.weight", Tensor.wrap(dots, k, d, 1, 1));
    weights.put("dots.bias", Tensor.wrap(norms, k));
    layers.addObject().put("name", "squared_distance").put("op", "add")
        .set("inputs", json.valueToTree(new String[] {"dots", "sqnorm"}));
    layers.addObject().put("name", "nonnegative").put("op", "relu"); // rounding can leave -1e-6
    layers.addObject().put("name", "distance").put("op", "sqrt");
    layers.addObject().put("name", "triangle").put("op", "triangle");
    layers.addObject().put("name", "quadrants").put("op", "adaptive_avgpool").put("output_size", 2);
    conv(layers, "sum", k, "quadrants").put("groups", k).put("bias", false);
    float[] area = new float[k];
    java.util.Arrays.fill(area, (float) (((outH + 1) / 2) * ((outW + 1) / 2))); // both windows of an axis hold ceil(n/2)
    weights.put("sum.weight", Tensor.wrap(area, k, 1, 1, 1));
    layers.addObject().put("name", "features").put("op", "flatten");

    java.nio.file.Files.createDirectories(dir);
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MODEL).toFile(), spec);
    Safetensors.write(dir.resolve(WEIGHTS), weights);
    float[] bank = new float[k * d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        bank[c * d + j] = (float) centroids[c][j];
      }
    }
    Safetensors.write(dir.resolve(BANK), Map.of("filters", Tensor.wrap(bank, k, inputShape[0], size, size)));
  }

  private static ObjectNode conv(ArrayNode layers, String name, int out, String input) {
    ObjectNode conv = layers.addObject().put("name", name).put("op", "conv2d").put("out_channels", out).put("kernel", 1);
    conv.putArray("inputs").add(input);
    return conv;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
