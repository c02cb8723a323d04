package dev.docqa.storage;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How to reach S3 or an S3-compatible server, for code that builds its own client (the CLI, tests); Quarkus injects its
 * configured client instead.
 *
 * @param endpoint an endpoint override such as {@code http://127.0.0.1:9000}, or {@code null} for AWS
 * @param region the signing region, e.g. {@code us-east-1}
 * @param accessKeyId static credentials, or {@code null} for the default AWS credential chain
 * @param secretAccessKey static credentials, or {@code null} for the default AWS credential chain
 * @param pathStyle address buckets as {@code endpoint/bucket} (S3-compatible servers) instead of virtual hosts
 * @param retries how the client retries and when it gives up
 */
public record S3Connection(
    URI endpoint, String region, String accessKeyId, String secretAccessKey, boolean pathStyle, Retries retries) {

  public S3Connection {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("S3 region must be set");
    }
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException("set both S3 access key id and secret access key, or neither");
    }
    if (retries == null) {
      throw new IllegalArgumentException("retries must be set; use Retries.DEFAULT");
    }
  }

  /** A connection with the {@linkplain Retries#DEFAULT default} retries and timeouts. */
  public S3Connection(URI endpoint, String region, String accessKeyId, String secretAccessKey, boolean pathStyle) {
    this(endpoint, region, accessKeyId, secretAccessKey, pathStyle, Retries.DEFAULT);
  }

  /** The same connection with other retries and timeouts. */
  public S3Connection withRetries(Retries retries) {
    return new S3Connection(endpoint, region, accessKeyId, secretAccessKey, pathStyle, retries);
  }

  /**
   * The SDK's standard retry mode (exponential backoff with jitter, a longer base for throttling such as 503 SlowDown,
   * and a client-wide retry quota that stops retry storms when S3 is down) with these limits. Every request the stores
   * make is idempotent or, for conditional puts, decided afterwards from the object at the key (see
   * {@link S3ObjectStore#put}), so retrying any of them is safe.
   *
   * @param maxAttempts attempts per request, the first included
   * @param attemptTimeout how long one attempt may take, transfer included (a stalled or trickling answer is abandoned
   *     and retried); also the socket read timeout
   * @param callTimeout how long a request may take with all its attempts and backoff
   */
  public record Retries(int maxAttempts, Duration attemptTimeout, Duration callTimeout) {

    /**
     * Four attempts; two minutes an attempt (an index segment or a model file of a few hundred MB at tens of MB/s);
     * five minutes a call, well inside Lambda's fifteen.
     */
    public static final Retries DEFAULT = new Retries(4, Duration.ofMinutes(2), Duration.ofMinutes(5));

    public Retries {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1; maxAttempts=" + maxAttempts);
      }
      if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
        throw new IllegalArgumentException("attemptTimeout must be positive; attemptTimeout=" + attemptTimeout);
      }
      if (callTimeout == null || callTimeout.compareTo(attemptTimeout) < 0) {
        throw new IllegalArgumentException(
            "callTimeout must be >= attemptTimeout; callTimeout=" + callTimeout + ", attemptTimeout=" + attemptTimeout);
      }
    }
  }

  /** Builds a client with the small, dependency-free URL-connection HTTP client; the caller closes it. */
  public S3Client newClient() {
    AwsCredentialsProvider credentials =
        accessKeyId == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    var builder =
        S3Client.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(retries.attemptTimeout()))
            .overrideConfiguration(o -> o
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(retries.maxAttempts())
                    .build())
                .apiCallAttemptTimeout(retries.attemptTimeout())
                .apiCallTimeout(retries.callTimeout()))
            .forcePathStyle(pathStyle);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "S3Connection[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle + ", retries="
        + retries + "]";
  }
}
