#!/usr/bin/env bash
# Regenerates the generated samples (gazetteer, PDF, DOCX) under samples/documents/ with SampleDocuments (fixed seed).
# SamplesTest fails when the committed files and this generator disagree.
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file=target/test-classpath.txt
src/bin/mvnw-jdk21 -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java=""
for jdk in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [[ -n "$jdk" && -x "$jdk/bin/java" ]] && "$jdk/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    java="$jdk/bin/java"
  fi
done
[[ -n "$java" ]] || { echo "needs a JDK 21 or newer (JAVA_HOME or /usr/lib/jvm)" >&2; exit 1; }
exec "$java" -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.docqa.ingestion.SampleDocuments samples/documents
