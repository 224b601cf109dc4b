package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Receptive fields and jumps worked out by hand with the formulas of the seed articles
 * (shared/seeds/003: RF_l = RF_(l-1) + (k_l - 1) * (product of the strides before layer l), with the
 * dilated kernel k_eff = k + (k - 1)(d - 1); padding and the layer's own stride do not count;
 * pooling counts like convolution), parameters and MACs as in seeds/002 (k*k*C_in*C_out + bias;
 * MACs = output positions * k*k*C_in per output channel).
 */
class SummaryTest {

  private static Conv conv(String name, int in, int out, int[] k, int[] s, int[] p, int[] d) {
    return new Conv(name, in, out, k, s, p, d, 1, new float[out * in * k[0] * k[1]], new float[out]);
  }

  private static Conv conv(String name, int in, int out, int k, int s, int p, int d) {
    return conv(name, in, out, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {d, d});
  }

  private static void assertRow(NetworkSummary summary, String name, int[] shape, int[] rf, int[] jump,
      boolean global) {
    NetworkSummary.Row row = summary.row(name);
    assertArrayEquals(shape, row.outputShape(), name + " shape");
    assertArrayEquals(rf, row.receptiveField(), name + " receptive field");
    assertArrayEquals(jump, row.jump(), name + " jump");
    assertEquals(global, row.global(), name + " global");
  }

  @Test
  void lenet5() {
    NetworkSummary s = LeNet5.build(0).summary();
    assertEquals(List.of("input", "c1", "relu1", "s2", "c3", "relu3", "s4", "flatten", "f5", "relu5", "f6",
        "relu6", "f7", "softmax"), s.rows().stream().map(NetworkSummary.Row::name).toList());
    int[] one = {1, 1};
    assertRow(s, "input", new int[] {1, 32, 32}, one, one, false);
    // c1 5x5: 1 + (5-1)*1 = 5, jump 1.
    assertRow(s, "c1", new int[] {6, 28, 28}, new int[] {5, 5}, one, false);
    assertRow(s, "relu1", new int[] {6, 28, 28}, new int[] {5, 5}, one, false);
    // s2 2x2 stride 2: 5 + (2-1)*1 = 6, jump 1*2 = 2.
    assertRow(s, "s2", new int[] {6, 14, 14}, new int[] {6, 6}, new int[] {2, 2}, false);
    // c3 5x5: 6 + (5-1)*2 = 14, jump 2.
    assertRow(s, "c3", new int[] {16, 10, 10}, new int[] {14, 14}, new int[] {2, 2}, false);
    // s4 2x2 stride 2: 14 + (2-1)*2 = 16, jump 4.
    assertRow(s, "s4", new int[] {16, 5, 5}, new int[] {16, 16}, new int[] {4, 4}, false);
    // flatten and everything after it see the whole 32x32 input.
    assertRow(s, "flatten", new int[] {400}, new int[] {32, 32}, new int[] {4, 4}, true);
    assertRow(s, "softmax", new int[] {10}, new int[] {32, 32}, new int[] {4, 4}, true);
    // Parameters 5*5*1*6 + 6, 5*5*6*16 + 16, 400*120 + 120, 120*84 + 84, 84*10 + 10.
    assertEquals(156, s.row("c1").parameters());
    assertEquals(2416, s.row("c3").parameters());
    assertEquals(48120, s.row("f5").parameters());
    assertEquals(61706, s.parameters());
    // MACs 28*28*6 * 25, 10*10*16 * 150, then the fully connected products.
    assertEquals(117600, s.row("c1").macs());
    assertEquals(240000, s.row("c3").macs());
    assertEquals(117600 + 240000 + 48000 + 10080 + 840, s.macs());
    assertEquals(LeNet5.build(0).macs(), s.macs());

    String table = s.toTable();
    assertTrue(table.contains("c3"), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("s4 ") && l.contains("16x16") && l.contains("4x4")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("flatten ") && l.contains("global 32x32")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("total ") && l.contains("61706") && l.contains("416520")),
        table);
  }

  /** Seeds/000: stacked 3x3 convolutions with dilation 1, 2, 4 reach 3, 7, 15. */
  @Test
  void dilatedStack() {
    Network net = Network.builder("dilated", new int[] {1, 40, 40})
        .add(conv("d1", 1, 2, 3, 1, 1, 1))
        .add(conv("d2", 2, 2, 3, 1, 2, 2))
        .add(conv("d4", 2, 2, 3, 1, 4, 4))
        .add(new MaxPool2d("pool", new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false))
        .add(conv("aniso", 2, 2, new int[] {3, 1}, new int[] {1, 2}, new int[] {0, 0}, new int[] {2, 1}))
        .add(new GlobalAvgPool("gap"))
        .build();
    NetworkSummary s = net.summary();
    // k_eff = 3, 5, 9: 1 + 2 = 3, 3 + 4 = 7, 7 + 8 = 15, jump stays 1.
    assertRow(s, "d1", new int[] {2, 40, 40}, new int[] {3, 3}, new int[] {1, 1}, false);
    assertRow(s, "d2", new int[] {2, 40, 40}, new int[] {7, 7}, new int[] {1, 1}, false);
    assertRow(s, "d4", new int[] {2, 40, 40}, new int[] {15, 15}, new int[] {1, 1}, false);
    // pool 2x2 stride 2: 15 + 1*1 = 16, jump 2.
    assertRow(s, "pool", new int[] {2, 20, 20}, new int[] {16, 16}, new int[] {2, 2}, false);
    // aniso: H k3 d2 (k_eff 5) stride 1: 16 + 4*2 = 24, jump 2; W k1 stride 2: 16 + 0, jump 4.
    assertRow(s, "aniso", new int[] {2, 16, 10}, new int[] {24, 16}, new int[] {2, 4}, false);
    assertRow(s, "gap", new int[] {2, 1, 1}, new int[] {40, 40}, new int[] {2, 4}, true);
    // No parameters or MACs outside the convolutions: 3*3*1*2 + 2, 3*3*2*2 + 2 twice, 3*1*2*2 + 2.
    assertEquals(20 + 38 + 38 + 14, s.parameters());
    // The same network on a larger input: the RF stays, the global extent follows the input.
    assertRow(net.summary(new int[] {1, 64, 48}), "gap", new int[] {2, 1, 1}, new int[] {64, 48},
        new int[] {2, 4}, true);
  }

  /** ResNet basic block with a 1x1 stride-2 downsample shortcut; the add takes the larger RF. */
  @Test
  void residualBlock() {
    Network net = Network.builder("resblock", new int[] {3, 16, 16})
        .add(conv("stem", 3, 4, 3, 2, 1, 1))
        .add(conv("c1", 4, 8, 3, 2, 1, 1))
        .add(new Relu("r1"))
        .add(conv("c2", 8, 8, 3, 1, 1, 1))
        .add(conv("short", 4, 8, 1, 2, 0, 1), "stem")
        .add(new Add("add"), "c2", "short")
        .add(new Relu("out"))
        .build();
    NetworkSummary s = net.summary();
    // stem 3x3 s2: 1 + 2*1 = 3, jump 2. c1 3x3 s2: 3 + 2*2 = 7, jump 4. c2 3x3: 7 + 2*4 = 15, jump 4.
    assertRow(s, "stem", new int[] {4, 8, 8}, new int[] {3, 3}, new int[] {2, 2}, false);
    assertRow(s, "c1", new int[] {8, 4, 4}, new int[] {7, 7}, new int[] {4, 4}, false);
    assertRow(s, "c2", new int[] {8, 4, 4}, new int[] {15, 15}, new int[] {4, 4}, false);
    // short 1x1 s2: 3 + 0 = 3, jump 4.
    assertRow(s, "short", new int[] {8, 4, 4}, new int[] {3, 3}, new int[] {4, 4}, false);
    assertRow(s, "add", new int[] {8, 4, 4}, new int[] {15, 15}, new int[] {4, 4}, false);
    assertRow(s, "out", new int[] {8, 4, 4}, new int[] {15, 15}, new int[] {4, 4}, false);
    assertEquals("", s.row("add").note());
    assertArrayEquals(new String[] {"c2", "short"}, s.row("add").inputs());
    // Parameters 108+4, 288+8, 576+8, 32+8; MACs per output position times k*k*C_in.
    assertEquals(112 + 296 + 584 + 40, s.parameters());
    assertEquals(4L * 64 * 27 + 8L * 16 * 36 + 8L * 16 * 72 + 8L * 16 * 4, s.macs());
    assertEquals(net.macs(), s.macs());
  }

  @Test
  void joinOfDifferentJumpsReportsTheLargest() {
    Network net = Network.builder("jumps", new int[] {2, 4, 4})
        .add(conv("fine", 2, 2, 3, 1, 1, 1), Network.INPUT)
        .add(conv("coarse", 2, 2, 3, 2, 3, 1), Network.INPUT) // (4 + 6 - 3) / 2 + 1 = 4
        .add(new Add("add"), "fine", "coarse")
        .build();
    NetworkSummary s = net.summary();
    assertRow(s, "add", new int[] {2, 4, 4}, new int[] {3, 3}, new int[] {2, 2}, false);
    assertTrue(s.row("add").note().contains("different jumps 1x1, 2x2"), s.row("add").note());
    assertTrue(s.toTable().contains("different jumps"), s.toTable());
  }

  @Test
  void squeezeAndExcitationOutputSeesTheWholeInput() {
    Network net = Network.builder("se", new int[] {3, 10, 10})
        .add(conv("features", 3, 4, 3, 1, 1, 1))
        .add(new GlobalAvgPool("squeeze"))
        .add(conv("excite", 4, 4, 1, 1, 0, 1))
        .add(new Mul("scale"), "features", "excite")
        .build();
    NetworkSummary s = net.summary();
    assertRow(s, "features", new int[] {4, 10, 10}, new int[] {3, 3}, new int[] {1, 1}, false);
    assertRow(s, "excite", new int[] {4, 1, 1}, new int[] {10, 10}, new int[] {1, 1}, true);
    assertRow(s, "scale", new int[] {4, 10, 10}, new int[] {10, 10}, new int[] {1, 1}, true);
    assertFalse(s.row("features").global());
  }

  @Test
  void flatInputsHaveNoSpatialAxes() {
    Network net = new Network("mlp", new int[] {8}, List.of(new Linear("fc", 8, 3, new float[24], null),
        new Softmax("p")));
    NetworkSummary s = net.summary();
    assertEquals(0, s.row("fc").receptiveField().length);
    assertEquals(24, s.macs());
    assertTrue(s.toTable().lines().anyMatch(l -> l.startsWith("fc ") && l.contains(" - ")), s.toTable());
  }
}
