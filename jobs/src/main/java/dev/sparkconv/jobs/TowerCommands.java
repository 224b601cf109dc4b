package dev.sparkconv.jobs;

import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.tower.Gather;
import dev.sparkconv.nn.tower.TowerPlan;
import dev.sparkconv.nn.tower.TowerPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The towers' command-line pieces: {@code sparkconv plan} and the tower options of {@code infer}. */
final class TowerCommands {
  private TowerCommands() {}

  /** Options for splitting a model over towers. */
  static class TowerOptions {
    @Option(names = "--towers", paramLabel = "S|auto", description = "Split the weights over S towers (AlexNet's "
        + "split; each executor fetches only its towers' weights), or auto: the smallest S whose largest tower "
        + "fits --tower-memory-share of an executor's memory (S = 1 runs data-parallel).")
    String towers;

    @Option(names = "--replicate-below", defaultValue = "262144", paramLabel = "BYTES", description = "Layers "
        + "with fewer weight bytes and a whole input are replicated on every tower (default: ${DEFAULT-VALUE}).")
    long replicateBelow;

    @Option(names = "--tower-memory-share", defaultValue = "0.3", paramLabel = "F", description = "For --towers "
        + "auto: the share of executor memory one tower's weights may take (default: ${DEFAULT-VALUE}).")
    double memoryShare;

    /** The plan for a fixed S. */
    TowerPlan plan(Network network, int towers, String[] nodes) {
      return TowerPlanner.plan(network, towers, replicateBelow, nodes);
    }

    /** The smallest S (up to 64) whose largest tower fits {@code share * executorBytes}, saying why on stderr. */
    TowerPlan auto(Network network, long executorBytes, String[] nodes, java.io.PrintWriter err) {
      long budget = (long) (memoryShare * executorBytes);
      for (int s = 1; s <= 64; s++) {
        TowerPlan plan = plan(network, s, nodes);
        if (plan.maxWeightBytes() <= budget) {
          err.printf(Locale.ROOT, "sparkconv infer: --towers auto chose %d: its largest tower holds %d weight bytes, "
              + "within %.2f of the executors' %d bytes (%d); %s%n", s, plan.maxWeightBytes(), memoryShare,
              executorBytes, budget, s == 1 ? "the whole model fits, so the run is data-parallel"
                  : (s - 1) + " tower(s) would need more");
          err.flush();
          return plan;
        }
      }
      throw new IllegalArgumentException("--towers auto: even 64 towers hold more than " + budget + " weight bytes "
          + "each (" + memoryShare + " of " + executorBytes + "); raise spark.executor.memory or --tower-memory-share");
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true, description = "Print how a model's weights split over "
      + "towers: stages, tower-local layers, gathers with their bytes per sample, weight bytes per tower and "
      + "replicated bytes. Runs no Spark.")
  static final class Plan implements Callable<Integer> {
    @CommandLine.Mixin
    Cli.ModelOptions model = new Cli.ModelOptions();

    @Option(names = "--towers", required = true, paramLabel = "S", description = "Tower count.")
    int towers;

    @Option(names = "--replicate-below", defaultValue = "262144", paramLabel = "BYTES", description = "Layers "
        + "with fewer weight bytes and a whole input are replicated (default: ${DEFAULT-VALUE}).")
    long replicateBelow;

    @Option(names = "--output-node", paramLabel = "NAME", description = "Plan for this node's output; repeatable.")
    String[] outputNodes = new String[0];

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Cli.SummaryFormat format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TowerPlan plan = TowerPlanner.plan(model.load(), towers, replicateBelow, outputNodes);
      spec.commandLine().getOut().println(format == Cli.SummaryFormat.json
          ? new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(plan))
          : plan.toText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  static Map<String, Object> json(TowerPlan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", plan.network().name());
    m.put("inputShape", plan.inputShape());
    m.put("towers", plan.towers());
    m.put("stages", plan.stages());
    m.put("steps", plan.steps());
    List<Map<String, Object>> gathers = new ArrayList<>();
    for (int s = 0; s < plan.stages(); s++) {
      Gather g = plan.gather(s);
      Map<String, Object> gm = new LinkedHashMap<>();
      gm.put("afterStage", s);
      gm.put("tensors", g.tensors());
      gm.put("bytesPerSample", g.bytesPerSample());
      gathers.add(gm);
    }
    m.put("gathers", gathers);
    long[] perTower = new long[plan.towers()];
    for (int t = 0; t < perTower.length; t++) {
      perTower[t] = plan.weightBytes(t);
    }
    m.put("weightBytesPerTower", perTower);
    m.put("modelWeightBytes", 4 * plan.network().parameterCount());
    m.put("replicatedBytes", plan.replicatedBytes());
    m.put("gatheredBytesPerSample", plan.gatherBytesPerSample());
    m.put("deliveredBytesPerSample", plan.gatherReadBytesPerSample());
    return m;
  }
}
