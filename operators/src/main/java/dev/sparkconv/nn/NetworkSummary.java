package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a network does to one per-sample input shape, node by node in execution order (after a
 * first row for the input): output shape, parameters, multiply-accumulates per sample, and the
 * receptive field and jump (cumulative stride, the distance in input pixels between neighbouring
 * outputs) along each spatial axis of the network input. Plain records, so io and jobs can print
 * them as JSON; {@link #toTable()} renders text.
 *
 * <p>Receptive field arithmetic, per spatial axis, starting from RF = 1 and jump = 1 at the input:
 * <ul>
 *   <li>a {@link Windowed} layer (convolution, pooling) with kernel k, stride s and dilation d:
 *       k_eff = k + (k - 1)(d - 1), RF_out = RF_in + (k_eff - 1) * jump_in, jump_out = jump_in * s
 *       (padding changes neither);
 *   <li>any other single-input layer that keeps the spatial sizes (activations, normalization, a
 *       split) keeps RF and jump;
 *   <li>a single-input layer that changes the spatial sizes without a window (global pooling,
 *       flatten, linear after them) sees the whole input: the row is {@code global}, its RF the
 *       input's extent, and every node after it is global too;
 *   <li>a join takes, per axis, the largest RF of its inputs and is global when any input is; jumps
 *       should agree, otherwise the largest is reported and the row's note says so.
 * </ul>
 */
public record NetworkSummary(String network, int[] inputShape, List<Row> rows, long parameters, long macs) {

  /**
   * One node. {@code receptiveField} and {@code jump} have one entry per spatial axis of the network
   * input (none for a flat input); {@code note} is empty unless something needs saying.
   */
  public record Row(String name, String op, String[] inputs, int[] outputShape, long parameters, long macs,
      int[] receptiveField, int[] jump, boolean global, String note) {}

  /** The summary of {@code network} for a per-sample input shape; a layer that refuses it throws. */
  public static NetworkSummary of(Network network, int[] sampleShape) {
    int[][] shapes = network.shapesFor(sampleShape);
    int spatial = sampleShape.length - 1;
    int[] extent = Arrays.copyOfRange(sampleShape, 1, sampleShape.length);
    int[] ones = new int[spatial];
    Arrays.fill(ones, 1);
    int count = network.nodes().size();
    int[][] rf = new int[count][];
    int[][] jump = new int[count][];
    boolean[] global = new boolean[count];
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(Network.INPUT, "input", new String[0], sampleShape.clone(), 0, 0, ones.clone(), ones.clone(),
        false, ""));
    long parameters = 0;
    long macs = 0;
    for (int v : network.order()) {
      Node node = network.node(v);
      int[] from = network.inputsOf(v);
      int[][] inShapes = network.inputShapes(v, shapes, sampleShape);
      int[][] inRf = new int[from.length][];
      int[][] inJump = new int[from.length][];
      boolean anyGlobal = false;
      for (int i = 0; i < from.length; i++) {
        inRf[i] = from[i] < 0 ? ones : rf[from[i]];
        inJump[i] = from[i] < 0 ? ones : jump[from[i]];
        anyGlobal |= from[i] >= 0 && global[from[i]];
      }
      String note = "";
      int[] r = inRf[0].clone();
      int[] j = inJump[0].clone();
      boolean g = anyGlobal;
      if (node.join() != null) {
        for (int i = 1; i < from.length; i++) {
          if (!Arrays.equals(inJump[i], inJump[0])) {
            note = "inputs have different jumps " + Arrays.stream(inJump).map(NetworkSummary::axes)
                .collect(Collectors.joining(", ")) + "; the largest is reported";
          }
          for (int a = 0; a < spatial; a++) {
            r[a] = Math.max(r[a], inRf[i][a]);
            j[a] = Math.max(j[a], inJump[i][a]);
          }
        }
      } else if (!g) {
        Layer layer = node.layer();
        int[] in = inShapes[0];
        int[] out = shapes[v];
        if (layer instanceof Windowed w) {
          int[] k = w.kernel();
          int[] s = w.stride();
          int[] d = w.dilation();
          if (k.length != spatial || in.length - 1 != spatial) {
            g = true;
            note = "its window does not run over the input's " + spatial + " spatial axes";
          } else {
            for (int a = 0; a < spatial; a++) {
              int effective = k[a] + (k[a] - 1) * (d[a] - 1);
              r[a] = r[a] + (effective - 1) * j[a];
              j[a] = j[a] * s[a];
            }
          }
        } else if (!(layer instanceof Split) && !spatialEqual(in, out)) {
          g = true;
        }
      }
      if (g) {
        r = extent.clone();
      }
      rf[v] = r;
      jump[v] = j;
      global[v] = g;
      long nodeMacs = node.macs(inShapes);
      parameters += node.parameterCount();
      macs += nodeMacs;
      rows.add(new Row(node.name(), node.op(), node.inputs(), shapes[v].clone(), node.parameterCount(), nodeMacs,
          r.clone(), j.clone(), g, note));
    }
    return new NetworkSummary(network.name(), sampleShape.clone(), List.copyOf(rows), parameters, macs);
  }

  /** The row of a node (or of the input), by name. */
  public Row row(String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("summary of '" + network + "': no row '" + name + "'"));
  }

  /** A fixed-width text table: one line per row, a header and a total line. */
  public String toTable() {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"layer", "op", "inputs", "output", "params", "MACs", "RF", "jump"});
    for (Row row : rows) {
      cells.add(new String[] {row.name(), row.op(), String.join(",", row.inputs()), Shapes.format(row.outputShape()),
          Long.toString(row.parameters()), Long.toString(row.macs()),
          (row.global() ? "global " : "") + axes(row.receptiveField()), axes(row.jump())
              + (row.note().isEmpty() ? "" : "  (" + row.note() + ")")});
    }
    cells.add(new String[] {"total", "", "", "", Long.toString(parameters), Long.toString(macs), "", ""});
    int[] width = new int[8];
    for (String[] line : cells) {
      for (int c = 0; c < 7; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("network '").append(network).append("', input ").append(Shapes.format(inputShape)).append('\n');
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < 8; c++) {
        boolean number = c == 4 || c == 5;
        String cell = line[c];
        String pad = c == 7 ? "" : " ".repeat(width[c] - cell.length());
        text.append(number ? pad + cell : cell + pad).append(c == 7 ? "" : "  ");
      }
      out.append(text.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** "5x5", "3", or "-" without spatial axes. */
  private static String axes(int[] values) {
    return values.length == 0 ? "-"
        : IntStream.of(values).mapToObj(Integer::toString).collect(Collectors.joining("x"));
  }

  private static boolean spatialEqual(int[] in, int[] out) {
    return in.length == out.length && Arrays.equals(in, 1, in.length, out, 1, out.length);
  }
}
