package dev.sparkconv.io.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.model.ModelFormatException;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * ONNX models exported by torch.onnx (scripts/gen_onnx_fixtures.py) import and reproduce PyTorch's
 * outputs at rtol = atol = 1e-4; unsupported ops and attributes fail at load, naming the node.
 */
class OnnxImporterTest {
  private static final double TOL = 1e-4;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lenet5_opset13", "tiny_resnet_opset17", "activations_opset13", "activations_opset9",
      "tiny_resnet_opset9", "tiny_resnet_bn_opset13", "batch_norms_opset15", "shapes_opset11", "shapes_opset13",
      "misc_opset13", "misc_opset17", "gelu_opset13", "mobilenet_v2_w025_fp16_opset13", "auto_pad_same_upper",
      "maxpool_same_upper", "lrn", "sum", "typed_initializers", "avgpool_asymmetric", "lppool_hardsigmoid",
      "conv_transpose_asymmetric", "conv_transpose_output_shape"})
  void matchesPyTorch(String name) throws Exception {
    Path dir = dir(name);
    Network net = ModelLoader.load(dir.resolve("model.onnx"));
    Tensor input = Npy.readTensor(dir.resolve("input.npy"));
    Tensor expected = Npy.readTensor(dir.resolve("expected.npy"));
    Tensor actual = net.forward(input, new ExecutionContext());
    assertArrayEquals(expected.shape(), actual.shape(), name + ": output shape");
    double worst = 0;
    for (int i = 0; i < expected.size(); i++) {
      float e = expected.data()[i];
      double ratio = Math.abs(actual.data()[i] - e) / (TOL + TOL * Math.abs(e));
      if (!(ratio <= 1)) {
        fail(name + ": element " + i + " is " + actual.data()[i] + " but PyTorch gives " + e);
      }
      worst = Math.max(worst, Math.abs(actual.data()[i] - e));
    }
    System.out.printf("%s: max |diff| %.3g over %d values%n", name, worst, expected.size());
  }

  @Test
  void lenetFoldsItsShapeSubgraphIntoStaticLayers() throws Exception {
    Network net = ModelLoader.load(dir("lenet5_opset13").resolve("model.onnx"));
    assertArrayEquals(new int[] {1, 32, 32}, net.inputShape());
    assertArrayEquals(new int[] {10}, net.outputShape());
    assertTrue(net.nodes().stream().noneMatch(n -> n.op().contains("const")), net.nodes().toString());
  }

  @Test
  void batchNormIsFoldedIntoTheConvolutionBeforeIt() throws Exception {
    Network net = ModelLoader.load(dir("tiny_resnet_bn_opset13").resolve("model.onnx"));
    assertTrue(net.nodes().stream().noneMatch(n -> n.op().equals("batch_norm")), net.nodes().toString());
    // The folded layers are named after their ONNX Conv nodes, not the BatchNormalization ones.
    List<String> convs = net.nodes().stream().filter(n -> n.op().equals("conv2d")).map(Node::name).toList();
    assertEquals(List.of("stem.stem.0.Conv", "a.a.0.Conv", "a.a.3.Conv", "b.Conv"), convs);
    assertTrue(net.nodes().stream().noneMatch(n -> n.name().contains("BatchNormalization")
        || Arrays.stream(n.inputs()).anyMatch(i -> i.contains("BatchNormalization"))), net.nodes().toString());
    Network standalone = ModelLoader.load(dir("batch_norms_opset15").resolve("model.onnx"));
    assertEquals(1, standalone.nodes().stream().filter(n -> n.op().equals("batch_norm")).count(),
        standalone.nodes().toString());
  }

  @Test
  void dynamicSpatialAxesTakeTheShapeTheCallerGives() throws Exception {
    Path model = dir("tiny_resnet_dynamic_hw_opset13").resolve("model.onnx");
    var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(model));
    assertTrue(e.getMessage().contains("axis 2 is dynamic ('h')"), e.getMessage());
    Network net = OnnxImporter.load(model, new int[] {3, 16, 12});
    Tensor expected = Npy.readTensor(model.resolveSibling("expected.npy"));
    Tensor actual = net.forward(Npy.readTensor(model.resolveSibling("input.npy")), new ExecutionContext());
    assertArrayEquals(expected.data(), actual.toArray(), 1e-4f);
    assertThrows(ModelFormatException.class, () -> OnnxImporter.load(model, new int[] {4, 16, 12}));
  }

  @Test
  void unsupportedOpNamesNodeAndOpType() throws Exception {
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir("error_unsupported_op").resolve("model.onnx")));
    assertTrue(e.getMessage().contains("node 'det_node' (Det)") && e.getMessage().contains("unsupported op type 'Det'"),
        e.getMessage());
  }

  @Test
  void unsupportedAttributeValueNamesNodeAndAttribute() throws Exception {
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir("error_unsupported_attribute").resolve("model.onnx")));
    assertTrue(e.getMessage().contains("node 'pool' (MaxPool)") && e.getMessage().contains("'storage_order' = 1"),
        e.getMessage());
  }

  @Test
  void unknownAttributeNamesNodeAndAttribute() throws Exception {
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir("error_unknown_attribute").resolve("model.onnx")));
    assertTrue(e.getMessage().contains("node 'conv' (Conv)") && e.getMessage().contains("unsupported attribute 'foo'"),
        e.getMessage());
  }

  @Test
  void anOpOnTheBatchAxisIsRefusedNamingAnUnnamedNodeByPosition() throws Exception {
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir("error_batch_axis").resolve("model.onnx")));
    assertTrue(e.getMessage().contains("node #1 (Concat)") && e.getMessage().contains("batch axis"), e.getMessage());
  }

  @Test
  void opset10BilinearResizeIsRefusedNotApproximated() throws Exception {
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir("shapes_opset10").resolve("model.onnx")));
    assertTrue(e.getMessage().contains("(Resize)") && e.getMessage().contains("coordinate_transformation_mode"),
        e.getMessage());
  }

  @Test
  void fingerprintIsTheHashOfTheFileBytes() throws Exception {
    Path model = dir("lenet5_opset13").resolve("model.onnx");
    String f = ModelLoader.fingerprint(model, null);
    assertTrue(f.startsWith("sha256:"), f);
    assertEquals(f, ModelLoader.fingerprint(model, null));
    assertTrue(!f.equals(ModelLoader.fingerprint(dir("tiny_resnet_opset17").resolve("model.onnx"), null)));
  }

  @Test
  void halfPrecisionBitsWiden() {
    assertEquals(1f, Tensors.half(0x3c00));
    assertEquals(-2f, Tensors.half(0xc000));
    assertEquals(0x1p-24f, Tensors.half(0x0001));
    assertEquals(65504f, Tensors.half(0x7bff));
    assertEquals(Float.POSITIVE_INFINITY, Tensors.half(0x7c00));
  }

  static Path dir(String name) throws Exception {
    var url = OnnxImporterTest.class.getResource("/onnx/" + name);
    if (url == null) {
      throw new IllegalStateException("no onnx/" + name + " on the test classpath; run scripts/gen_onnx_fixtures.py");
    }
    return Path.of(url.toURI());
  }
}
