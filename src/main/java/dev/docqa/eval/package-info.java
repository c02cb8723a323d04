/**
 * SQuAD evaluation: the v1.1/v2.0 loader, EM and F1 exactly as the official scripts compute them, retrieval recall@k
 * and latency percentiles, run against the core through {@link dev.docqa.service.DocQa}.
 */
package dev.docqa.eval;
