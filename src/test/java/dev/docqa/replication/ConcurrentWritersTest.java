package dev.docqa.replication;

import dev.docqa.index.EmptyIndexException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.reading.Answer;
import dev.docqa.replication.ChildJvm.Child;
import dev.docqa.replication.PublishedCommits.Row;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQaService;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.nio.file.Path;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several ingest writers at once on one S3 bucket (s3proxy, the real protocol): some are threads of this JVM, each with
 * its own service, writing pass after pass while the others run, some are separate processes running the real command
 * line. They ingest overlapping document sets, the same key with different content too. Readers ask questions all
 * along and record the published commit (manifest generation) each answer was served from.
 *
 * <p>Afterwards, from the bucket alone: the manifests form one unbroken chain; every commit holds every document whole,
 * in exactly one written version; the commits change, one after the other, exactly as many documents as the writers
 * reported indexed (a thread's ingest is one commit, a CLI run's batch another); the newest holds every document
 * exactly once; and each answer served names a commit that exists and holds
 * the passage the answer was read from. Seeded: {@code -Ddocqa.concurrency.seed=N}.
 */
class ConcurrentWritersTest {

  private static final long SEED = Long.getLong("docqa.concurrency.seed", 20261122L);
  private static final String BUCKET = "concurrency";
  private static final String ROOT = "docqa/";
  private static final int DOCUMENTS = 10;
  private static final int CONTESTED = 3;
  private static final int THREAD_WRITERS = 2;
  private static final int PROCESS_WRITERS = 2;
  private static final int READERS = 2;
  private static final long READER_PAUSE_MS = 20;
  private static final int MAX_THREAD_PASSES = 4;
  private static final Pattern CLI_SUMMARY =
      Pattern.compile("(\\d+) files: (\\d+) indexed, (\\d+) unchanged, (\\d+) failed");

  @TempDir Path work;

  /** An answer as served: the commit it names and the passages its spans came from. */
  record Served(int reader, long generation, List<Answer> answers) {}

  @Test
  void writersInThreadsAndProcessesLoseAndDuplicateNothingAndAnswersComeFromPublishedCommits() throws Exception {
    long began = System.nanoTime();
    SyntheticDocuments documents = new SyntheticDocuments(SEED, DOCUMENTS, 2);
    List<List<int[]>> plans = plan(new Random(SEED), THREAD_WRITERS + PROCESS_WRITERS);
    Map<String, Set<Integer>> written = new HashMap<>();
    for (int w = 0; w < plans.size(); w++) {
      // Thread writers alternate versions pass after pass: each of their documents may end in either.
      List<Integer> versions = w < THREAD_WRITERS ? List.of(0, 1) : null;
      for (int[] doc : plans.get(w)) {
        written.computeIfAbsent(SyntheticDocuments.id(doc[0]), id -> new TreeSet<>())
            .addAll(versions == null ? List.of(doc[1]) : versions);
      }
    }
    AtomicInteger threadIngests = new AtomicInteger();

    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket(BUCKET);
      String index = "s3://" + BUCKET + "/" + ROOT.substring(0, ROOT.length() - 1);
      List<Child> children = new ArrayList<>();
      for (int p = 0; p < PROCESS_WRITERS; p++) {
        int writer = THREAD_WRITERS + p;
        // Each writer has its own folder of versions: --replace lets them replace one another's documents.
        List<String> args = new ArrayList<>(List.of("ingest", "--replace"));
        for (int[] doc : plans.get(writer)) {
          args.add(documents.write(work.resolve("writer-" + writer), doc[0], doc[1]).toString());
        }
        args.addAll(List.of("--index", index, "--embedder", TestServices.TINY_EMBEDDER.toString()));
        children.add(ChildJvm.start("dev.docqa.cli.CliOverS3", args, Map.of(
            "docqa.test.s3Endpoint", server.endpoint().toString(),
            // One cache folder for both, as two CLI runs on one machine would share it.
            "docqa.test.cacheDir", work.resolve("cache-processes").toString(),
            "aws.accessKeyId", S3ProxyServer.ACCESS_KEY,
            "aws.secretAccessKey", S3ProxyServer.SECRET_KEY), work.resolve("logs"), "writer-" + writer));
      }

      List<AutoCloseable> resources = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREAD_WRITERS + READERS);
      AtomicBoolean writing = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
      AtomicInteger emptyIndex = new AtomicInteger();
      int indexed = 0;
      double writeSeconds;
      try {
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < THREAD_WRITERS; w++) {
          DocQaService service = open(server, "cache-" + w, Duration.ZERO, resources);
          List<int[]> plan = plans.get(w);
          Path folder = work.resolve("writer-" + w);
          writers.add(pool.submit(() -> {
            int published = 0;
            // Pass after pass, each in the other version, while the CLI processes run: threads and processes write
            // at the same time whatever the processes' start-up takes.
            for (int pass = 0; pass == 0 || pass < MAX_THREAD_PASSES && anyAlive(children); pass++) {
              for (int[] doc : plan) {
                int version = (doc[1] + pass) % 2;
                IngestOutcome outcome = service.ingest(SyntheticDocuments.id(doc[0]),
                    documents.write(folder, doc[0], version), "v" + version);
                assertTrue(outcome.status() != IngestOutcome.Status.FAILED, outcome.toString());
                published += outcome.status() == IngestOutcome.Status.INDEXED ? 1 : 0;
                threadIngests.incrementAndGet();
              }
            }
            return published;
          }));
        }
        DocQaService readerService = open(server, "cache-readers", Duration.ZERO, resources);
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          int reader = r;
          Random random = new Random(SEED + 31L * (r + 1));
          readers.add(pool.submit(() -> {
            int after = 0;
            while (writing.get() || after++ < 3) {
              int doc = random.nextInt(DOCUMENTS);
              String question = documents.question(random, doc, random.nextInt(2));
              try {
                AskResult result = readerService.ask(AskRequest.of(question));
                List<Answer> answers = new ArrayList<>(result.alternatives());
                if (result.answer() != null) {
                  answers.addFirst(result.answer());
                }
                served.add(new Served(reader, result.indexGeneration(), answers));
                Thread.sleep(READER_PAUSE_MS); // leave the two CPUs of a CI machine mostly to the writers
              } catch (EmptyIndexException nothingPublishedYet) {
                emptyIndex.incrementAndGet();
                Thread.sleep(50);
              }
            }
            return null;
          }));
        }
        for (Future<Integer> writer : writers) {
          indexed += writer.get(5, TimeUnit.MINUTES);
        }
        for (Child child : children) {
          assertTrue(child.process().waitFor(5, TimeUnit.MINUTES), "the child writer finishes");
          assertEquals(0, child.process().exitValue(), child.stderr());
          Matcher summary = CLI_SUMMARY.matcher(child.stdout());
          assertTrue(summary.find(), child.stdout());
          assertEquals("0", summary.group(4), child.stderr());
          indexed += Integer.parseInt(summary.group(2));
        }
        writing.set(false);
        writeSeconds = (System.nanoTime() - began) / 1e9;
        for (Future<?> reader : readers) {
          reader.get(2, TimeUnit.MINUTES);
        }
      } finally {
        writing.set(false);
        pool.shutdownNow();
        children.forEach(child -> child.process().destroyForcibly());
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
          resource.close();
        }
      }

      ReferenceVersions reference = ReferenceVersions.compute(documents, work.resolve("reference"));
      try (ObjectStore bucket = S3ObjectStore.open(server.connection(), BUCKET, ROOT)) {
        PublishedCommits commits = new PublishedCommits(bucket, "index/", work.resolve("check"));
        int ingests = threadIngests.get()
            + plans.subList(THREAD_WRITERS, plans.size()).stream().mapToInt(List::size).sum();
        verify(commits, reference, written, ingests, indexed, List.copyOf(served), emptyIndex.get(), began,
            writeSeconds);
      }
    }
  }

  private void verify(PublishedCommits commits, ReferenceVersions reference, Map<String, Set<Integer>> written,
      int ingests, int indexed, List<Served> served, int emptyIndex, long began,
      double writeSeconds) {
    List<Long> generations = commits.generations();
    Map<Long, Map<String, List<Row>>> byGeneration = new HashMap<>();
    List<String> problems = new ArrayList<>();
    Map<String, List<Row>> previous = Map.of();
    int documentChanges = 0;
    for (long generation : generations) {
      Map<String, List<Row>> docs = commits.documents(generation).orElseThrow();
      byGeneration.put(generation, docs);
      docs.forEach((id, rows) -> {
        int version = reference.versionOf(id, rows);
        if (version < 0 || !written.getOrDefault(id, Set.of()).contains(version)) {
          problems.add("generation " + generation + ": " + id + " is not one whole written version: " + rows.size()
              + " passages, ordinals " + rows.stream().map(Row::ordinal).toList());
        }
      });
      Set<String> changed = new TreeSet<>(docs.keySet());
      changed.addAll(previous.keySet());
      Map<String, List<Row>> before = previous;
      changed.removeIf(id -> docs.get(id) != null && docs.get(id).equals(before.get(id)));
      if (changed.isEmpty()) {
        problems.add("generation " + generation + " changed nothing");
      }
      documentChanges += changed.size();
      previous = docs;
    }
    Map<String, List<Row>> newest = previous;
    Set<String> lost = new TreeSet<>(written.keySet());
    lost.removeAll(newest.keySet());
    long duplicated = newest.values().stream()
        .filter(rows -> rows.stream().map(Row::ordinal).distinct().count() != rows.size())
        .count();

    int answersChecked = 0;
    Map<Integer, Long> lastGeneration = new HashMap<>();
    for (Served answer : served) {
      Map<String, List<Row>> commit = byGeneration.get(answer.generation());
      if (commit == null) {
        problems.add("an answer names generation " + answer.generation() + ", which was never published");
        continue;
      }
      if (answer.generation() < lastGeneration.getOrDefault(answer.reader(), 0L)) {
        problems.add("reader " + answer.reader() + " went back to generation " + answer.generation());
      }
      lastGeneration.put(answer.reader(), answer.generation());
      for (Answer span : answer.answers()) {
        answersChecked++;
        List<Row> rows = commit.getOrDefault(span.passage().documentId(), List.of());
        if (!rows.contains(Row.of(span.passage()))) {
          problems.add("an answer from generation " + answer.generation() + " was read from a passage of "
              + span.passage().documentId() + " that commit does not hold");
        }
      }
    }

    System.out.printf(Locale.ROOT, "{\"test\":\"concurrent_writers\",\"seed\":%d,\"writers\":%d,\"thread_writers\":%d,"
            + "\"processes\":%d,\"readers\":%d,\"documents\":%d,\"ingests\":%d,\"commits\":%d,\"answers_served\":%d,"
            + "\"answers_checked\":%d,\"empty_index_answers\":%d,\"lost\":%d,\"duplicates\":%d,\"problems\":%d,"
            + "\"write_seconds\":%.1f,\"seconds\":%.1f}%n",
        SEED, THREAD_WRITERS + PROCESS_WRITERS, THREAD_WRITERS, PROCESS_WRITERS, READERS, written.size(),
        ingests, generations.size(), served.size(), answersChecked,
        emptyIndex, lost.size(), duplicated, problems.size(), writeSeconds, (System.nanoTime() - began) / 1e9);

    assertEquals(List.of(), problems);
    assertEquals(Set.of(), lost, "documents lost");
    assertEquals(0, duplicated, "documents with a duplicated passage");
    assertEquals(written.keySet(), newest.keySet(), "every document present, nothing else");
    assertEquals(contiguous(generations.size()), generations, "one unbroken chain of manifests");
    assertEquals(indexed, documentChanges, "each document reported indexed changed once, in one commit; unchanged none");
    assertTrue(answersChecked > 0, "readers were served answers while writers wrote");
  }

  /**
   * Which (document, version) pairs each writer ingests, in its order: the first {@value #CONTESTED} documents by every
   * writer, each in a random version (the same key with different content), the rest by one or two random writers.
   */
  private static List<List<int[]>> plan(Random random, int writers) {
    List<List<int[]>> plans = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      plans.add(new ArrayList<>());
    }
    for (int doc = 0; doc < DOCUMENTS; doc++) {
      Set<Integer> by = new HashSet<>();
      if (doc < CONTESTED) {
        for (int w = 0; w < writers; w++) {
          by.add(w);
        }
      } else {
        by.add(random.nextInt(writers));
        if (random.nextBoolean()) {
          by.add(random.nextInt(writers));
        }
      }
      for (int w : by) {
        plans.get(w).add(new int[] {doc, random.nextInt(2)});
      }
    }
    plans.forEach(plan -> Collections.shuffle(plan, random));
    return plans;
  }

  private static boolean anyAlive(List<Child> children) {
    return children.stream().anyMatch(child -> child.process().isAlive());
  }

  private static List<Long> contiguous(int n) {
    List<Long> generations = new ArrayList<>();
    for (long g = 1; g <= n; g++) {
      generations.add(g);
    }
    return generations;
  }

  private DocQaService open(S3ProxyServer server, String cache, Duration maxStaleness, List<AutoCloseable> resources) {
    ObjectStore store = S3ObjectStore.open(server.connection(), BUCKET, ROOT);
    resources.add(store);
    DocQaService service = TestServices.open(store, work.resolve(cache), maxStaleness);
    resources.add(service);
    return service;
  }
}
