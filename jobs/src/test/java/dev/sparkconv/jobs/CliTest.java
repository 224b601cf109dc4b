package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {
  @TempDir
  Path tmp;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @ParameterizedTest(name = "{0} --help")
  @CsvSource({"ingest,--input", "infer,--batch-size", "export,--output", "demo,--workdir"})
  void everyCommandHasHelp(String command, String option) {
    Result r = run(command, "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains(option), r.out());
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String command : new String[] {"ingest", "infer", "export", "demo"}) {
      assertTrue(r.out().contains(command), r.out());
    }
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    Result r = run("infer", "--input", "x.parquet");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model"), r.err());
  }

  @Test
  void badModelFailsBeforeSparkStartsAndNamesTheLayer() throws Exception {
    Path model = tmp.resolve("bad.json");
    Files.writeString(model, """
        {"name": "m", "input_shape": [1, 8, 8], "weights": {"init": "seeded", "seed": 1},
         "layers": [{"name": "c1", "op": "conv2d", "out_channels": 2, "kernel": 3, "strides": 2}]}
        """);
    Result r = run("infer", "--model", model.toString(), "--input", "in", "--output", "out");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("c1") && r.err().contains("strides"), r.err());
  }
}
