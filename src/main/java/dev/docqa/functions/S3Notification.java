package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** An S3 event notification as SQS carries it in a message body ({@code Records[]}; a test event has none). */
@JsonIgnoreProperties(ignoreUnknown = true)
public class S3Notification {

  private List<S3EventRecord> records = new ArrayList<>();
  private boolean hasRecords;
  private String event;

  @JsonProperty("Records")
  public List<S3EventRecord> getRecords() {
    return records;
  }

  @JsonProperty("Records")
  public void setRecords(List<S3EventRecord> records) {
    this.records = records == null ? new ArrayList<>() : records;
    this.hasRecords = records != null;
  }

  /** Whether the JSON had a {@code Records} array (an S3 notification) rather than none (a test event, or not S3). */
  public boolean hasRecords() {
    return hasRecords;
  }

  /** {@code s3:TestEvent} on the message S3 sends when a notification is configured. */
  @JsonProperty("Event")
  public String getEvent() {
    return event;
  }

  @JsonProperty("Event")
  public void setEvent(String event) {
    this.event = event;
  }
}
