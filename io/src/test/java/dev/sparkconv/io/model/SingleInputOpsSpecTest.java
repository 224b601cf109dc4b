package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec entries of the single-input ops: defaults, seeded constants, and errors naming layer and field. */
class SingleInputOpsSpecTest {
  @TempDir
  Path tmp;

  private Network load(String inputShape, String layers) throws Exception {
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{\"name\":\"m\",\"input_shape\":" + inputShape
        + ",\"weights\":{\"init\":\"seeded\",\"seed\":1},\"layers\":[" + layers + "]}");
    return ModelLoader.load(model);
  }

  @Test
  void everyOpOfTheSetIsRegistered() {
    for (String op : new String[] {"maxpool1d", "maxpool2d", "maxpool3d", "avgpool1d", "avgpool2d", "avgpool3d",
        "global_avgpool", "global_maxpool", "adaptive_avgpool", "adaptive_maxpool", "mixed_pool", "spp", "lp_pool",
        "relu", "relu6", "clip", "leaky_relu", "prelu", "elu", "sigmoid", "tanh", "hard_sigmoid", "hard_swish",
        "silu", "gelu", "softmax", "log_softmax", "flatten", "reshape", "permute", "pad", "slice", "dropout",
        "upsample", "batch_norm", "lrn", "sqrt", "triangle", "patch_norm2d"}) {
      assertTrue(Ops.names().contains(op), op);
    }
  }

  @Test
  void shapesFollowTheSpec() throws Exception {
    Network net = load("[3, 10, 10]", String.join(",",
        "{\"name\":\"a\",\"op\":\"maxpool2d\",\"kernel\":3,\"stride\":2,\"dilation\":2,\"ceil_mode\":true}",
        "{\"name\":\"b\",\"op\":\"upsample\",\"scale\":[1.5,2]}",
        "{\"name\":\"c\",\"op\":\"pad\",\"pads\":[1,0,0,2],\"value\":-1}",
        "{\"name\":\"d\",\"op\":\"spp\",\"levels\":[1,2,4]}"));
    assertArrayEquals(new int[] {3 * 21}, net.outputShape());
    assertArrayEquals(new int[] {3 * 21}, net.outputShape(new int[] {3, 31, 17}), "any input size");
    assertArrayEquals(new int[] {2, 5, 7}, load("[2, 5, 7]", "{\"name\":\"a\",\"op\":\"softmax\",\"axis\":0}")
        .outputShape());
  }

  @Test
  void seededBatchNormAndPreluStartFromPyTorchsInitialValues() throws Exception {
    Network net = load("[2, 3]", "{\"name\":\"bn\",\"op\":\"batch_norm\"},"
        + "{\"name\":\"p\",\"op\":\"prelu\",\"num_parameters\":2}");
    assertEquals(2 * 4 + 2, net.parameterCount());
    float[] x = {-4, 1, 2, 0.5f, -1, 3};
    float[] y = net.forward(Tensor.wrap(x.clone(), 1, 2, 3), new ExecutionContext()).toArray();
    double scale = 1 / Math.sqrt(1 + 1e-5);
    for (int i = 0; i < x.length; i++) {
      double expected = x[i] * scale * (x[i] < 0 ? 0.25 : 1);
      assertEquals(expected, y[i], 1e-6);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "3d pool on 2d input   | {\"name\":\"x\",\"op\":\"maxpool3d\",\"kernel\":2}                       | D>=2",
      "kernel rank           | {\"name\":\"x\",\"op\":\"maxpool2d\",\"kernel\":[2,2,2]}                 | kernel",
      "dilation 0            | {\"name\":\"x\",\"op\":\"maxpool2d\",\"kernel\":2,\"dilation\":0}        | dilation",
      "avg has no dilation   | {\"name\":\"x\",\"op\":\"avgpool2d\",\"kernel\":2,\"dilation\":2}        | dilation",
      "padding over half     | {\"name\":\"x\",\"op\":\"avgpool2d\",\"kernel\":2,\"padding\":2}         | padding",
      "mixed without lambda  | {\"name\":\"x\",\"op\":\"mixed_pool\",\"kernel\":2}                      | lambda",
      "mixed lambda range    | {\"name\":\"x\",\"op\":\"mixed_pool\",\"kernel\":2,\"lambda\":1.5}       | lambda",
      "spp empty levels      | {\"name\":\"x\",\"op\":\"spp\",\"levels\":[]}                           | levels",
      "spp mode              | {\"name\":\"x\",\"op\":\"spp\",\"levels\":[1],\"mode\":\"min\"}           | mode",
      "lp_pool p             | {\"name\":\"x\",\"op\":\"lp_pool\",\"p\":-1,\"kernel\":2}                | 'p'",
      "lp_pool padding       | {\"name\":\"x\",\"op\":\"lp_pool\",\"p\":2,\"kernel\":2,\"padding\":1}   | padding",
      "adaptive size rank    | {\"name\":\"x\",\"op\":\"adaptive_maxpool\",\"output_size\":[1,2,3]}    | output_size",
      "adaptive size zero    | {\"name\":\"x\",\"op\":\"adaptive_avgpool\",\"output_size\":[0,2]}      | outputSize",
      "clip without bounds   | {\"name\":\"x\",\"op\":\"clip\"}                                       | min",
      "clip bounds crossed   | {\"name\":\"x\",\"op\":\"clip\",\"min\":2,\"max\":1}                     | max",
      "gelu approximate      | {\"name\":\"x\",\"op\":\"gelu\",\"approximate\":\"fast\"}                | approximate",
      "prelu count           | {\"name\":\"x\",\"op\":\"prelu\",\"num_parameters\":3}                  | num_parameters",
      "leaky slope type      | {\"name\":\"x\",\"op\":\"leaky_relu\",\"negative_slope\":\"big\"}         | negative_slope",
      "softmax axis          | {\"name\":\"x\",\"op\":\"softmax\",\"axis\":3}                          | axis 3",
      "flatten axis type     | {\"name\":\"x\",\"op\":\"flatten\",\"start_axis\":\"a\"}                  | start_axis",
      "reshape two -1        | {\"name\":\"x\",\"op\":\"reshape\",\"shape\":[-1,-1]}                    | shape",
      "reshape count         | {\"name\":\"x\",\"op\":\"reshape\",\"shape\":[7,-1]}                     | 7",
      "permute rank          | {\"name\":\"x\",\"op\":\"permute\",\"axes\":[1,0]}                      | rank 2",
      "pad mode              | {\"name\":\"x\",\"op\":\"pad\",\"pads\":[1,1],\"mode\":\"edge\"}          | mode",
      "pad value in reflect  | {\"name\":\"x\",\"op\":\"pad\",\"pads\":[1,1],\"mode\":\"reflect\",\"value\":1} | value",
      "pad reflect too wide  | {\"name\":\"x\",\"op\":\"pad\",\"pads\":[8,0],\"mode\":\"reflect\"}       | pads",
      "slice without axis    | {\"name\":\"x\",\"op\":\"slice\",\"start\":1}                           | axis",
      "slice empty           | {\"name\":\"x\",\"op\":\"slice\",\"axis\":1,\"start\":5,\"end\":5}       | axis 1",
      "dropout p             | {\"name\":\"x\",\"op\":\"dropout\",\"p\":2}                             | 'p'",
      "upsample size + scale | {\"name\":\"x\",\"op\":\"upsample\",\"size\":4,\"scale\":2}              | 'size'",
      "upsample align nearest| {\"name\":\"x\",\"op\":\"upsample\",\"scale\":2,\"align_corners\":true}  | align_corners",
      "upsample scale type   | {\"name\":\"x\",\"op\":\"upsample\",\"scale\":\"2\"}                      | scale",
      "upsample mode         | {\"name\":\"x\",\"op\":\"upsample\",\"mode\":\"cubic\",\"scale\":2}       | mode",
      "batch_norm eps        | {\"name\":\"x\",\"op\":\"batch_norm\",\"eps\":-1}                        | eps",
      "lrn without size      | {\"name\":\"x\",\"op\":\"lrn\"}                                        | size",
  })
  void badLayersAreRejectedNamingTheLayerAndField(String label, String layer, String mentioned) throws Exception {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> load("[2, 8, 8]", layer));
    assertTrue(e.getMessage().contains("layer 'x'") && e.getMessage().contains(mentioned), e.getMessage());
    assertTrue(e.getMessage().contains("m.json"), e.getMessage());
  }

  @Test
  void unknownFieldsListTheKnownOnes() throws Exception {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> load("[2, 8]", "{\"name\":\"x\",\"op\":\"lp_pool\",\"p\":2,\"kernel\":2,\"ceil_mode\":true}"));
    assertTrue(e.getMessage().contains("unknown field 'ceil_mode'") && e.getMessage().contains("kernel, name, op, p, "
        + "stride"), e.getMessage());
  }
}
