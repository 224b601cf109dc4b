package dev.sparkconv.io;

/** One input row that cannot be decoded; jobs turn it into a quarantine row instead of failing the task. */
public class BadRecordException extends RuntimeException {
  private final String recordId;
  private final String field;

  /** {@code recordId} may be null (the row has none); {@code field} is the column at fault. */
  public BadRecordException(String recordId, String field, String problem) {
    super((recordId == null ? "row without id" : "record '" + recordId + "'") + ": field '" + field + "' " + problem);
    this.recordId = recordId;
    this.field = field;
  }

  /** The row's id, or null when it has none. */
  public String recordId() {
    return recordId;
  }

  public String field() {
    return field;
  }
}
