package dev.docqa.opensearch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.docqa.document.Passage;

/**
 * The {@code _source} of a passage, tagged with the write token of the version it belongs to and when it was written
 * (epoch milliseconds). Searches leave the vector out ({@code null}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record PassageSource(
    @JsonProperty(IndexLayout.KIND) String kind,
    @JsonProperty(IndexLayout.DOC_ID) String documentId,
    @JsonProperty(IndexLayout.ORDINAL) int ordinal,
    @JsonProperty(IndexLayout.TEXT) String text,
    @JsonProperty(IndexLayout.START) int start,
    @JsonProperty(IndexLayout.END) int end,
    @JsonProperty(IndexLayout.PAGE) Integer page,
    @JsonProperty(IndexLayout.TOKEN) String token,
    @JsonProperty(IndexLayout.RECORDED_AT) long recordedAt,
    @JsonProperty(IndexLayout.VECTOR) float[] vector) {

  static PassageSource of(Passage passage, float[] vector, String token, long recordedAt) {
    return new PassageSource(IndexLayout.KIND_PASSAGE, passage.documentId(), passage.ordinal(), passage.text(),
        passage.start(), passage.end(), passage.page(), token, recordedAt, vector);
  }

  Passage passage() {
    return new Passage(documentId, ordinal, text, start, end, page);
  }
}
