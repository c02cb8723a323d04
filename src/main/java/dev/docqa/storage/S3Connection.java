package dev.docqa.storage;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
 */
public record S3Connection(URI endpoint, String region, String accessKeyId, String secretAccessKey, boolean pathStyle) {

  public S3Connection {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("S3 region must be set");
    }
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException("set both S3 access key id and secret access key, or neither");
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
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .forcePathStyle(pathStyle);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "S3Connection[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle + "]";
  }
}
