package dev.sparkconv.nn.tower;

import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.Reshape;
import dev.sparkconv.nn.Slice;
import dev.sparkconv.nn.tower.TowerPlanner.Decision;
import dev.sparkconv.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A network split over S towers ({@link TowerPlanner}): stages separated by {@link Gather}s, and per stage and
 * tower a sub-network holding only that tower's weights. Stage s of every tower reads the pack of gather s - 1
 * (stage 0: the input, flattened) as a flat (N, packSize) batch and writes its piece (N, pieceSize) of
 * gather s; the last gather's pack holds the targets. Running every tower's stages and assembling the packs
 * reproduces the network ({@link TowerRunner}). Sub-networks are built on demand, so a plan can be sized
 * without copying weights.
 */
public final class TowerPlan {
  /** How a node's output is held. */
  public enum Role {
    /** Weights split by output channel; each tower computes its share. */
    SPLIT,
    /** No weights of its own split: acts on each channel, on its input's shares. */
    FOLLOW,
    /** Weights held whole by every tower that runs it. */
    REPLICATED,
    /** No weights; computed whole from whole inputs. */
    WHOLE
  }

  /** One node of the plan: tower t holds output channels [bounds[t], bounds[t + 1]) (null: whole on every tower). */
  public record Step(String name, String op, int stage, Role role, int[] bounds, long[] weightBytes, String detail) {}

  private final Network network;
  private final int towers;
  private final long replicateBelow;
  private final String[] targets;
  private final Map<String, Decision> decided;
  /** packs.get(0): the input; packs.get(s + 1): the gather after stage s. */
  private final List<Gather> packs = new ArrayList<>();

  TowerPlan(Network network, int towers, long replicateBelow, String[] targets, Map<String, Decision> decided) {
    this.network = network;
    this.towers = towers;
    this.replicateBelow = replicateBelow;
    this.targets = targets;
    this.decided = decided;
    int last = decided.values().stream().mapToInt(Decision::stage).max().orElse(0);
    int[] onTower0 = new int[towers];
    onTower0[0] = Shapes.size(network.inputShape());
    packs.add(new Gather(-1, new String[] {Network.INPUT}, new int[][] {network.inputShape()}, new int[][] {onTower0}));
    for (int b = 0; b <= last; b++) {
      packs.add(gatherAfter(b, last));
    }
  }

  /** The tensors stage b makes or carries that a later stage reads (or that are targets), with each tower's part. */
  private Gather gatherAfter(int b, int last) {
    List<String> names = new ArrayList<>();
    for (var e : decided.entrySet()) {
      String u = e.getKey();
      if (e.getValue().stage() <= b && (readAfter(u, b) || b == last && Arrays.asList(targets).contains(u))) {
        names.add(u);
      }
    }
    int[][] shapes = new int[names.size()][];
    int[][] lengths = new int[names.size()][towers];
    for (int i = 0; i < names.size(); i++) {
      Decision d = decided.get(names.get(i));
      shapes[i] = d.shape();
      int size = Shapes.size(d.shape());
      if (d.stage() == b && d.bounds() != null) {
        for (int t = 0; t < towers; t++) {
          lengths[i][t] = (d.bounds()[t + 1] - d.bounds()[t]) * (size / d.channels());
        }
      } else {
        lengths[i][0] = size;
      }
    }
    return new Gather(b, names.toArray(new String[0]), shapes, lengths);
  }

  /** Whether a node of a stage after b reads tensor u. */
  private boolean readAfter(String u, int b) {
    return decided.values().stream().anyMatch(d -> d.node() != null && d.stage() > b
        && Arrays.asList(d.node().inputs()).contains(u));
  }

  public Network network() {
    return network;
  }

  public int towers() {
    return towers;
  }

  public int stages() {
    return packs.size() - 1;
  }

  public String[] targets() {
    return targets.clone();
  }

  /** The per-sample input shape the plan was made for (the only one its sub-networks take). */
  public int[] inputShape() {
    return network.inputShape();
  }

  /** The gather after stage {@code s}; the last one holds the targets. */
  public Gather gather(int s) {
    return packs.get(s + 1);
  }

  /** The layout stage {@code s} reads: the input for stage 0, else the gather after stage s - 1. */
  public Gather pack(int s) {
    return packs.get(s);
  }

  /** Whether tower t runs stage s (it sends part of gather s). */
  public boolean runs(int s, int tower) {
    return gather(s).pieceSize(tower) > 0;
  }

  /** The sub-network of tower t for stage s: (packSize) in, (pieceSize) out; only tower t's weights. */
  public Network network(int s, int tower) {
    if (!runs(s, tower)) {
      throw new IllegalArgumentException("tower " + tower + " takes no part in stage " + s);
    }
    SubnetBuilder builder = new SubnetBuilder(s, tower);
    List<Node> nodes = builder.build();
    return new Network(network.name() + ".s" + s + ".t" + tower, new int[] {pack(s).packSize()},
        nodes.toArray(new Node[0]), builder.output);
  }

  /** Weight bytes (float32) tower t holds over all stages. */
  public long weightBytes(int tower) {
    long total = 0;
    for (int s = 0; s < stages(); s++) {
      if (runs(s, tower)) {
        total += new SubnetBuilder(s, tower).parameters() * 4;
      }
    }
    return total;
  }

  /** The largest {@link #weightBytes} over the towers. */
  public long maxWeightBytes() {
    long max = 0;
    for (int t = 0; t < towers; t++) {
      max = Math.max(max, weightBytes(t));
    }
    return max;
  }

  /** Weight bytes of the replicated layers (each tower running them holds them whole). */
  public long replicatedBytes() {
    return 4 * decided.values().stream().filter(d -> d.role() == Role.REPLICATED)
        .mapToLong(d -> d.node().parameterCount()).sum();
  }

  /** Activation bytes per sample moved by the gathers between stages and the final one. */
  public long gatherBytesPerSample() {
    return packs.subList(1, packs.size()).stream().mapToLong(Gather::bytesPerSample).sum();
  }

  /**
   * Activation bytes per sample the gathers deliver: each pack between stages goes to every tower running
   * the next stage, the last one to the writer once.
   */
  public long gatherReadBytesPerSample() {
    long total = gather(stages() - 1).bytesPerSample();
    for (int s = 0; s + 1 < stages(); s++) {
      final int next = s + 1;
      total += gather(s).bytesPerSample() * java.util.stream.IntStream.range(0, towers).filter(t -> runs(next, t)).count();
    }
    return total;
  }

  /** Every planned node in execution order (the input first). */
  public List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    for (var e : decided.entrySet()) {
      Decision d = e.getValue();
      int[] shares = d.bounds();
      long[] bytes = new long[towers];
      for (int t = 0; t < towers && d.node() != null; t++) {
        bytes[t] = 4 * SubnetBuilder.parameters(d, t);
      }
      steps.add(new Step(e.getKey(), d.node() == null ? "input" : d.node().op(), d.stage(), d.role(),
          shares == null ? null : shares.clone(), bytes, d.detail()));
    }
    return steps;
  }

  /** The plan as text: stages, their nodes, the gathers with bytes per sample, and weights per tower. */
  public String toText() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "plan for '%s' %s over %d tower%s: %d stage%s, replication below %s%n",
        network.name(), Shapes.format(inputShape()), towers, towers == 1 ? "" : "s", stages(),
        stages() == 1 ? "" : "s", bytes(replicateBelow)));
    List<Step> steps = steps();
    for (int stage = 0; stage < stages(); stage++) {
      final int st = stage;
      s.append(String.format(Locale.ROOT, "stage %d (towers %s)%n", stage, java.util.stream.IntStream
          .range(0, towers).filter(t -> runs(st, t)).mapToObj(Integer::toString).collect(Collectors.joining(","))));
      for (Step step : steps) {
        if (step.stage() == stage && !step.op().equals("input")) {
          long w = Arrays.stream(step.weightBytes()).max().orElse(0);
          s.append(String.format(Locale.ROOT, "  %-18s %-12s %-10s %-22s %s%s%n", step.name(), step.op(),
              step.role().name().toLowerCase(Locale.ROOT), shares(step.bounds()),
              w > 0 ? bytes(w) + (step.role() == Role.REPLICATED ? " each " : " max/tower ") : "", step.detail()));
        }
      }
      Gather g = gather(stage);
      s.append(String.format(Locale.ROOT, "  %s %s: %s per sample%n", stage == stages() - 1 ? "final gather" : "gather",
          Arrays.stream(g.tensors()).map(n -> n + Shapes.format(g.shape(Arrays.asList(g.tensors()).indexOf(n))))
              .collect(Collectors.joining(" ")), bytes(g.bytesPerSample())));
    }
    long total = 4 * network.parameterCount();
    s.append(String.format(Locale.ROOT, "weights: model %s; per tower %s; replicated %s%n", bytes(total),
        java.util.stream.IntStream.range(0, towers).mapToObj(t -> "t" + t + " " + bytes(weightBytes(t)))
            .collect(Collectors.joining(", ")), bytes(replicatedBytes())));
    s.append(String.format(Locale.ROOT, "activations moved per sample: %s over %d gathers (%s between stages)%n",
        bytes(gatherBytesPerSample()), stages(), bytes(gatherBytesPerSample() - gather(stages() - 1).bytesPerSample())));
    return s.toString();
  }

  private static String shares(int[] bounds) {
    if (bounds == null) {
      return "whole";
    }
    int[] widths = new int[bounds.length - 1];
    for (int t = 0; t < widths.length; t++) {
      widths[t] = bounds[t + 1] - bounds[t];
    }
    return Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining("|"));
  }

  static String bytes(long n) {
    return n < 1024 ? n + " B" : n < 1 << 20 ? String.format(Locale.ROOT, "%.1f KB", n / 1024.0)
        : n < 1L << 30 ? String.format(Locale.ROOT, "%.1f MB", n / 1048576.0)
        : String.format(Locale.ROOT, "%.2f GB", n / 1073741824.0);
  }

  /** The nodes of one tower's stage: reading the pack, its share of the stage's nodes, writing its piece. */
  private final class SubnetBuilder {
    private final int stage;
    private final int tower;
    private final Map<String, Node> nodes = new java.util.LinkedHashMap<>();
    private final Map<String, Long> params = new HashMap<>();
    /** The node writing the piece. */
    private String output;

    SubnetBuilder(int stage, int tower) {
      this.stage = stage;
      this.tower = tower;
    }

    long parameters() {
      return outputs(false).stream().mapToLong(n -> params.getOrDefault(n, 0L)).sum();
    }

    List<Node> build() {
      outputs(true);
      List<Node> needed = new ArrayList<>();
      java.util.Set<String> live = new java.util.HashSet<>();
      live.add(output);
      List<Node> all = new ArrayList<>(nodes.values());
      for (int i = all.size() - 1; i >= 0; i--) { // backwards: keep what the piece depends on
        if (live.contains(all.get(i).name())) {
          needed.add(0, all.get(i));
          live.addAll(Arrays.asList(all.get(i).inputs()));
        }
      }
      return needed;
    }

    /** Adds the piece's nodes; returns the names of every node the piece depends on. */
    private List<String> outputs(boolean build) {
      Gather out = gather(stage);
      List<String> pieces = new ArrayList<>();
      for (String u : out.tensors()) {
        Decision d = decided.get(u);
        boolean split = d.stage() == stage && d.bounds() != null;
        if (!split && tower != 0) {
          continue;
        }
        String source = split ? slice(u, d.bounds()[tower], d.bounds()[tower + 1], build) : whole(u, build);
        if (d.shape().length > 1 || source.equals(Network.INPUT)) {
          int[] shape = shapeOf(source);
          source = add("~flat." + u, build ? Node.of(new Reshape("~flat." + u, new int[] {Shapes.size(shape)}), source)
              : null, 0, source);
        }
        pieces.add(source);
      }
      if (pieces.size() > 1) {
        add("~piece", build ? Node.of(new Concat("~piece", 0), pieces.toArray(new String[0])) : null, 0,
            pieces.toArray(new String[0]));
      }
      output = pieces.size() > 1 ? "~piece" : pieces.get(0);
      return dependencies(output);
    }

    private List<String> dependencies(String last) {
      List<String> deps = new ArrayList<>();
      List<String> todo = new ArrayList<>(List.of(last));
      while (!todo.isEmpty()) {
        String n = todo.remove(todo.size() - 1);
        if (!deps.contains(n) && inputsOf.containsKey(n)) {
          deps.add(n);
          todo.addAll(inputsOf.get(n));
        }
      }
      return deps;
    }

    private final Map<String, List<String>> inputsOf = new HashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();

    private String add(String name, Node node, long parameters, String... inputs) {
      if (!inputsOf.containsKey(name)) {
        inputsOf.put(name, List.of(inputs));
        params.put(name, parameters);
        if (node != null) {
          nodes.put(name, node);
        }
      }
      return name;
    }

    private int[] shapeOf(String name) {
      if (name.equals(Network.INPUT)) {
        return new int[] {pack(stage).packSize()};
      }
      return shapes.get(name);
    }

    /** The node holding tensor u whole on this tower in this stage. */
    private String whole(String u, boolean build) {
      Decision d = decided.get(u);
      if (d.stage() < stage || d.node() == null) {
        return unpacked(u, build);
      }
      if (d.bounds() != null) {
        throw new IllegalStateException("plan: '" + u + "' is split in stage " + stage + " but read whole there");
      }
      String[] in = Arrays.stream(d.node().inputs()).map(i -> whole(i, build)).toArray(String[]::new);
      shapes.put(u, d.shape());
      return add(u, build ? d.node().layer() != null ? Node.of(d.node().layer(), in[0]) : Node.of(d.node().join(), in)
          : null, d.node().parameterCount(), in);
    }

    /** The node holding channels [lo, hi) of tensor u on this tower in this stage. */
    private String slice(String u, int lo, int hi, boolean build) {
      Decision d = decided.get(u);
      if (d.stage() == stage && d.bounds() != null && d.node() != null) {
        if (d.bounds()[tower] != lo || d.bounds()[tower + 1] != hi) {
          throw new IllegalStateException("plan: '" + u + "' holds other channels than [" + lo + ", " + hi + ")");
        }
        return share(u, d, build);
      }
      String whole = whole(u, build);
      if (lo == 0 && hi == d.channels()) {
        return whole;
      }
      String name = "~ch." + u + "." + lo + "-" + hi;
      int[] shape = d.shape().clone();
      shape[0] = hi - lo;
      shapes.put(name, shape);
      return add(name, build ? Node.of(new Slice(name, 0, lo, hi, 1), whole) : null, 0, whole);
    }

    /** This tower's share of a split node, reading its inputs' matching channels. */
    private String share(String u, Decision d, boolean build) {
      int lo = d.bounds()[tower];
      int hi = d.bounds()[tower + 1];
      int[] shape = d.shape().clone();
      shape[0] = hi - lo;
      shapes.put(u, shape);
      Node node = d.node();
      long parameters = parameters(d, tower);
      if (d.role() == Role.SPLIT) {
        int[] in = ChannelSlices.convInputs(ChannelSlices.geometry(node.layer()), lo, hi);
        String input = slice(node.inputs()[0], in[0], in[1], build);
        return add(u, build ? Node.of(ChannelSlices.slice(node.layer(), lo, hi), input) : null, parameters, input);
      }
      String[] in = Arrays.stream(node.inputs()).map(i -> slice(i, lo, hi, build)).toArray(String[]::new);
      Layer layer = node.layer();
      return add(u, !build ? null : layer != null ? Node.of(ChannelSlices.follow(layer, lo, hi), in[0])
          : Node.of(node.join(), in), parameters, in);
    }

    /** Tensor u as the pack of this stage holds it. */
    private String unpacked(String u, boolean build) {
      Gather in = pack(stage);
      int i = Arrays.asList(in.tensors()).indexOf(u);
      if (i < 0) {
        throw new IllegalStateException("plan: stage " + stage + " reads '" + u + "', which its pack lacks");
      }
      int[] shape = in.shape(i);
      String source = Network.INPUT;
      if (in.tensors().length > 1) {
        source = "~pack." + u;
        shapes.put(source, new int[] {Shapes.size(shape)});
        add(source, build ? Node.of(new Slice(source, 0, in.offset(i), in.offset(i) + Shapes.size(shape), 1),
            Network.INPUT) : null, 0, Network.INPUT);
      }
      if (shape.length == 1) {
        return source;
      }
      String name = "~unpack." + u;
      shapes.put(name, shape);
      return add(name, build ? Node.of(new Reshape(name, shape), source) : null, 0, source);
    }

    /** Parameters tower t holds for a node. */
    static long parameters(Decision d, int tower) {
      if (d.bounds() == null) {
        return d.node().parameterCount();
      }
      int lo = d.bounds()[tower];
      int hi = d.bounds()[tower + 1];
      if (d.role() == Role.SPLIT) {
        return ChannelSlices.sliceParameters(d.node().layer(), lo, hi);
      }
      long all = d.node().parameterCount();
      return all < d.channels() ? all : all / d.channels() * (hi - lo); // per-channel parameters, or a few scalars
    }
  }
}
