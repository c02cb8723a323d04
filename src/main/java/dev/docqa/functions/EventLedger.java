package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.DocqaException;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.StorageException;
import dev.docqa.storage.VersionedObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The newest S3 {@code sequencer} applied per document, kept durably in the store as a small JSON object updated by
 * compare-and-swap ({@link VersionedObject}), so duplicate and out-of-order notifications are dropped across
 * containers and restarts.
 *
 * <p>Thread-safe; every call reads the store (one LIST and one GET), so decisions never rest on a stale copy.
 */
public final class EventLedger {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> STATE = new TypeReference<>() {};
  private static final int MAX_ATTEMPTS = 50;

  private final VersionedObject state;
  private final Clock clock;
  private final Duration grace;

  /**
   * @param store where the ledger lives
   * @param prefix its key prefix, ending with {@code /} (e.g. {@code state/events/})
   * @param clock time for pruning old versions
   * @param grace how long superseded versions are kept
   */
  public EventLedger(ObjectStore store, String prefix, Clock clock, Duration grace) {
    this.state = new VersionedObject(store, prefix);
    this.clock = clock;
    this.grace = grace;
  }

  /** The newest sequencer recorded for {@code documentId}, if any. */
  public Optional<String> lastSequencer(String documentId) {
    return read().map(v -> parse(v.content()).get(documentId));
  }

  /** Whether an event with {@code sequencer} is newer than everything applied to {@code documentId} so far. */
  public boolean isNew(String documentId, String sequencer) {
    return sequencer == null || Sequencers.isNewer(sequencer, lastSequencer(documentId).orElse(null));
  }

  /**
   * Records that the event with {@code sequencer} was applied to {@code documentId}, unless a newer one was recorded
   * meanwhile.
   *
   * @return {@code false} when an equal or newer sequencer was already recorded
   */
  public boolean record(String documentId, String sequencer) {
    if (sequencer == null) {
      return true; // nothing to order by
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<VersionedObject.Version> current = read();
      TreeMap<String, String> sequencers = current.map(v -> parse(v.content())).orElseGet(TreeMap::new);
      if (!Sequencers.isNewer(sequencer, sequencers.get(documentId))) {
        return false;
      }
      sequencers.put(documentId, sequencer);
      long next = current.map(VersionedObject.Version::generation).orElse(0L) + 1;
      if (state.tryWrite(next, write(sequencers))) {
        state.prune(clock.instant(), grace);
        return true;
      }
    }
    throw new DocqaException("gave up recording the event ledger after " + MAX_ATTEMPTS + " lost races");
  }

  private Optional<VersionedObject.Version> read() {
    return state.latest();
  }

  private static TreeMap<String, String> parse(String json) {
    try {
      return JSON.readValue(json, STATE);
    } catch (JsonProcessingException e) {
      throw new StorageException("corrupt event ledger", e);
    }
  }

  private static String write(Map<String, String> sequencers) {
    try {
      return JSON.writeValueAsString(sequencers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }
}
