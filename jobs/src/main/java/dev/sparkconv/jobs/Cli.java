package dev.sparkconv.jobs;

import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.image.ImageDecoder;
import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.io.video.ClipSpec;
import dev.sparkconv.io.video.FrameFolderDecoder;
import dev.sparkconv.io.video.VideoDecoder;
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
    subcommands = {Cli.Ingest.class, Cli.Infer.class, Cli.Extract.class, Cli.Export.class, Cli.Summary.class,
        TowerCommands.Plan.class, Synth.class, Demo.class, LearnFilters.class})
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

  /** Exit status for schedulers: a run writes what it can, then fails when too many rows were quarantined. */
  static class FailureOptions {
    static final int TOO_MANY_FAILURES = 3;

    @Option(names = "--max-failure-ratio", defaultValue = "0", paramLabel = "R", description = "Exit with status "
        + TOO_MANY_FAILURES + " (after writing every output) when quarantined / in exceeds R (default: ${DEFAULT-VALUE}).")
    double maxFailureRatio;

    /** Prints the summary (and writes it as JSON when asked), then returns the exit status. */
    int report(RunSummary summary, Path json, CommandLine cli) throws java.io.IOException {
      boolean failed = summary.failureRatio() > maxFailureRatio;
      cli.getOut().println(summary);
      if (json != null) {
        summary.writeJson(json);
      }
      if (failed) {
        cli.getErr().printf(java.util.Locale.ROOT, "sparkconv %s: %d of %d rows quarantined (%.4f) exceeds "
            + "--max-failure-ratio %s; see %s%n", summary.command(), summary.quarantined(), summary.in(),
            summary.failureRatio(), maxFailureRatio, summary.quarantine());
      }
      cli.getOut().flush();
      cli.getErr().flush();
      return failed ? TOO_MANY_FAILURES : 0;
    }
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
      description = "Decode files on the executors into Parquet tensor rows (id = path relative to the input root). "
          + "A file that cannot be decoded goes to OUTPUT.quarantine with its bytes, length and the reason.")
  static final class Ingest implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "npy", description = "Input format: ${COMPLETION-CANDIDATES}.")
    InputFormat format;

    @Option(names = "--input", required = true, paramLabel = "DIR_OR_GLOB",
        description = "A folder (searched recursively) or a glob such as 'photos/*/*.jpg'; for idx, the images file "
            + "(N x H x W, gzip or not).")
    String input;

    @Option(names = "--glob", paramLabel = "NAME_GLOB", description = "Only files whose name matches, e.g. '*.jpg' "
        + "(default: every file; files that are not of the format are quarantined).")
    String glob;

    @Option(names = "--labels", description = "idx only: the labels file (N), written as an int 'label' column.")
    Path labels;

    @Option(names = "--output", required = true, description = "Output Parquet path.")
    String output;

    @Option(names = "--summary", description = "Also write the run summary as JSON to this file.")
    Path summary;

    @Option(names = "--compression", paramLabel = "CODEC", description = "Parquet codec of the tensors: "
        + "uncompressed, snappy, zstd, lz4_raw, gzip (default: the session's " + FileIngest.CODEC_CONF + " if set, "
        + "else uncompressed: decoded pixels barely compress, and compressing float32 costs as much as decoding).")
    String compression;

    @CommandLine.ArgGroup(exclusive = false, heading = "Video (--format video | frames):%n")
    VideoOptions video;

    @CommandLine.Mixin
    ImageOptions image = new ImageOptions();

    @CommandLine.Mixin
    SparkOptions spark = new SparkOptions();

    @CommandLine.Mixin
    FailureOptions failure = new FailureOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if ((format == InputFormat.video || format == InputFormat.frames) != (video != null)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--clip-length (and the other clip options) go with --format video or frames, and they need it");
      }
      var source = new FileIngest.Source(input, glob);
      try (SparkSession session = Sessions.open("ingest", spark.master)) {
        if (compression != null) {
          session.conf().set(FileIngest.CODEC_CONF, compression);
        }
        RunSummary result = switch (format) {
          case npy -> FileIngest.run(session, new NpyDecoder(), source, output, spark.overwrite);
          case image -> FileIngest.run(session, image.decoder(), source, output, spark.overwrite);
          case video -> FileIngest.run(session, video.decoder(), source, output, spark.overwrite);
          case frames -> FileIngest.runFrameFolders(session, new FrameFolderDecoder(video.clips()), source, output,
              spark.overwrite);
          case idx -> IdxIngest.run(session, Path.of(input), labels, output, spark.overwrite);
        };
        return failure.report(result, summary, spec.commandLine());
      }
    }
  }

  /** How images are decoded: channels, EXIF orientation, the pixel limit, and an optional preprocessing. */
  static final class ImageOptions {
    @Option(names = "--preprocess", defaultValue = "none", paramLabel = "none|imagenet|SPEC.json", description =
        "image: none (C x H x W uint8), imagenet (torchvision's Resize(256), CenterCrop(224), ToTensor, Normalize; "
            + "float32) or a preprocessing spec (default: ${DEFAULT-VALUE}).")
    String preprocess;

    @Option(names = "--channels", defaultValue = "3", description = "image: 3 (RGB; grey replicated, alpha dropped) "
        + "or 1 (greyscale as PIL's convert('L')) (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--no-exif-orientation", description = "image: ignore the EXIF orientation (default: applied, "
        + "as PIL's ImageOps.exif_transpose).")
    boolean noExifOrientation;

    @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS, description = "image: "
        + "larger images are quarantined, checked from the header before decoding (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    ImageDecoder decoder() {
      return new ImageDecoder(ImageDecoder.Options.DEFAULT.withChannels(channels)
          .withExifOrientation(!noExifOrientation).withMaxPixels(maxPixels)
          .withPreprocess(Preprocess.parse(preprocess).orElse(null)));
    }
  }

  /** Clips of a video: T frames, every S-th, the first frames of consecutive clips K apart. */
  static final class VideoOptions {
    @Option(names = "--clip-length", required = true, paramLabel = "T", description = "Frames per clip.")
    int clipLength;

    @Option(names = "--frame-stride", defaultValue = "1", paramLabel = "S", description = "Take every S-th frame "
        + "within a clip (default: ${DEFAULT-VALUE}).")
    int frameStride;

    @Option(names = "--clip-stride", paramLabel = "K", description = "Frames between the first frames of consecutive "
        + "clips (default: T*S, clips that do not overlap).")
    Integer clipStride;

    @Option(names = "--size", split = ",", paramLabel = "H,W", description = "Resize frames to H x W (bilinear).")
    int[] size;

    @Option(names = "--time-limit", defaultValue = "60", paramLabel = "SECONDS", description = "A video not decoded "
        + "within this time is quarantined (default: ${DEFAULT-VALUE}).")
    long timeLimit;

    ClipSpec clips() {
      ClipSpec clips = ClipSpec.of(clipLength, frameStride);
      if (clipStride != null) {
        clips = clips.withClipStride(clipStride);
      }
      if (size != null) {
        if (size.length != 2) {
          throw new IllegalArgumentException("--size takes H,W but got " + size.length + " numbers");
        }
        clips = clips.withSize(size[0], size[1]);
      }
      return clips;
    }

    VideoDecoder decoder() {
      return new VideoDecoder(clips(), java.time.Duration.ofSeconds(timeLimit), VideoDecoder.DEFAULT_MAX_PIXELS);
    }
  }

  /**
   * npy: one sample per file; image: JPEG, PNG, BMP, GIF, WebP, TIFF; video: MP4/MOV (H.264) clips; frames: each folder of frame images is one video;
   * idx: MNIST's IDX files.
   */
  enum InputFormat { npy, image, video, frames, idx }

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

    @CommandLine.Mixin
    FailureOptions failure = new FailureOptions();

    @CommandLine.Mixin
    TowerCommands.TowerOptions towers = new TowerCommands.TowerOptions();

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
          model.fingerprint(), outputNodes, format, ModelLoader.preprocess(model.file).orElse(null));
      if (towers.towers != null) {
        // A tower's tasks wait for its executors instead of running (and fetching weights) elsewhere; 30 s, not
        // longer: when an executor dies its tasks run elsewhere after this wait (measured: 10 min stalled a job).
        if (System.getProperty("spark.locality.wait.process") == null) {
          System.setProperty("spark.locality.wait.process", "30s");
        }
        try (SparkSession session = Sessions.open("infer", spark.master)) {
          var plan = towers.towers.equals("auto")
              ? towers.auto(network, executorBytes(session), outputNodes, spec.commandLine().getErr())
              : towers.plan(network, Integer.parseInt(towers.towers), outputNodes);
          if (plan.towers() > 1) {
            TowerJob.Result result = TowerJob.run(session, plan, opts);
            spec.commandLine().getErr().println(result.toString().substring(result.summary().toString().length() + 1));
            return failure.report(result.summary(), summary, spec.commandLine());
          }
          return failure.report(InferenceJob.run(session, network, opts), summary, spec.commandLine());
        }
      }
      try (SparkSession session = Sessions.open("infer", spark.master)) {
        return failure.report(InferenceJob.run(session, network, opts), summary, spec.commandLine());
      }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** An executor's memory: spark.executor.memory, or in local mode this JVM's heap. */
    private static long executorBytes(SparkSession session) {
      var conf = session.sparkContext().getConf();
      return session.sparkContext().isLocal() && !conf.contains("spark.executor.memory")
          ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
    }

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
      description = "Write Parquet tensor rows out as one file per row: <id>.npy, or <id>.png for (H,W), (1,H,W) "
          + "and (3,H,W) rows (ids that are relative paths, sub/a.jpg, become the same subfolders); with a "
          + ".safetensors input and --format png, draw a filter bank (a conv weight (O, C, kh, kw)) as one image grid.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "npy", description = "Output format: ${COMPLETION-CANDIDATES}.")
    FileExport.Format format;

    @Option(names = "--tensor", defaultValue = "filters", description = "Filter bank: the tensor to draw (default: "
        + "${DEFAULT-VALUE}, learn-filters' bank.safetensors).")
    String tensor;

    @Option(names = "--zoom", defaultValue = "4", description = "Filter bank: pixels per weight (default: "
        + "${DEFAULT-VALUE}).")
    int zoom;

    @Option(names = "--input", required = true, description = "Input Parquet tensor rows, or a .safetensors filter "
        + "bank.")
    String input;

    @Option(names = "--output", required = true, description = "Output folder.")
    Path output;

    @Option(names = "--scale", paramLabel = "auto|F", defaultValue = "auto", description = "PNG: pixel = "
        + "round(value * F) clamped to 0..255 (255 for values in 0..1, 1 for uint8 images); auto stretches each "
        + "image's min..max (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--master", description = "Spark master (default: spark-submit's, or the launcher's local[*]).")
    String master;

    @Override
    public Integer call() throws Exception {
      if (input.endsWith(".safetensors")) {
        if (format != FileExport.Format.png) {
          throw new IllegalArgumentException("a .safetensors input (a filter bank) is drawn with --format png");
        }
        var tensors = dev.sparkconv.io.Safetensors.read(Path.of(input));
        if (!tensors.containsKey(tensor)) {
          throw new IllegalArgumentException(input + " has no tensor '" + tensor + "' (it has " + tensors.keySet() + ")");
        }
        dev.sparkconv.io.FilterGrid.write(tensors.get(tensor), zoom, output);
        return 0;
      }
      Float factor = scale.equals("auto") ? null : Float.valueOf(scale);
      try (SparkSession session = Sessions.open("export", master)) {
        System.out.println(FileExport.run(session, input, output.toAbsolutePath(), format, factor));
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
