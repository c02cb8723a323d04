package dev.docqa.replication;

import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;

class LocalIndexReplicationTest extends IndexReplicationContractTest {

  @Override
  protected ObjectStore newStore() {
    return new LocalObjectStore(tmp.resolve("store"));
  }
}
