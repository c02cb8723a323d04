package dev.docqa.opensearch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * A client for the endpoint of some settings and what it owns: Apache HttpClient 5 without signing, the AWS SDK's
 * Apache client under {@link AwsSdk2Transport} with SigV4 ({@code es} or {@code aoss}) and the default AWS credentials
 * chain. Thread-safe; close it once.
 */
final class Connection implements AutoCloseable {

  private final OpenSearchClient client;
  private final OpenSearchTransport transport;
  private final List<AutoCloseable> resources;

  private Connection(OpenSearchTransport transport, List<AutoCloseable> resources) {
    this.transport = transport;
    this.client = new OpenSearchClient(transport);
    this.resources = resources;
  }

  /**
   * Builds the client; nothing is sent yet.
   *
   * @throws IllegalArgumentException when signing needs a region and the environment names none
   */
  static Connection open(OpenSearchSettings settings) {
    List<AutoCloseable> resources = new ArrayList<>();
    boolean success = false;
    try {
      OpenSearchTransport transport = transport(settings, mapper(), resources);
      Connection connection = new Connection(transport, resources);
      success = true;
      return connection;
    } finally {
      if (!success) {
        closeAll(resources);
      }
    }
  }

  OpenSearchClient client() {
    return client;
  }

  /** The transport requests go through (tests check which one signing picked). */
  OpenSearchTransport transport() {
    return transport;
  }

  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>();
    all.add(transport);
    all.addAll(resources);
    closeAll(all);
  }

  private static JsonpMapper mapper() {
    ObjectMapper json = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    return new JacksonJsonpMapper(json);
  }

  private static OpenSearchTransport transport(OpenSearchSettings settings, JsonpMapper mapper,
      List<AutoCloseable> resources) {
    URI endpoint = settings.endpoint();
    long timeoutMillis = settings.requestTimeout().toMillis();
    if (settings.signing() == OpenSearchSettings.Signing.NONE) {
      Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
      return ApacheHttpClient5TransportBuilder
          .builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort()))
          .setMapper(mapper)
          .setRequestConfigCallback(request -> request.setResponseTimeout(timeout).setConnectionRequestTimeout(timeout))
          .setConnectionConfigCallback(connection -> connection.setConnectTimeout(timeout).setSocketTimeout(timeout))
          .build();
    }
    SdkHttpClient http = ApacheHttpClient.builder()
        .connectionTimeout(settings.requestTimeout())
        .socketTimeout(settings.requestTimeout())
        .build();
    resources.add(http);
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    resources.add(credentials);
    String host = endpoint.getPort() == 443 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    return new AwsSdk2Transport(http, host, settings.signing().service(), region(settings),
        AwsSdk2TransportOptions.builder().setMapper(mapper).setCredentials(credentials).build());
  }

  private static Region region(OpenSearchSettings settings) {
    if (settings.region() != null) {
      return Region.of(settings.region());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException("no AWS region to sign OpenSearch requests for: the host of "
          + settings.location() + " names none, and neither does the environment (AWS_REGION)", e);
    }
  }

  private static void closeAll(List<AutoCloseable> resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (IOException e) {
        // Closing a client frees local connections; nothing the caller could act on, and nothing was lost.
        if (failure == null) {
          failure = new java.io.UncheckedIOException("closing the OpenSearch client failed", e);
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the OpenSearch client failed", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
