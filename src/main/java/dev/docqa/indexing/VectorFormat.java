package dev.docqa.indexing;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * How passage vectors are stored in the HNSW graph. Only the writer chooses: readers find the format by name in the
 * segment, so an index written either way opens with the default codec.
 */
public enum VectorFormat {
  /** Raw 32-bit floats (Lucene99HnswVectorsFormat): exact scores, 4 bytes per dimension in memory. */
  FLOAT32,
  /** 8-bit scalar quantisation (Lucene104HnswScalarQuantizedVectorsFormat): about 4x less memory to search. */
  INT8;

  KnnVectorsFormat luceneFormat() {
    return switch (this) {
      case FLOAT32 -> new Lucene99HnswVectorsFormat();
      case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat();
    };
  }
}
