package dev.docqa.opensearch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an {@link OpenSearchIndex} lives and how to reach it. Immutable.
 *
 * <p>A location string names one index: {@code opensearch+http://HOST:PORT/INDEX} (port 9200 when omitted) or {@code
 * opensearch+https://HOST/INDEX} (port 443). An https host of Amazon OpenSearch Service ({@code *.es.amazonaws.com})
 * implies SigV4 signing for {@code es}; one of Amazon OpenSearch Serverless ({@code *.aoss.amazonaws.com}) signing for
 * {@code aoss} and the {@code faiss} k-NN engine its vector collections use. The region is read from such a host; when
 * it has none, the AWS SDK's default region chain decides at {@link OpenSearchIndex#open}.
 *
 * @param endpoint {@code http://} or {@code https://} host and port, nothing else
 * @param index the index name (OpenSearch's rules: lower case, no {@code \/*?"<>|,#:} or spaces, ...)
 * @param knnEngine the k-NN engine of a new index's vector field
 * @param signing how requests are signed
 * @param region the AWS region requests are signed for; {@code null}: from the environment (unused without signing)
 * @param requestTimeout how long one request may take, connecting included
 */
public record OpenSearchSettings(URI endpoint, String index, KnnEngine knnEngine, Signing signing, String region,
    Duration requestTimeout) {

  /** The prefix of a location string that names an OpenSearch index. */
  public static final String SCHEME_PREFIX = "opensearch+";

  /** How long a request may take unless told otherwise. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_INDEX_NAME_BYTES = 255;
  private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  /** The k-NN engine of the index's {@code knn_vector} field. */
  public enum KnnEngine {
    /** Lucene's HNSW, pure Java: self-managed clusters and Amazon OpenSearch Service domains. */
    LUCENE,
    /** FAISS (native): Amazon OpenSearch Serverless vector collections. */
    FAISS;

    /** The engine's name in a mapping. */
    public String mappingName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How requests are signed. */
  public enum Signing {
    /** Not signed (a self-managed cluster, or one behind a proxy that authenticates). */
    NONE(null),
    /** AWS SigV4 for Amazon OpenSearch Service domains. */
    ES("es"),
    /** AWS SigV4 for Amazon OpenSearch Serverless collections. */
    AOSS("aoss");

    private final String service;

    Signing(String service) {
      this.service = service;
    }

    /** The SigV4 service name; {@code null} for {@link #NONE}. */
    public String service() {
      return service;
    }
  }

  public OpenSearchSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(knnEngine, "knnEngine");
    Objects.requireNonNull(signing, "signing");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    String scheme = endpoint.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("OpenSearch endpoint must be http:// or https://; endpoint=" + endpoint);
    }
    if (endpoint.getHost() == null || endpoint.getPort() < 0 || endpoint.getRawUserInfo() != null
        || !(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()) || endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "OpenSearch endpoint must be a scheme, host and port only; endpoint=" + endpoint);
    }
    requireIndexName(index);
    if (signing != Signing.NONE && !"https".equals(scheme)) {
      throw new IllegalArgumentException("signed OpenSearch requests need https; endpoint=" + endpoint);
    }
    if (region != null && !AWS_REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("not an AWS region name; region=" + region);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive; requestTimeout=" + requestTimeout);
    }
  }

  /** An unsigned index at {@code endpoint} with the default engine and timeout. */
  public static OpenSearchSettings of(URI endpoint, String index) {
    return new OpenSearchSettings(endpoint, index, KnnEngine.LUCENE, Signing.NONE, null, DEFAULT_REQUEST_TIMEOUT);
  }

  /** Whether {@code location} names an OpenSearch index (its scheme starts with {@value #SCHEME_PREFIX}). */
  public static boolean isLocation(String location) {
    return location != null && location.regionMatches(true, 0, SCHEME_PREFIX, 0, SCHEME_PREFIX.length());
  }

  /**
   * Reads a location string (see the class comment).
   *
   * @throws IllegalArgumentException naming the problem in one line when {@code location} is not one
   */
  public static OpenSearchSettings parse(String location) {
    if (!isLocation(location)) {
      throw new IllegalArgumentException("an OpenSearch location starts with opensearch+http:// or "
          + "opensearch+https://; location=" + location);
    }
    URI uri;
    try {
      uri = new URI(location.substring(SCHEME_PREFIX.length()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid OpenSearch location (" + e.getReason() + "); location="
          + location, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("an OpenSearch location starts with opensearch+http:// or "
          + "opensearch+https://; location=" + location);
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("an OpenSearch location takes no user or password (credentials come from "
          + "the environment); location=" + redactUserInfo(location));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("an OpenSearch location needs a host; location=" + location);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("an OpenSearch location takes no ?query or #fragment; location=" + location);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String index = path.startsWith("/") ? path.substring(1) : path;
    if (index.endsWith("/")) {
      index = index.substring(0, index.length() - 1);
    }
    if (index.isEmpty()) {
      throw new IllegalArgumentException("an OpenSearch location ends with /INDEX, the index name; location="
          + location);
    }
    if (index.contains("/")) {
      throw new IllegalArgumentException("an OpenSearch location names one index, after the host; location="
          + location);
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 9200;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("an OpenSearch location's port must be 1 to 65535; location=" + location);
    }
    Signing signing = Signing.NONE;
    if (host.endsWith(".aoss.amazonaws.com")) {
      signing = Signing.AOSS;
    } else if (host.endsWith(".es.amazonaws.com")) {
      signing = Signing.ES;
    }
    if (signing != Signing.NONE && !scheme.equals("https")) {
      throw new IllegalArgumentException("Amazon OpenSearch endpoints take opensearch+https://; location=" + location);
    }
    KnnEngine engine = signing == Signing.AOSS ? KnnEngine.FAISS : KnnEngine.LUCENE;
    String region = signing == Signing.NONE ? null : regionOf(host, signing.service());
    URI endpoint = URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    try {
      return new OpenSearchSettings(endpoint, index, engine, signing, region, DEFAULT_REQUEST_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; location=" + location, e);
    }
  }

  /** These settings with another k-NN engine for new indexes. */
  public OpenSearchSettings withKnnEngine(KnnEngine engine) {
    return new OpenSearchSettings(endpoint, index, engine, signing, region, requestTimeout);
  }

  /** These settings signed for {@code signing} in {@code region} ({@code null}: from the environment). */
  public OpenSearchSettings withSigning(Signing signing, String region) {
    return new OpenSearchSettings(endpoint, index, knnEngine, signing, region, requestTimeout);
  }

  /** These settings with another request timeout. */
  public OpenSearchSettings withRequestTimeout(Duration timeout) {
    return new OpenSearchSettings(endpoint, index, knnEngine, signing, region, timeout);
  }

  /** The location string of these settings ({@link #parse} reads it back, up to the engine, signing and timeout). */
  public String location() {
    return SCHEME_PREFIX + endpoint + "/" + index;
  }

  @Override
  public String toString() {
    return location() + " (engine " + knnEngine.mappingName() + ", signing " + signing.name().toLowerCase(Locale.ROOT)
        + (region == null ? "" : " " + region) + ", timeout " + requestTimeout + ")";
  }

  /** The region label before the service label of an AWS host ({@code NAME.REGION.SERVICE.amazonaws.com}), if any. */
  private static String regionOf(String host, String service) {
    String[] labels = host.split("\\.");
    // ..., region, service, "amazonaws", "com"
    if (labels.length >= 5 && labels[labels.length - 3].equals(service)) {
      String candidate = labels[labels.length - 4];
      if (AWS_REGION.matcher(candidate).matches()) {
        return candidate;
      }
    }
    return null;
  }

  private static void requireIndexName(String index) {
    if (index == null || index.isEmpty()) {
      throw new IllegalArgumentException("OpenSearch index name must be non-empty; index=" + index);
    }
    if (!index.equals(index.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("OpenSearch index name must be lower case; index=" + index);
    }
    if (index.equals(".") || index.equals("..") || index.startsWith("_") || index.startsWith("-")
        || index.startsWith("+")) {
      throw new IllegalArgumentException(
          "OpenSearch index name must not be . or .. nor start with _, - or +; index=" + index);
    }
    for (char c : index.toCharArray()) {
      if ("\\/*?\"<>|,#: ".indexOf(c) >= 0 || Character.isISOControl(c)) {
        throw new IllegalArgumentException("OpenSearch index name must not contain '" + c + "'; index=" + index);
      }
    }
    if (index.getBytes(StandardCharsets.UTF_8).length > MAX_INDEX_NAME_BYTES) {
      throw new IllegalArgumentException("OpenSearch index name must be at most " + MAX_INDEX_NAME_BYTES
          + " bytes; index=" + index.substring(0, 40) + "...");
    }
  }

  private static String redactUserInfo(String location) {
    return location.replaceFirst("//[^/@]*@", "//***@");
  }
}
