package dev.sparkconv.io.model;

import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Folds each batch norm into the convolution it follows, at load: the pair becomes one convolution with scaled
 * weights and a shifted bias, so inference pays nothing for the normalization. The folded layer keeps the
 * convolution's name (summaries and per-layer times show the convolution, which is what runs); the nodes and
 * outputs that read the batch norm read it instead. A convolution whose own output is also read elsewhere or
 * requested as an output keeps its batch norm standalone.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  /** The graph after folding, and the designated outputs with every folded norm's name replaced. */
  public record Folded(List<Node> nodes, String[] outputs) {}

  /** {@code outputs}: the designated outputs; null or empty for the default, the last node. */
  public static Folded fold(List<Node> nodes, String[] outputs) {
    List<Node> result = new ArrayList<>(nodes);
    String[] wanted = outputs == null || outputs.length == 0
        ? new String[] {nodes.get(nodes.size() - 1).name()} : outputs.clone();
    for (Node bn : nodes) {
      if (!(bn.layer() instanceof BatchNorm norm)) {
        continue;
      }
      int convAt = indexOf(result, bn.inputs()[0]);
      if (convAt < 0 || !(result.get(convAt).layer() instanceof Conv conv)
          || readers(result, conv.name()) != 1 || Arrays.asList(wanted).contains(conv.name())) {
        continue;
      }
      Conv folded = conv.withChannelAffine(conv.name(), norm.scale(), norm.shift());
      result.set(convAt, Node.of(folded, result.get(convAt).inputs()[0]));
      result.remove(bn);
      for (int i = 0; i < result.size(); i++) {
        result.set(i, reading(result.get(i), norm.name(), conv.name()));
      }
      for (int i = 0; i < wanted.length; i++) {
        wanted[i] = wanted[i].equals(norm.name()) ? conv.name() : wanted[i];
      }
    }
    return new Folded(result, wanted);
  }

  /** {@code node} with its inputs named {@code from} renamed {@code to}. */
  private static Node reading(Node node, String from, String to) {
    if (!Arrays.asList(node.inputs()).contains(from)) {
      return node;
    }
    String[] inputs = Arrays.stream(node.inputs()).map(i -> i.equals(from) ? to : i).toArray(String[]::new);
    return node.layer() != null ? Node.of(node.layer(), inputs[0]) : Node.of(node.join(), inputs);
  }

  private static int indexOf(List<Node> nodes, String name) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static long readers(List<Node> nodes, String name) {
    return nodes.stream().filter(n -> Arrays.asList(n.inputs()).contains(name)).count();
  }
}
