import java.io.File;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Prints chosen columns of a Parquet folder that Spark wrote, one row per line, tab-separated, sorted;
 * without starting Spark (parquet-hadoop from the launcher's classpath). A null value prints as "-".
 * Used by scripts/media-e2e to list ids and the quarantine's reasons.
 * Usage: java -cp "$(cat jobs/target/classpath.txt)" scripts/ParquetRows.java DIR id,length,error
 */
public final class ParquetRows {
  public static void main(String[] args) throws Exception {
    String[] columns = args[1].split(",");
    File[] parts = new File(args[0]).listFiles((dir, name) -> name.endsWith(".parquet"));
    if (parts == null) {
      throw new IllegalArgumentException(args[0] + " is not a folder");
    }
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (File part : parts) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(part.toURI()))
          .withConf(new Configuration()).build()) {
        for (Group row = reader.read(); row != null; row = reader.read()) {
          Group r = row;
          lines.add(String.join("\t", Arrays.stream(columns).map(c -> value(r, c)).toList()));
        }
      }
    }
    lines.stream().sorted().forEach(System.out::println);
  }

  private static String value(Group row, String column) {
    if (!row.getType().containsField(column)) {
      throw new IllegalArgumentException("no column " + column + " in " + row.getType());
    }
    return row.getFieldRepetitionCount(column) == 0 ? "-" : row.getValueToString(row.getType().getFieldIndex(column), 0);
  }
}
