package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQS partial batch response ({@code ReportBatchItemFailures}): the messages to retry, by {@code messageId}. An
 * empty list acknowledges the whole batch. For direct S3 invocations the list is always empty.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class SqsBatchResponse {

  private List<BatchItemFailure> batchItemFailures = new ArrayList<>();

  public SqsBatchResponse() {}

  public SqsBatchResponse(List<String> failedMessageIds) {
    failedMessageIds.forEach(id -> batchItemFailures.add(new BatchItemFailure(id)));
  }

  public List<BatchItemFailure> getBatchItemFailures() {
    return batchItemFailures;
  }

  public void setBatchItemFailures(List<BatchItemFailure> batchItemFailures) {
    this.batchItemFailures = batchItemFailures;
  }

  /** One message to retry. */
  public static class BatchItemFailure {
    private String itemIdentifier;

    public BatchItemFailure() {}

    public BatchItemFailure(String itemIdentifier) {
      this.itemIdentifier = itemIdentifier;
    }

    public String getItemIdentifier() {
      return itemIdentifier;
    }

    public void setItemIdentifier(String itemIdentifier) {
      this.itemIdentifier = itemIdentifier;
    }
  }
}
