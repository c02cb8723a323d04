package dev.docqa.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child process for {@link LocalObjectStoreTest}: tries put-if-absent on keys {@code race/0..n-1} of a shared folder
 * and prints the keys it won, one per line.
 */
public final class LocalStoreRacer {

  private LocalStoreRacer() {}

  public static void main(String[] args) {
    Path folder = Path.of(args[0]);
    int keys = Integer.parseInt(args[1]);
    String name = args[2];
    try (ObjectStore store = new LocalObjectStore(folder)) {
      for (int i = 0; i < keys; i++) {
        try {
          store.put("race/" + i, name.getBytes(StandardCharsets.UTF_8), PutCondition.ifAbsent());
          System.out.println("race/" + i);
        } catch (PreconditionFailedException lost) {
          // another process won this key
        }
      }
    }
  }
}
