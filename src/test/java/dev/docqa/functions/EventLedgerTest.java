package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLedgerTest {

  @TempDir Path tmp;

  @Test
  void keepsTheNewestSequencerPerDocumentDurably() {
    try (ObjectStore store = new LocalObjectStore(tmp)) {
      EventLedger ledger = new EventLedger(store, "state/events/", Clock.systemUTC(), Duration.ofMinutes(5));
      assertTrue(ledger.isNew("a.pdf", "0A"));
      assertTrue(ledger.record("a.pdf", "0A"));
      assertFalse(ledger.record("a.pdf", "0A"), "a duplicate");
      assertFalse(ledger.record("a.pdf", "09FF"), "an older event");
      assertFalse(ledger.isNew("a.pdf", "0A00"));
      assertTrue(ledger.record("a.pdf", "0A01"));
      assertTrue(ledger.record("b.pdf", "01"));

      EventLedger reopened = new EventLedger(store, "state/events/", Clock.systemUTC(), Duration.ofMinutes(5));
      assertEquals(Optional.of("0A01"), reopened.lastSequencer("a.pdf"));
      assertEquals(Optional.of("01"), reopened.lastSequencer("b.pdf"));
      assertEquals(Optional.empty(), reopened.lastSequencer("c.pdf"));
    }
  }

  @Test
  void concurrentRecordersKeepTheMaximum() throws Exception {
    try (ObjectStore store = new LocalObjectStore(tmp)) {
      List<String> sequencers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        sequencers.add(String.format("%04X", i * 7 + 3));
      }
      java.util.Collections.shuffle(sequencers, new Random(7));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      try {
        for (int t = 0; t < 4; t++) {
          List<String> mine = sequencers.subList(t * 10, t * 10 + 10);
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    EventLedger ledger = new EventLedger(store, "state/events/", Clock.systemUTC(), Duration.ofMinutes(5));
                    for (String s : mine) {
                      ledger.record("doc", s);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      EventLedger ledger = new EventLedger(store, "state/events/", Clock.systemUTC(), Duration.ofMinutes(5));
      assertEquals(Optional.of(String.format("%04X", 39 * 7 + 3)), ledger.lastSequencer("doc"));
    }
  }
}
