package dev.sparkconv.jobs;

import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code sparkconv} command line: ingest, infer, export and demo. */
@Command(name = "sparkconv", mixinStandardHelpOptions = true, version = "sparkconv 0.1.0",
    description = "Convolutional-network batch inference on Apache Spark.",
    subcommands = {Cli.Ingest.class, Cli.Infer.class, Cli.Extract.class, Cli.Export.class, Cli.Summary.class, Synth.class, Demo.class,
        LearnFilters.class})
public final class Cli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Cli())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println(cmd.getColorScheme().errorText("sparkconv " + cmd.getCommandName() + ": " + message(e)));
          return 1;
        });
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /** Options every Spark command shares. */
  static class SparkOptions {
    @Option(names = "--master", description = "Spark master, e.g. local[2] or spark://host:7077 "
        + "(default: spark-submit's, or the launcher's local[*])")
    String master;

    @Option(names = "--overwrite", description = "Replace existing outputs (default: fail if they exist).")
    boolean overwrite;
  }

  /** Which model to load, shared by the commands that take one. */
  static class ModelOptions {
    @Option(names = "--model", required = true,
        description = "Model file: an .onnx model or a native .json spec (see conf/models/).")
    Path file;

    @Option(names = "--weights", description = "Weights as safetensors, tensors named <layer>.<tensor> "
        + "(PyTorch state_dict names); default: the spec's own \"weights\" field.")
    Path weights;

    @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W", description = "Per-sample input shape "
        + "(default: the model's); for an ONNX model with dynamic axes, the shape to import it for.")
    int[] inputShape;

    Network load() {
      return ModelLoader.load(file, weights, inputShape);
    }

    String fingerprint() {
      return ModelLoader.fingerprint(file, weights);
    }
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "Convert a folder of .npy files (one sample each, no batch dimension) to Parquet tensor rows; "
          + "id = file stem. Unreadable files go to OUTPUT.quarantine.")
  static final class Ingest implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "npy", description = "Input format: ${COMPLETION-CANDIDATES}.")
    IngestFormat format;

    @Option(names = "--input", required = true, description = "Folder of input files (searched recursively); "
        + "for idx, the images file (N x H x W, gzip or not).")
    String input;

    @Option(names = "--labels", description = "idx only: the labels file (N), written as an int 'label' column.")
    Path labels;

    @Option(names = "--output", required = true, description = "Output Parquet path.")
    String output;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() throws Exception {
      try (SparkSession session = Sessions.open("ingest", spark.master)) {
        System.out.println(format == IngestFormat.idx
            ? IdxIngest.run(session, Path.of(input), labels, output, spark.overwrite)
            : NpyIngest.run(session, input, output, spark.overwrite));
      }
      return 0;
    }
  }

  enum InputFormat { npy, png }

  enum IngestFormat { npy, idx }

  @Command(name = "infer", mixinStandardHelpOptions = true,
      description = "Run a model over Parquet tensor rows; one output row per input row, same ids. "
          + "Rows the model cannot take go to the quarantine output with the reason.")
  static class Infer implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--input", required = true, description = "Input Parquet tensor rows.")
    String input;

    @Option(names = "--output", required = true, description = "Output Parquet path.")
    String output;

    @Option(names = "--quarantine", description = "Quarantine Parquet path (default: OUTPUT.quarantine).")
    String quarantine;

    @Option(names = "--batch-size", defaultValue = "32", description = "Samples per network call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", defaultValue = "0",
        description = "Partitions to run (default: the cluster's default parallelism, at least the input's).")
    int partitions;

    @Option(names = "--incremental", description = "Compute only ids not yet in OUTPUT (which must hold this "
        + "model's outputs) and append them; a re-run after a crash completes the output exactly once.")
    boolean incremental;

    @Option(names = "--recompute", description = "Replace OUTPUT even if it holds another model's outputs.")
    boolean recompute;

    @Option(names = "--summary", description = "Also write the run summary as JSON to this file.")
    Path summary;

    @Option(names = "--output-node", paramLabel = "NAME", description = "Write this node's output (e.g. a "
        + "feature layer) instead of the network's; repeatable. Rows then carry a 'node' column and OUTPUT is "
        + "partitioned by it (OUTPUT/node=NAME/).")
    String[] outputNodes = new String[0];

    @Option(names = "--format", defaultValue = "tensor", description = "Output rows: tensor (id, shape, dtype, "
        + "data), array (id, features array<float>) or vector (id, features as a Spark ML vector). "
        + "Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @Override
    public Integer call() throws Exception {
      if (requiresOutputNode() && outputNodes.length == 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "extract needs at least one --output-node");
      }
      Network network = model.load(); // fail on a bad model before starting Spark
      if (incremental && (recompute || spark.overwrite)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--incremental appends to OUTPUT: it cannot be combined with --recompute or --overwrite");
      }
      InferenceJob.Mode mode = incremental ? InferenceJob.Mode.INCREMENTAL
          : recompute || spark.overwrite ? InferenceJob.Mode.OVERWRITE : InferenceJob.Mode.CREATE;
      if (outputNodes.length > 0) {
        network.outputShapes(network.inputShape(), outputNodes); // an unknown node fails here, before Spark
      }
      var opts = new InferenceJob.Options(input, output, quarantine, batchSize, partitions, mode,
          model.fingerprint(), outputNodes, format);
      try (SparkSession session = Sessions.open("infer", spark.master)) {
        RunSummary result = InferenceJob.run(session, network, opts);
        System.out.println(result);
        if (summary != null) {
          result.writeJson(summary);
        }
      }
      return 0;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    boolean requiresOutputNode() {
      return false;
    }
  }

  @Command(name = "extract", mixinStandardHelpOptions = true,
      description = "Feature extraction for scheduled pipelines: infer with one or more --output-node, usually "
          + "with --incremental (only ids not yet in OUTPUT for this model are computed and appended) and "
          + "--summary run.json; a changed model is refused unless --recompute.")
  static final class Extract extends Infer {
    @Override
    boolean requiresOutputNode() {
      return true;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write Parquet tensor rows out as one <id>.npy file per row; with --format png, draw a filter "
          + "bank (a conv weight (O, C, kh, kw) in a safetensors file) as one image grid (no Spark).")
  static final class Export implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "npy", description = "Output format: ${COMPLETION-CANDIDATES}.")
    InputFormat format;

    @Option(names = "--tensor", defaultValue = "filters", description = "png: the tensor to draw (default: "
        + "${DEFAULT-VALUE}, learn-filters' bank.safetensors).")
    String tensor;

    @Option(names = "--scale", defaultValue = "4", description = "png: pixels per weight (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--input", required = true, description = "Input Parquet tensor rows (png: a safetensors file).")
    String input;

    @Option(names = "--output", required = true, description = "Output folder.")
    Path output;

    @Option(names = "--master", description = "Spark master (default: spark-submit's, or the launcher's local[*]).")
    String master;

    @Override
    public Integer call() throws Exception {
      if (format == InputFormat.png) {
        var tensors = dev.sparkconv.io.Safetensors.read(Path.of(input));
        if (!tensors.containsKey(tensor)) {
          throw new IllegalArgumentException(input + " has no tensor '" + tensor + "' (it has " + tensors.keySet() + ")");
        }
        dev.sparkconv.io.FilterGrid.write(tensors.get(tensor), scale, output);
        return 0;
      }
      try (SparkSession session = Sessions.open("export", master)) {
        System.out.println(NpyExport.run(session, input, output));
      }
      return 0;
    }
  }

  @Command(name = "summary", mixinStandardHelpOptions = true,
      description = "Print a model's per-layer table: output shape, parameters, MACs, receptive field and jump "
          + "(cumulative stride), with totals. Runs no Spark.")
  static final class Summary implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    SummaryFormat format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Network network = model.load();
      var summary = model.inputShape == null ? network.summary() : network.summary(model.inputShape);
      spec.commandLine().getOut().println(format == SummaryFormat.json
          ? new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary)
          : summary.toTable());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  enum SummaryFormat { text, json }
}
