package dev.sparkconv.jobs;

import dev.sparkconv.io.NpyDecoder;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ingest the shipped samples, run the bundled LeNet-5 and show what came out. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "End to end on the shipped sample digits (conf/samples/digits) and the bundled LeNet-5 "
        + "(conf/models/lenet5.json, seeded weights): ingest, infer, print a summary.")
final class Demo implements Callable<Integer> {
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
      System.out.println("first predictions, class: probability (seeded untrained weights, so the classes are arbitrary):");
      List<Row> rows = spark.read().parquet(output).orderBy("id").limit(5).collectAsList();
      for (Row row : rows) {
        TensorRows.Sample s = TensorRows.decode(row);
        int best = 0;
        for (int i = 1; i < s.data().length; i++) {
          best = s.data()[i] > s.data()[best] ? i : best;
        }
        System.out.printf("  %-12s %d: %.3f%n", s.id(), best, s.data()[best]);
      }
    }
    return 0;
  }
}
