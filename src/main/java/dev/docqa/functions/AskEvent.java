package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ask} function's input: a direct question ({@link AskQuery} fields) or an API Gateway HTTP API payload
 * v2 event ({@code version}, {@code routeKey}, {@code rawPath}, {@code headers}, {@code queryStringParameters},
 * {@code body}, {@code isBase64Encoded}, {@code requestContext.http.method}). One bean holds both, since a Funqy
 * function has one input type; {@link #isApiGateway()} tells them apart. Fields the bean does not know are collected
 * ({@link #unknownFields()}): an API Gateway event has many that do not matter, a direct question must have none.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class AskEvent extends AskQuery {

  private String version;
  private String routeKey;
  private String rawPath;
  private String rawQueryString;
  private Map<String, String> headers;
  private Map<String, String> queryStringParameters;
  private String body;
  private boolean base64Encoded;
  private RequestContext requestContext;
  private final Set<String> unknownFields = new LinkedHashSet<>();

  /** Whether this is an API Gateway event rather than a direct question. */
  public boolean isApiGateway() {
    return requestContext != null || routeKey != null;
  }

  /** The HTTP method of an API Gateway event, upper case ({@code GET} when absent). */
  public String httpMethod() {
    String method =
        requestContext == null || requestContext.getHttp() == null ? null : requestContext.getHttp().getMethod();
    return method == null ? "GET" : method.toUpperCase(java.util.Locale.ROOT);
  }

  /** Names of the top-level fields the event had that this bean does not map, in order of appearance. */
  public List<String> unknownFields() {
    return List.copyOf(unknownFields);
  }

  @JsonAnySetter
  public void setUnknownField(String name, Object value) {
    unknownFields.add(name);
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getRouteKey() {
    return routeKey;
  }

  public void setRouteKey(String routeKey) {
    this.routeKey = routeKey;
  }

  public String getRawPath() {
    return rawPath;
  }

  public void setRawPath(String rawPath) {
    this.rawPath = rawPath;
  }

  public String getRawQueryString() {
    return rawQueryString;
  }

  public void setRawQueryString(String rawQueryString) {
    this.rawQueryString = rawQueryString;
  }

  public Map<String, String> getHeaders() {
    return headers;
  }

  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  public Map<String, String> getQueryStringParameters() {
    return queryStringParameters;
  }

  public void setQueryStringParameters(Map<String, String> queryStringParameters) {
    this.queryStringParameters = queryStringParameters;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }

  @JsonProperty("isBase64Encoded")
  public boolean isBase64Encoded() {
    return base64Encoded;
  }

  @JsonProperty("isBase64Encoded")
  public void setBase64Encoded(boolean base64Encoded) {
    this.base64Encoded = base64Encoded;
  }

  public RequestContext getRequestContext() {
    return requestContext;
  }

  public void setRequestContext(RequestContext requestContext) {
    this.requestContext = requestContext;
  }

  /** {@code requestContext}: the request id and the HTTP method. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class RequestContext {
    private String requestId;
    private Http http;

    public String getRequestId() {
      return requestId;
    }

    public void setRequestId(String requestId) {
      this.requestId = requestId;
    }

    public Http getHttp() {
      return http;
    }

    public void setHttp(Http http) {
      this.http = http;
    }
  }

  /** {@code requestContext.http}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Http {
    private String method;
    private String path;

    public String getMethod() {
      return method;
    }

    public void setMethod(String method) {
      this.method = method;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }
}
