package dev.docqa.replication;

import java.nio.file.Path;

/**
 * Claims a working directory in a separate process, prints {@code claimed <path>} and holds it until killed: the other
 * process in a cross-process {@link OwnedDirectory} test.
 */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws InterruptedException {
    OwnedDirectory owned = OwnedDirectory.claim(Path.of(args[0]));
    System.out.println("claimed " + owned.path());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
