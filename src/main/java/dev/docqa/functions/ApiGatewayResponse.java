package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** An API Gateway HTTP API (payload v2) response: status, headers and a JSON body as a string. */
public class ApiGatewayResponse {

  private int statusCode;
  private Map<String, String> headers;
  private String body;

  public ApiGatewayResponse() {}

  public ApiGatewayResponse(int statusCode, Map<String, String> headers, String body) {
    this.statusCode = statusCode;
    this.headers = headers;
    this.body = body;
  }

  public int getStatusCode() {
    return statusCode;
  }

  public void setStatusCode(int statusCode) {
    this.statusCode = statusCode;
  }

  public Map<String, String> getHeaders() {
    return headers;
  }

  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }

  @JsonProperty("isBase64Encoded")
  public boolean isBase64Encoded() {
    return false;
  }
}
