#!/usr/bin/env bash
# Runs a main class from the test sources (generators, benchmarks) on a JDK 21+: run-test-main.sh <class> [args...]
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 <main class> [args...]" >&2; exit 2; }
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
exec "$java" -Xmx2g -Dai.djl.offline=true --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" "$@"
