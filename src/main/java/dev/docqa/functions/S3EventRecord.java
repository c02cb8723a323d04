package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One record of an S3 event notification, the fields docqa reads: {@code eventName}, {@code s3.bucket.name},
 * {@code s3.object.key/size/eTag/versionId/sequencer}. A plain bean for Funqy; keys arrive URL-encoded.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class S3EventRecord {

  private String eventSource;
  private String eventName;
  private String eventTime;
  private S3Entity s3;

  public String getEventSource() {
    return eventSource;
  }

  public void setEventSource(String eventSource) {
    this.eventSource = eventSource;
  }

  public String getEventName() {
    return eventName;
  }

  public void setEventName(String eventName) {
    this.eventName = eventName;
  }

  public String getEventTime() {
    return eventTime;
  }

  public void setEventTime(String eventTime) {
    this.eventTime = eventTime;
  }

  public S3Entity getS3() {
    return s3;
  }

  public void setS3(S3Entity s3) {
    this.s3 = s3;
  }

  /** {@code s3}: the bucket and the object. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class S3Entity {
    private Bucket bucket;
    private S3Object object;

    public Bucket getBucket() {
      return bucket;
    }

    public void setBucket(Bucket bucket) {
      this.bucket = bucket;
    }

    public S3Object getObject() {
      return object;
    }

    public void setObject(S3Object object) {
      this.object = object;
    }
  }

  /** {@code s3.bucket}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Bucket {
    private String name;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  /** {@code s3.object}; {@code size} and {@code eTag} are absent on removals. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class S3Object {
    private String key;
    private Long size;
    private String eTag;
    private String versionId;
    private String sequencer;

    public String getKey() {
      return key;
    }

    public void setKey(String key) {
      this.key = key;
    }

    public Long getSize() {
      return size;
    }

    public void setSize(Long size) {
      this.size = size;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("eTag")
    public String getETag() {
      return eTag;
    }

    @com.fasterxml.jackson.annotation.JsonProperty("eTag")
    public void setETag(String eTag) {
      this.eTag = eTag;
    }

    public String getVersionId() {
      return versionId;
    }

    public void setVersionId(String versionId) {
      this.versionId = versionId;
    }

    public String getSequencer() {
      return sequencer;
    }

    public void setSequencer(String sequencer) {
      this.sequencer = sequencer;
    }
  }
}
