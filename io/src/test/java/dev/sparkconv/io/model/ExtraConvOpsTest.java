package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.nn.ConvTranspose;
import dev.sparkconv.nn.DeformConv2d;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.LocallyConnected2d;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.TiledConv2d;
import dev.sparkconv.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec side of the transposed, deformable, locally connected and tiled ops (values: the conformance fixtures). */
class ExtraConvOpsTest {
  @TempDir
  Path tmp;

  private Network load(String inputShape, String layers) throws Exception {
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{\"name\":\"m\",\"input_shape\":" + inputShape
        + ",\"weights\":{\"init\":\"seeded\",\"seed\":7},\"layers\":[" + layers + "]}");
    return ModelLoader.load(model);
  }

  @Test
  void seededSpecWithEveryOpInfersShapesAndRuns() throws Exception {
    Network net = load("[4, 8, 8]", String.join(",",
        "{\"name\":\"dcn\",\"op\":\"deform_conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1,"
            + "\"offset_groups\":2,\"modulated\":true}",
        "{\"name\":\"tiled\",\"op\":\"tiled_conv2d\",\"out_channels\":4,\"kernel\":3,\"padding\":1,\"tile\":[2,3]}",
        "{\"name\":\"local\",\"op\":\"locally_connected2d\",\"out_channels\":2,\"kernel\":3}",
        "{\"name\":\"up\",\"op\":\"conv_transpose2d\",\"out_channels\":3,\"kernel\":3,\"stride\":2,\"padding\":1,"
            + "\"output_size\":[12,11],\"groups\":1}"));
    assertArrayEquals(new int[] {3, 12, 11}, net.outputShape());
    DeformConv2d dcn = (DeformConv2d) net.layers().get(0);
    assertEquals(3 * 2 * 9, dcn.offsetChannels());
    assertArrayEquals(new int[] {2, 3}, ((TiledConv2d) net.layers().get(1)).tile());
    assertArrayEquals(new int[] {6, 6}, ((LocallyConnected2d) net.layers().get(2)).outputSize());
    ConvTranspose up = (ConvTranspose) net.layers().get(3);
    assertArrayEquals(new int[] {12, 11}, up.outputSize());
    long expected = (4 * 4 * 9 + 4) + (3 * 2 * 9 * 4 * 9 + 3 * 2 * 9)   // deform_conv2d and its offset conv
        + (6 * 4 * 4 * 9 + 4 * 6)                                       // tiled: 2x3 kernels
        + (36 * 2 * 4 * 9 + 2 * 36)                                     // locally connected: 6x6 kernels
        + (2 * 3 * 9 + 3);                                              // transposed (in, out, k, k)
    assertEquals(expected, net.parameterCount());
    // Seeded with PyTorch's bound: fan_in of a transposed weight (in, out/groups, k...) is out/groups * k...
    float bound = (float) (1 / Math.sqrt(3 * 9));
    for (float w : up.weight()) {
      assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond 1/sqrt(fan_in)");
    }
    Tensor out = net.forward(Tensor.wrap(new float[2 * 4 * 8 * 8], 2, 4, 8, 8), new ExecutionContext());
    assertArrayEquals(new int[] {2, 3, 12, 11}, out.shape());
  }

  @Test
  void transposedRanksAndDefaults() throws Exception {
    Network one = load("[2, 5]", "{\"name\":\"t\",\"op\":\"conv_transpose1d\",\"out_channels\":4,\"kernel\":3,"
        + "\"stride\":2,\"output_padding\":1,\"bias\":false}");
    assertArrayEquals(new int[] {4, 12}, one.outputShape());
    assertNull(((ConvTranspose) one.layers().get(0)).bias());
    Network three = load("[2, 2, 3, 4]", "{\"name\":\"t\",\"op\":\"conv_transpose3d\",\"out_channels\":2,"
        + "\"kernel\":[1,2,2],\"stride\":[1,2,2],\"groups\":2}");
    assertArrayEquals(new int[] {2, 2, 6, 8}, three.outputShape());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "output padding >= stride | conv_transpose2d | \"kernel\":3,\"stride\":2,\"output_padding\":2 | outputPadding",
      "groups not dividing      | conv_transpose2d | \"kernel\":3,\"groups\":3                     | groups",
      "wrong rank               | conv_transpose1d | \"kernel\":3                                  | (C, L)",
      "output size unreachable  | conv_transpose2d | \"kernel\":3,\"stride\":2,\"padding\":1,\"output_size\":[20,20] | (4, 10, 10)",
      "output size wrong length | conv_transpose2d | \"kernel\":3,\"output_size\":[20,20,20]       | output_size",
      "unknown field            | conv_transpose2d | \"kernel\":3,\"tile\":2                       | tile",
      "offset groups            | deform_conv2d    | \"kernel\":3,\"offset_groups\":3              | offset_groups",
      "modulated not a bool     | deform_conv2d    | \"kernel\":3,\"modulated\":1                  | modulated",
      "window larger than input | locally_connected2d | \"kernel\":9                              | smaller than its window",
      "tile zero                | tiled_conv2d     | \"kernel\":3,\"tile\":[0,2]                   | tile",
      "tile missing             | tiled_conv2d     | \"kernel\":3                                  | tile",
      "kernel zero              | tiled_conv2d     | \"kernel\":0,\"tile\":1                       | kernel",
  })
  void badLayersAreRejectedNamingTheLayerAndField(String label, String op, String fields, String mentioned)
      throws Exception {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> load("[4, 8, 8]",
        "{\"name\":\"x\",\"op\":\"" + op + "\",\"out_channels\":4," + fields + "}"));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains(op) && e.getMessage().contains(mentioned),
        e.getMessage());
  }
}
