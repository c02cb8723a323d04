package dev.docqa.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A store that steps in before chosen writes or downloads: it fails them, as a crash or an outage at that point would
 * (the failing call has no effect on the store beneath), or runs an action once first, to force an interleaving with
 * another writer, or after each download, to change the store right after it was read. The seam for the "killed
 * between upload and manifest" and race tests. Thread-safe.
 */
public final class FaultyObjectStore implements ObjectStore {

  private final ObjectStore delegate;
  private volatile Predicate<String> failWrite = key -> false;
  private volatile Predicate<String> failDownload = key -> false;
  private volatile Consumer<String> afterDownload = key -> {};
  private final AtomicReference<Interception> once = new AtomicReference<>();

  private record Interception(Predicate<String> keys, Runnable action) {}

  public FaultyObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Makes every later put or upload of a matching key fail, until {@link #heal()}. */
  public void failPutsOf(Predicate<String> keys) {
    failWrite = keys;
  }

  /** Makes every later download of a matching key fail, until {@link #heal()}. */
  public void failDownloadsOf(Predicate<String> keys) {
    failDownload = keys;
  }

  /** Runs {@code action} on the writing thread before the next put or upload of a matching key, once. */
  public void onceBeforePutting(Predicate<String> keys, Runnable action) {
    once.set(new Interception(keys, action));
  }

  /**
   * Runs {@code action} with the key on the downloading thread after every later download, until {@link #heal()}: the
   * store can change right after a reader read it.
   */
  public void afterEachDownload(Consumer<String> action) {
    afterDownload = action;
  }

  /** Lets every call through again. */
  public void heal() {
    failWrite = key -> false;
    failDownload = key -> false;
    afterDownload = key -> {};
    once.set(null);
  }

  private void beforeWriting(String key) {
    if (failWrite.test(key)) {
      throw new StorageException("injected crash before writing " + key, null);
    }
    Interception interception = once.get();
    if (interception != null && interception.keys().test(key) && once.compareAndSet(interception, null)) {
      interception.action().run();
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return delegate.head(key);
  }

  @Override
  public InputStream open(String key) {
    return delegate.open(key);
  }

  @Override
  public void download(String key, Path target) {
    if (failDownload.test(key)) {
      throw new StorageException("injected download failure of " + key, null);
    }
    delegate.download(key, target);
    afterDownload.accept(key);
  }

  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    beforeWriting(key);
    return delegate.put(key, content, condition);
  }

  @Override
  public String upload(Path source, String key) {
    beforeWriting(key);
    return delegate.upload(source, key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public void delete(String key) {
    delegate.delete(key);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
