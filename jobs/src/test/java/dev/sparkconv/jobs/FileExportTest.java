package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileExportTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "id [{0}]")
  @ValueSource(strings = {"a.jpg", "sub/a.jpg", "clips/b.mp4#16", "x/y/z"})
  void idsThatArePathsBecomeSubfolders(String id) throws Exception {
    Path file = FileExport.file(tmp, id, "png");
    assertEquals(tmp.resolve(id + ".png"), file);
    assertTrue(file.getParent().toFile().isDirectory());
  }

  @ParameterizedTest(name = "id [{0}]")
  @ValueSource(strings = {"../escape", "sub/../../escape", "/abs", "a//b", ".hidden", "sub/.hidden", "a\\b", ""})
  void idsCannotLeaveTheFolderOrHide(String id) {
    var e = assertThrows(IllegalArgumentException.class, () -> FileExport.file(tmp, id, "npy"));
    assertTrue(e.getMessage().contains("record '" + id + "': field 'id'"), e.getMessage());
  }
}
