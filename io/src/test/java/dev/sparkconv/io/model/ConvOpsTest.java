package dev.sparkconv.io.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.FlattenedConv2d;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.PaddingMode;
import dev.sparkconv.nn.SeparableConv2d;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The convolution family's spec fields: every padding form, defaults, tensor names, and errors naming the field. */
class ConvOpsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Layer build(String entry, int... inputShape) throws Exception {
    return NativeSpec.layer(JSON.readTree(entry), inputShape, Weights.seeded(1), "m.json");
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "conv2d | 2              | 2, 2, 2, 2",
      "conv2d | [1, 2]         | 1, 2, 1, 2",
      "conv2d | [0, 1, 2, 3]   | 0, 1, 2, 3",
      "conv2d | \"valid\"      | 0, 0, 0, 0",
      "conv2d | \"same\"       | 1, 1, 2, 2",
      "conv2d | \"full\"       | 3, 3, 3, 3",
      "conv1d | [1, 3]         | 1, 3",
      "conv1d | \"same\"       | 1, 2",
      "conv3d | [1, 2, 0]      | 1, 2, 0, 1, 2, 0",
      "conv3d | \"same\"       | 1, 1, 1, 2, 2, 2"})
  void paddingForms(String op, String padding, String expected) throws Exception {
    int rank = op.charAt(4) - '0';
    int[] shape = new int[rank + 1];
    java.util.Arrays.fill(shape, 9);
    shape[0] = 2;
    Conv conv = (Conv) build("{\"name\": \"c\", \"op\": \"" + op + "\", \"out_channels\": 3, \"kernel\": 4, "
        + "\"padding\": " + padding + "}", shape);
    assertArrayEquals(java.util.Arrays.stream(expected.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray(),
        conv.padding());
  }

  @Test
  void defaultsAndOptionalFields() throws Exception {
    Conv plain = (Conv) build("{\"name\": \"c\", \"op\": \"conv3d\", \"out_channels\": 4, \"kernel\": [1, 3, 3]}",
        2, 4, 6, 6);
    assertEquals(PaddingMode.ZEROS, plain.paddingMode());
    assertEquals(false, plain.flip());
    assertArrayEquals(new int[] {1, 1, 1}, plain.stride());
    assertArrayEquals(new int[] {4, 4, 4, 4}, plain.outputShape(new int[] {2, 4, 6, 6}));
    Conv full = (Conv) build("{\"name\": \"c\", \"op\": \"conv1d\", \"out_channels\": 4, \"kernel\": 3, "
        + "\"padding_mode\": \"circular\", \"flip\": true, \"groups\": 2, \"bias\": false, \"padding\": 1}", 2, 8);
    assertEquals(PaddingMode.CIRCULAR, full.paddingMode());
    assertTrue(full.flip());
    assertEquals(4 * 3, full.parameterCount());
  }

  @Test
  void blocksNameTheirTensorsPerStage() throws Exception {
    List<String> asked = new ArrayList<>();
    Weights recording = (layer, tensor, count, fanIn) -> {
      asked.add(tensor + ":" + count + ":" + fanIn);
      return new float[count];
    };
    SeparableConv2d sep = (SeparableConv2d) NativeSpec.layer(JSON.readTree("{\"name\": \"s\", \"op\": "
        + "\"separable_conv2d\", \"out_channels\": 4, \"kernel\": [3, 5], \"groups\": 2, \"padding\": \"same\"}"),
        new int[] {2, 7, 7}, recording, "m.json");
    assertEquals(List.of("vertical.weight:12:3", "horizontal.weight:20:5", "horizontal.bias:4:5"), asked);
    assertArrayEquals(new int[] {1, 2, 1, 2}, sep.padding());
    asked.clear();
    FlattenedConv2d flat = (FlattenedConv2d) NativeSpec.layer(JSON.readTree("{\"name\": \"f\", \"op\": "
        + "\"flattened_conv2d\", \"out_channels\": 4, \"kernel\": 3, \"bias\": false}"),
        new int[] {3, 7, 7}, recording, "m.json");
    assertEquals(List.of("lateral.weight:12:3", "vertical.weight:12:3", "horizontal.weight:12:3"), asked);
    assertArrayEquals(new int[] {4, 5, 5}, flat.outputShape(new int[] {3, 7, 7}));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "same with stride     | conv2d           | \"kernel\": 3, \"stride\": 2, \"padding\": \"same\"   | 'padding'",
      "unknown name         | conv2d           | \"kernel\": 3, \"padding\": \"half\"                  | 'padding'",
      "three entries        | conv2d           | \"kernel\": 3, \"padding\": [1, 1, 1]                 | 'padding'",
      "negative padding     | conv1d           | \"kernel\": 3, \"padding\": [-1, 0]                   | 'padding'",
      "padding mode         | conv2d           | \"kernel\": 3, \"padding_mode\": \"mirror\"           | 'padding_mode'",
      "kernel rank          | conv3d           | \"kernel\": [3, 3]                                    | 'kernel'",
      "stride rank          | conv2d           | \"kernel\": 3, \"stride\": [1, 1, 1]                  | 'stride'",
      "zero kernel          | conv2d           | \"kernel\": [3, 0]                                    | 'kernel'",
      "groups               | conv2d           | \"kernel\": 3, \"groups\": 4                          | 'groups'",
      "flip type            | conv2d           | \"kernel\": 3, \"flip\": 1                            | 'flip'",
      "unknown field        | conv2d           | \"kernel\": 3, \"strides\": 2                         | 'strides'",
      "separable padding    | separable_conv2d | \"kernel\": 3, \"padding\": [1, 1, 1]                 | 'padding'",
      "flattened groups     | flattened_conv2d | \"kernel\": 3, \"groups\": 2                          | 'groups'"})
  void badFieldsAreNamed(String label, String op, String fields, String mentioned) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> build("{\"name\": \"x\", \"op\": \"" + op
        + "\", \"out_channels\": 4, " + fields + "}", op.equals("conv1d") ? new int[] {6, 9}
        : op.equals("conv3d") ? new int[] {6, 9, 9, 9} : new int[] {6, 9, 9}));
    assertTrue(e.getMessage().startsWith("m.json: layer 'x' (" + op + ")") && e.getMessage().contains(mentioned),
        e.getMessage());
  }

  @Test
  void channelShuffleNeedsDivisibleChannels() throws Exception {
    Layer shuffle = build("{\"name\": \"s\", \"op\": \"channel_shuffle\", \"groups\": 3}", 6, 4);
    assertArrayEquals(new int[] {6, 4}, shuffle.outputShape(new int[] {6, 4}));
    assertThrows(IllegalArgumentException.class, () -> shuffle.outputShape(new int[] {4, 4}));
    assertTrue(assertThrows(ModelFormatException.class, () -> build("{\"name\": \"s\", \"op\": \"channel_shuffle\"}",
        6, 4)).getMessage().contains("'groups'"));
  }
}
