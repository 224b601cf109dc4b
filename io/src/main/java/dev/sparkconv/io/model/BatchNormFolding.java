package dev.sparkconv.io.model;

import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Folds each batch norm into the convolution it follows, at load: the pair becomes one convolution
 * (named as the batch norm, whose output the rest of the graph reads) with scaled weights and a
 * shifted bias, so inference pays nothing for the normalization. A convolution whose own output is
 * also read elsewhere or requested as an output keeps its batch norm standalone.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  public static List<Node> fold(List<Node> nodes, String[] outputs) {
    List<Node> result = new ArrayList<>(nodes);
    for (Node bn : nodes) {
      if (!(bn.layer() instanceof BatchNorm norm)) {
        continue;
      }
      int convAt = indexOf(result, bn.inputs()[0]);
      if (convAt < 0 || !(result.get(convAt).layer() instanceof Conv conv)
          || readers(result, conv.name()) != 1 || Arrays.asList(outputs).contains(conv.name())) {
        continue;
      }
      Conv folded = conv.withChannelAffine(norm.name(), norm.scale(), norm.shift());
      result.set(convAt, Node.of(folded, result.get(convAt).inputs()[0]));
      result.remove(bn);
    }
    return result;
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
