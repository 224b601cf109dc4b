package dev.sparkconv.jobs;

import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ingest the shipped samples, run the bundled LeNet-5 and show what came out. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "End to end on the shipped sample digits (conf/samples/digits, held out from training) and "
        + "the bundled LeNet-5 (conf/models/lenet5.json, trained on scikit-learn's digits): ingest, infer, print "
        + "every prediction beside its true label and the accuracy.")
final class Demo implements Callable<Integer> {
  private static final Pattern LABELLED = Pattern.compile(".*-(\\d)");

  @Option(names = "--workdir", description = "Where the demo writes its Parquet files (default: work/demo).")
  Path workdir;

  @Option(names = "--master", description = "Spark master (default: the launcher's local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("sparkconv.home", "."));
    Path dir = workdir != null ? workdir : home.resolve("work/demo");
    Path samples = home.resolve("conf/samples/digits");
    Network network = ModelLoader.load(home.resolve("conf/models/lenet5.json"));
    String input = dir.resolve("input.parquet").toString();
    String output = dir.resolve("output.parquet").toString();
    try (SparkSession spark = Sessions.open("demo", master)) {
      RunSummary ingest = FileIngest.run(spark, new NpyDecoder(), new FileIngest.Source(samples.toString(), "*.npy"), input, true);
      RunSummary infer = InferenceJob.run(spark, network,
          new InferenceJob.Options(input, output, null, 32, 0, true));
      System.out.println("sparkconv demo: model " + network.name() + " (" + network.parameterCount()
          + " parameters, " + network.macs() + " MACs per sample) on " + spark.sparkContext().master());
      System.out.println(ingest);
      System.out.println(infer);
      System.out.println("predictions (id: true label -> predicted class, probability; * marks a miss):");
      List<Row> rows = spark.read().parquet(output).orderBy("id").collectAsList();
      int correct = 0;
      for (Row row : rows) {
        TensorRows.Sample s = TensorRows.decode(row);
        int best = 0;
        for (int i = 1; i < s.data().length; i++) {
          best = s.data()[i] > s.data()[best] ? i : best;
        }
        int label = label(s.id());
        correct += best == label ? 1 : 0;
        System.out.printf("  %s: %d -> %d  %.3f%s%n", s.id(), label, best, s.data()[best], best == label ? "" : "  *");
      }
      System.out.printf("accuracy: %d/%d = %.1f%%%n", correct, rows.size(), 100.0 * correct / rows.size());
    }
    return 0;
  }

  /** The true label a shipped sample carries at the end of its name: digit-NNN-<label>. */
  private static int label(String id) {
    Matcher m = LABELLED.matcher(id);
    if (!m.matches()) {
      throw new IllegalStateException("sample '" + id + "' does not end with its label (digit-NNN-<label>)");
    }
    return Integer.parseInt(m.group(1));
  }
}
