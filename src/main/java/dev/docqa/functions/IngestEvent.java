package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ingest} function's input: an S3 event notification ({@code Records[]} of S3 records) or an SQS event
 * ({@code Records[]} of messages whose {@code body} is an S3 event notification). One bean holds both shapes, since
 * a Funqy function has one input type; {@link Record#isSqsMessage()} tells them apart.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class IngestEvent {

  private List<Record> records = new ArrayList<>();

  @JsonProperty("Records")
  public List<Record> getRecords() {
    return records;
  }

  @JsonProperty("Records")
  public void setRecords(List<Record> records) {
    this.records = records == null ? new ArrayList<>() : records;
  }

  /** An S3 notification record, or an SQS message ({@code messageId}, {@code body}) wrapping S3 notifications. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Record extends S3EventRecord {
    private String messageId;
    private String body;

    public String getMessageId() {
      return messageId;
    }

    public void setMessageId(String messageId) {
      this.messageId = messageId;
    }

    public String getBody() {
      return body;
    }

    public void setBody(String body) {
      this.body = body;
    }

    /** Whether this record is an SQS message rather than an S3 notification record. */
    public boolean isSqsMessage() {
      return messageId != null;
    }
  }
}
