package dev.sparkconv.nn.tower;

import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.AdaptivePool;
import dev.sparkconv.nn.AvgPool;
import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Clip;
import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.Dropout;
import dev.sparkconv.nn.Elu;
import dev.sparkconv.nn.ErfLayer;
import dev.sparkconv.nn.Gelu;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.GlobalMaxPool;
import dev.sparkconv.nn.HardSigmoid;
import dev.sparkconv.nn.HardSwish;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LeakyRelu;
import dev.sparkconv.nn.LocalResponseNorm;
import dev.sparkconv.nn.LpPool;
import dev.sparkconv.nn.MaxPool;
import dev.sparkconv.nn.MixedPool;
import dev.sparkconv.nn.Mul;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.NetworkSummary;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.PRelu;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Sigmoid;
import dev.sparkconv.nn.Silu;
import dev.sparkconv.nn.Sub;
import dev.sparkconv.nn.Tanh;
import dev.sparkconv.nn.Upsample;
import dev.sparkconv.nn.tower.TowerPlan.Role;
import dev.sparkconv.nn.tower.TowerPlan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assigns a network's weights to S towers by output channel (AlexNet's split across two GPUs) and cuts the
 * graph into stages between gathers. Walking the nodes in execution order, each output is either split (tower
 * t holds channels [b_t, b_t+1)) or whole (every tower computes it):
 * <ul>
 *   <li>a convolution, transposed convolution (ungrouped) or fully connected layer is split by output
 *       channel; it runs on its own tower's input channels when its input is split along its groups
 *       (a grouped layer whose groups fall inside the towers: no exchange), and otherwise reads the whole
 *       input, after a gather when that input was split. Groups are shared out whole when there are at least
 *       S of them, otherwise each group's outputs are shared by the towers assigned to it (uneven shares where
 *       counts do not divide). A layer whose weights are below the replication threshold and whose input is
 *       whole is replicated (every tower computes it; no gather follows it);
 *   <li>activations, batch norm, pooling, dropout, upsampling and elementwise joins of split inputs with the
 *       same shares follow their input's channels;
 *   <li>everything else (LRN windows across channels, channel shuffle, concat along channels, softmax,
 *       flatten, reshape, ...) needs its whole input: a split input is gathered first.
 * </ul>
 * A gather moves every tensor a later stage reads; see {@link Gather}.
 */
public final class TowerPlanner {
  /** Layers with fewer weight bytes than this and a whole input are replicated instead of split. */
  public static final long DEFAULT_REPLICATE_BELOW = 256 * 1024;

  private TowerPlanner() {}

  /** The plan for the network's (first) output with the default replication threshold. */
  public static TowerPlan plan(Network network, int towers) {
    return plan(network, towers, DEFAULT_REPLICATE_BELOW);
  }

  /** The plan for {@code targets} (default: the network's first output), for the network's declared input shape. */
  public static TowerPlan plan(Network network, int towers, long replicateBelow, String... targets) {
    if (towers < 1) {
      throw new IllegalArgumentException("towers must be at least 1 but is " + towers);
    }
    String[] wanted = targets == null || targets.length == 0 ? new String[] {network.outputs()[0]} : targets.clone();
    NetworkSummary summary = network.summary();
    Map<String, Node> nodes = new HashMap<>();
    network.nodes().forEach(n -> nodes.put(n.name(), n));
    for (String target : wanted) {
      if (!nodes.containsKey(target)) {
        throw new IllegalArgumentException("network '" + network.name() + "': no layer is named '" + target + "'");
      }
    }
    Set<String> needed = needed(nodes, wanted);
    Map<String, Decision> decided = new LinkedHashMap<>();
    decided.put(Network.INPUT, new Decision(null, network.inputShape(), 0, null, Role.WHOLE, "network input"));
    for (NetworkSummary.Row row : summary.rows().subList(1, summary.rows().size())) {
      if (needed.contains(row.name())) {
        Node node = nodes.get(row.name());
        decided.put(row.name(), decide(node, row.outputShape(), decided, towers, replicateBelow));
      }
    }
    return new TowerPlan(network, towers, replicateBelow, wanted, decided);
  }

  /** The nodes the targets depend on. */
  private static Set<String> needed(Map<String, Node> nodes, String[] targets) {
    Set<String> needed = new HashSet<>();
    List<String> todo = new ArrayList<>(Arrays.asList(targets));
    while (!todo.isEmpty()) {
      String name = todo.remove(todo.size() - 1);
      if (!name.equals(Network.INPUT) && needed.add(name)) {
        todo.addAll(Arrays.asList(nodes.get(name).inputs()));
      }
    }
    return needed;
  }

  /** Per node: where it runs (stage), how its output channels are held (bounds, null when whole) and why. */
  record Decision(Node node, int[] shape, int stage, int[] bounds, Role role, String detail) {
    /** The stage from which every tower can read this tensor whole. */
    int wholeFrom() {
      return bounds == null ? stage : stage + 1;
    }

    int channels() {
      return shape[0];
    }
  }

  private static Decision decide(Node node, int[] shape, Map<String, Decision> decided, int towers, long replicateBelow) {
    Decision[] in = Arrays.stream(node.inputs()).map(decided::get).toArray(Decision[]::new);
    Layer layer = node.layer();
    if (layer != null && ChannelSlices.splittable(layer)) {
      return weighted(node, layer, shape, in[0], towers, replicateBelow);
    }
    if (follows(node, shape, in)) {
      int[] bounds = null;
      int stage = 0;
      for (Decision d : in) {
        stage = Math.max(stage, d.stage());
        if (d.bounds() != null && bounds != null && !Arrays.equals(bounds, d.bounds())) {
          return whole(node, shape, in, "inputs split differently");
        }
        bounds = d.bounds() != null ? d.bounds() : bounds;
      }
      return bounds == null ? new Decision(node, shape, stage, null, Role.WHOLE, "whole input")
          : new Decision(node, shape, stage, bounds, Role.FOLLOW, "follows its input's channels");
    }
    boolean weights = node.parameterCount() > 0;
    return whole(node, shape, in, weights ? "no channel split rule for " + node.op() : "needs every channel");
  }

  /** Computed whole by every tower from whole inputs (gathered when they were split). */
  private static Decision whole(Node node, int[] shape, Decision[] in, String why) {
    int stage = Arrays.stream(in).mapToInt(Decision::wholeFrom).max().orElse(0);
    boolean gathers = Arrays.stream(in).anyMatch(d -> d.bounds() != null);
    return new Decision(node, shape, stage, null, node.parameterCount() > 0 ? Role.REPLICATED : Role.WHOLE,
        (gathers ? "gather: " : "") + why);
  }

  private static Decision weighted(Node node, Layer layer, int[] shape, Decision in, int towers, long replicateBelow) {
    int[] geometry = ChannelSlices.geometry(layer);
    int[] local = in.bounds() == null ? null : groupAligned(geometry, in.bounds());
    if (local != null) {
      return new Decision(node, shape, in.stage(), local, Role.SPLIT, "tower-local on its groups");
    }
    long bytes = 4 * layer.parameterCount();
    if (in.bounds() == null && (bytes < replicateBelow || towers == 1)) {
      return new Decision(node, shape, in.stage(), null, Role.REPLICATED,
          towers == 1 ? "one tower" : "replicated: " + bytes + " weight bytes < " + replicateBelow);
    }
    int[] bounds = outputShares(geometry, towers);
    if (bounds == null) {
      return whole(node, shape, new Decision[] {in}, geometry[2] + " output channels in " + geometry[0]
          + " groups cannot be shared by " + towers + " towers: replicated");
    }
    String how = geometry[0] >= towers && geometry[0] > 1 ? "split by groups" : "split by output channel";
    return new Decision(node, shape, in.wholeFrom(), bounds, Role.SPLIT,
        (in.bounds() != null ? "gather: " : "") + how);
  }

  /**
   * Output shares for a layer whose input is split by {@code inBounds}, when each tower's input channels are
   * exactly whole groups of it (and every tower has at least one): then the towers need no exchange.
   */
  static int[] groupAligned(int[] geometry, int[] inBounds) {
    int inPerGroup = geometry[1] / geometry[0];
    int outPerGroup = geometry[2] / geometry[0];
    int[] out = new int[inBounds.length];
    for (int t = 0; t < inBounds.length; t++) {
      if (inBounds[t] % inPerGroup != 0 || t > 0 && inBounds[t] <= inBounds[t - 1]) {
        return null;
      }
      out[t] = inBounds[t] / inPerGroup * outPerGroup;
    }
    return inBounds[inBounds.length - 1] == geometry[1] ? out : null;
  }

  /**
   * Output channel shares of a layer reading its whole input: whole groups per tower when there are at least
   * as many groups as towers; otherwise tower t works in group t * groups / S, whose outputs its towers share.
   * Null when some tower would get nothing.
   */
  static int[] outputShares(int[] geometry, int towers) {
    int groups = geometry[0];
    int outPerGroup = geometry[2] / groups;
    int[] bounds = new int[towers + 1];
    if (groups >= towers) {
      for (int t = 0; t <= towers; t++) {
        bounds[t] = (int) ((long) t * groups / towers) * outPerGroup;
      }
      return bounds;
    }
    for (int t = 0; t < towers; t++) {
      int group = t * groups / towers;
      int first = ceilDiv(group * towers, groups); // the first tower working in this group
      int count = ceilDiv((group + 1) * towers, groups) - first;
      if (outPerGroup < count) {
        return null;
      }
      bounds[t] = group * outPerGroup + (int) ((long) (t - first) * outPerGroup / count);
    }
    bounds[towers] = geometry[2];
    return bounds;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Single-input layers that act on each channel alone, and joins of inputs with the same channels. */
  private static boolean follows(Node node, int[] shape, Decision[] in) {
    for (Decision d : in) { // joins: no broadcasting along channels or between ranks
      if (d.channels() != shape[0] || in.length > 1 && d.shape().length != shape.length) {
        return false;
      }
    }
    Layer l = node.layer();
    if (l == null) {
      var join = node.join();
      return join instanceof Add || join instanceof Sub || join instanceof Mul
          || join instanceof Concat c && (c.axis() > 0 || c.axis() < 0 && c.axis() + shape.length > 0);
    }
    return l instanceof Relu || l instanceof Clip || l instanceof LeakyRelu || l instanceof Elu
        || l instanceof Sigmoid || l instanceof Tanh || l instanceof HardSigmoid || l instanceof HardSwish
        || l instanceof Silu || l instanceof Gelu || l instanceof ErfLayer || l instanceof Dropout
        || l instanceof BatchNorm || l instanceof PRelu || l instanceof MaxPool || l instanceof AvgPool
        || l instanceof MixedPool || l instanceof LpPool || l instanceof GlobalAvgPool || l instanceof GlobalMaxPool
        || l instanceof AdaptivePool || l instanceof Upsample
        || l instanceof LocalResponseNorm lrn && lrn.size() == 1;
  }
}
