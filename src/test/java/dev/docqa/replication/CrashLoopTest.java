package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.StorageSettings;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.VectorFormat;
import dev.docqa.replication.ChildJvm.Child;
import dev.docqa.replication.PublishedCommits.Row;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command line ingesting into a local data folder (or a bucket), killed with SIGKILL at a random moment, again
 * and again; some runs are left to finish. After every run the published index must open and hold every document whole
 * (exactly one complete version, never half), with each document whose ingest the CLI reported done present in the
 * version reported, unless a later run touched it. A final clean run over everything converges to exactly one copy of every
 * document, and whatever the kills left behind in the index is garbage that GC collects (files no manifest names).
 *
 * <p>{@code -Ddocqa.crashLoop.iterations=N} sets the number of runs (default {@value #DEFAULT_ITERATIONS});
 * {@code -Ddocqa.crashLoop.seed=N} the seed; {@code -Ddocqa.crashLoop.store=s3} runs against an s3proxy bucket.
 */
class CrashLoopTest {

  private static final int DEFAULT_ITERATIONS = 6;
  private static final int ITERATIONS = Integer.getInteger("docqa.crashLoop.iterations", DEFAULT_ITERATIONS);
  private static final long SEED = Long.getLong("docqa.crashLoop.seed", 7L);
  /** {@code -Ddocqa.crashLoop.store=s3}: the runs ingest into an s3proxy bucket instead of a local data folder. */
  private static final boolean S3 = "s3".equals(System.getProperty("docqa.crashLoop.store", "local"));
  private static final String BUCKET = "crash-loop";
  private static final String ROOT = "docqa";
  /** Enough that a run's files make two or three CLI batches (one commit each), so kills land between commits too. */
  private static final int DOCUMENTS = 40;
  /** Every third run is left to finish, so completed ingests and kills alternate. */
  private static final int FINISH_EVERY = 3;
  private static final Pattern REPORTED = Pattern.compile("(?m)^\\[\\d+/\\d+\\] (\\S+): (indexed|unchanged)");

  @TempDir Path work;

  /** The last run that named a document, and whether that run reported it done. */
  record Attempt(int run, int version, boolean reported) {}

  @Test
  void killedIngestsLeaveAWholeIndexAndACleanRunConverges() throws Exception {
    long began = System.nanoTime();
    Random random = new Random(SEED);
    SyntheticDocuments documents = new SyntheticDocuments(SEED, DOCUMENTS, 2);
    ReferenceVersions reference = ReferenceVersions.compute(documents, work.resolve("reference"));
    Path data = work.resolve("data");
    Map<String, Set<Integer>> written = new HashMap<>();
    Map<String, Attempt> last = new HashMap<>();
    Set<String> everReported = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    int kills = 0;
    int killedMidIngest = 0;
    int finished = 0;
    long firstReportMillis = 0;
    long runMillis = 0;

    try (S3ProxyServer server = S3 ? S3ProxyServer.start() : null;
        ObjectStore store = openStore(server, data)) {
      PublishedCommits commits = new PublishedCommits(store, StorageSettings.DEFAULT_INDEX_PREFIX, work.resolve("check"));
      for (int run = 0; run < ITERATIONS; run++) {
        Map<String, Integer> plan = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (int doc : pick(random, DOCUMENTS / 2 + random.nextInt(DOCUMENTS / 2 + 1))) {
          int version = random.nextInt(2);
          plan.put(SyntheticDocuments.id(doc), version);
          files.add(documents.write(work.resolve("run-" + run), doc, version).toString());
          written.computeIfAbsent(SyntheticDocuments.id(doc), id -> new TreeSet<>()).add(version);
        }
        boolean kill = run % FINISH_EVERY != 0;
        // A random moment between half-way to the first commit of a finished run and its end: late model loading, the
        // first batch, or a later one (the CLI commits and reports every 16 files).
        long killAtMillis = firstReportMillis / 2
            + (long) (random.nextDouble() * Math.max(1, runMillis * 1.1 - firstReportMillis / 2.0));
        Child child = ingest(server, files, data, "run-" + run);
        boolean exited;
        if (run == 0) {
          long[] timing = watch(child);
          firstReportMillis = timing[0];
          runMillis = timing[1];
          exited = true;
        } else {
          exited = kill ? killAt(child, killAtMillis) : child.process().waitFor(5, TimeUnit.MINUTES);
        }
        if (!exited) {
          kills++;
        } else {
          assertTrue(exited, "run " + run + " finishes");
          assertEquals(0, child.process().exitValue(), child.stderr());
          finished++;
        }

        Set<String> reported = reported(child.stderr());
        if (!exited && !reported.isEmpty() && reported.size() < plan.size()) {
          killedMidIngest++;
        }
        everReported.addAll(reported);
        int thisRun = run;
        plan.forEach((id, version) -> last.put(id, new Attempt(thisRun, version, reported.contains(id))));
        check("after run " + run, commits.newestDocuments(), reference, written, last, everReported, problems);
      }

      // A clean run over every document, each in a random version, converges.
      Map<String, Integer> finalVersions = new HashMap<>();
      List<String> files = new ArrayList<>();
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        int version = random.nextInt(2);
        finalVersions.put(SyntheticDocuments.id(doc), version);
        files.add(documents.write(work.resolve("final"), doc, version).toString());
        written.computeIfAbsent(SyntheticDocuments.id(doc), id -> new TreeSet<>()).add(version);
      }
      Child clean = ingest(server, files, data, "final");
      assertTrue(clean.process().waitFor(5, TimeUnit.MINUTES), "the clean run finishes");
      assertEquals(0, clean.process().exitValue(), clean.stderr());
      assertEquals(finalVersions.keySet(), reported(clean.stderr()), clean.stderr());
      finalVersions.forEach((id, version) -> last.put(id, new Attempt(ITERATIONS, version, true)));
      Map<String, List<Row>> converged = commits.newestDocuments();
      check("after the clean run", converged, reference, written, last, finalVersions.keySet(), problems);
      long duplicated = converged.values().stream()
          .filter(rows -> rows.stream().map(Row::ordinal).distinct().count() != rows.size())
          .count();
      Set<String> lost = new TreeSet<>(finalVersions.keySet());
      lost.removeAll(converged.keySet());

      // What the kills left in the index: files no manifest names, which GC deletes once past its grace period.
      Set<String> orphans = commits.storedFiles();
      orphans.removeAll(commits.referencedFiles());
      long newest = commits.newest();
      int collected;
      try (IndexPublisher gc = new IndexPublisher(store, StorageSettings.DEFAULT_INDEX_PREFIX, work.resolve("gc"),
          () -> PassageWrites.writerConfig(VectorFormat.FLOAT32), StorageSettings.DEFAULT_GC_GRACE,
          Clock.offset(Clock.systemUTC(), StorageSettings.DEFAULT_GC_GRACE.plusMinutes(1)))) {
        collected = gc.collectGarbage();
      }
      assertEquals(List.of(newest), commits.generations(), "GC keeps the newest manifest only");
      assertEquals(commits.referencedFiles(), commits.storedFiles(), "GC leaves exactly the newest commit's files");
      assertTrue(collected >= orphans.size(), "every orphan collected: " + collected + " < " + orphans.size());
      assertEquals(converged, commits.newestDocuments(), "the index after GC is the index before it");
      long storeTemp = countFiles(data.resolve("store/.docqa-tmp"));
      // The clean run held the cache's working folders, so it cleared what the killed runs left in them.
      Path cache = data.resolve("cache");
      assertEquals(0, countFiles(cache.resolve("index-writer/attempts")), "publish attempts left in the cache");
      assertEquals(List.of("index-replica", "index-replica.lock", "index-writer", "index-writer.lock", "models"),
          list(cache), "no private working folders left behind");

      System.out.printf(Locale.ROOT, "{\"test\":\"crash_loop\",\"store\":\"%s\",\"seed\":%d,\"iterations\":%d,\"processes\":%d,"
              + "\"kills\":%d,\"killed_mid_ingest\":%d,\"finished\":%d,\"documents\":%d,\"reported_complete\":%d,"
              + "\"commits\":%d,\"lost\":%d,\"duplicates\":%d,\"problems\":%d,\"orphan_files\":%d,"
              + "\"gc_deleted_files\":%d,\"store_temp_leftovers\":%d,\"seconds\":%.1f}%n",
          S3 ? "s3" : "local", SEED, ITERATIONS, ITERATIONS + 1, kills, killedMidIngest, finished + 1, DOCUMENTS, everReported.size(),
          newest, lost.size(), duplicated, problems.size(), orphans.size(), collected, storeTemp,
          (System.nanoTime() - began) / 1e9);
      assertEquals(List.of(), problems);
      assertEquals(Set.of(), lost, "documents lost");
      assertEquals(0, duplicated, "documents with a duplicated passage");
      assertTrue(kills > 0 || ITERATIONS < 2, "some runs were killed");
    }
  }

  /**
   * Every document of {@code docs} is one whole written version; each document reported done is present, in the
   * reported version when no later run named it.
   */
  private static void check(String when, Map<String, List<Row>> docs, ReferenceVersions reference,
      Map<String, Set<Integer>> written, Map<String, Attempt> last, Set<String> mustBePresent, List<String> problems) {
    docs.forEach((id, rows) -> {
      int version = reference.versionOf(id, rows);
      if (version < 0 || !written.getOrDefault(id, Set.of()).contains(version)) {
        problems.add(when + ": " + id + " is not one whole written version: " + rows.size() + " passages, ordinals "
            + rows.stream().map(Row::ordinal).toList());
      }
      Attempt attempt = last.get(id);
      if (attempt != null && attempt.reported() && attempt.version() != version) {
        problems.add(when + ": " + id + " is version " + version + ", but run " + attempt.run() + " reported version "
            + attempt.version() + " done and no later run named it");
      }
    });
    for (String id : mustBePresent) {
      if (!docs.containsKey(id)) {
        problems.add(when + ": " + id + " was reported done but is missing");
      }
    }
  }

  /** Waits for the child to finish; returns when it first reported a document done and when it exited (ms). */
  private static long[] watch(Child child) throws InterruptedException {
    long started = System.nanoTime();
    long firstReport = -1;
    while (!child.process().waitFor(10, TimeUnit.MILLISECONDS)) {
      if (firstReport < 0 && !reported(child.stderr()).isEmpty()) {
        firstReport = (System.nanoTime() - started) / 1_000_000;
      }
      assertTrue(System.nanoTime() - started < TimeUnit.MINUTES.toNanos(5), "the run finishes within 5 minutes");
    }
    long total = (System.nanoTime() - started) / 1_000_000;
    return new long[] {firstReport < 0 ? total : firstReport, total};
  }

  /**
   * Kills the child with SIGKILL (no shutdown hooks, no finally blocks) {@code millis} after now, unless it exits first.
   *
   * @return whether the child had exited by itself first
   */
  private static boolean killAt(Child child, long millis) throws InterruptedException {
    if (child.process().waitFor(millis, TimeUnit.MILLISECONDS)) {
      return true;
    }
    child.process().destroyForcibly();
    assertTrue(child.process().waitFor(1, TimeUnit.MINUTES), "the killed child exits");
    return false;
  }

  private static ObjectStore openStore(S3ProxyServer server, Path data) {
    if (server == null) {
      return new LocalObjectStore(data.resolve("store"));
    }
    server.createBucket(BUCKET);
    return S3ObjectStore.open(server.connection(), BUCKET, ROOT + "/");
  }

  /** The real CLI on the local data folder, or (with a server) on the bucket with {@code data/cache} as its cache. */
  private Child ingest(S3ProxyServer server, List<String> files, Path data, String name) {
    // Each run writes its versions into a folder of its own: --replace lets them replace the earlier runs' files.
    List<String> args = new ArrayList<>(List.of("ingest", "--replace"));
    args.addAll(files);
    args.addAll(List.of("--index", server == null ? data.toString() : "s3://" + BUCKET + "/" + ROOT,
        "--embedder", TestServices.TINY_EMBEDDER.toString()));
    if (server == null) {
      return ChildJvm.start("dev.docqa.cli.Main", args, Map.of(), work.resolve("logs"), name);
    }
    return ChildJvm.start("dev.docqa.cli.CliOverS3", args, Map.of(
        "docqa.test.s3Endpoint", server.endpoint().toString(),
        "docqa.test.cacheDir", data.resolve("cache").toString(),
        "aws.accessKeyId", S3ProxyServer.ACCESS_KEY,
        "aws.secretAccessKey", S3ProxyServer.SECRET_KEY), work.resolve("logs"), name);
  }

  /** The documents a CLI run reported done (indexed or unchanged) on its progress lines. */
  private static Set<String> reported(String stderr) {
    Set<String> ids = new HashSet<>();
    Matcher line = REPORTED.matcher(stderr);
    while (line.find()) {
      ids.add(line.group(1));
    }
    return ids;
  }

  private static List<Integer> pick(Random random, int n) {
    List<Integer> all = new ArrayList<>();
    for (int doc = 0; doc < DOCUMENTS; doc++) {
      all.add(doc);
    }
    Collections.shuffle(all, random);
    return all.subList(0, n);
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static long countFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
