#!/usr/bin/env bash
# Starts a local single-node OpenSearch with the k-NN plugin for docqa: the distribution the build unpacks under
# target/test-servers/opensearch (the one the tests use), on 127.0.0.1, with its data in a folder of its own. Waits
# until the cluster is healthy and prints the docqa index location to use (the only line on stdout), e.g.
#   docqa ingest --index "$(src/tools/opensearch-local.sh --background)" ...
#   docqa bench --opensearch "$(src/tools/opensearch-local.sh --background)"
# OpenSearch refuses to run as root: as root it runs as nobody (setpriv), its data and home folders handed to nobody.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: src/tools/opensearch-local.sh [--port PORT] [--heap SIZE] [--data DIR] [--index NAME] [--background]
       src/tools/opensearch-local.sh --stop [--data DIR]
  starts the OpenSearch unpacked in target/test-servers/opensearch (run `src/bin/mvnw-jdk21 -q
  process-test-resources` once to unpack it) on 127.0.0.1, waits until it is healthy and prints
  opensearch+http://127.0.0.1:PORT/INDEX on stdout
  --port        HTTP port (default 9200)
  --heap        JVM heap, -Xms and -Xmx (default 2g; the tests use 256m)
  --data        data folder: index data, logs, opensearch.log (console) and opensearch.pid
                (default docqa-data/opensearch, below the current folder)
  --index       index name in the printed location (default docqa)
  --background  start it, print the location and return; stop it with --stop (same --data)
                (default: stay in the foreground; Ctrl-C stops it)
  --timeout     seconds to wait until it is healthy (default 180)
  --stop        stop the server started with --background from this data folder
EOF
}

say() { echo "opensearch-local: $*" >&2; }
fail() { say "$*"; exit 1; }
usage_error() { say "$*"; exit 2; }

port=9200
heap=2g
data=docqa-data/opensearch
index=docqa
background=false
stop=false
timeout=180
while (( $# > 0 )); do
  case "$1" in
    --port|--heap|--data|--index|--timeout)
      if (( $# < 2 )) || [[ "$2" == --* ]]; then usage_error "$1 needs a value"; fi
      case "$1" in
        --port) port=$2 ;;
        --heap) heap=$2 ;;
        --data) data=$2 ;;
        --index) index=$2 ;;
        --timeout) timeout=$2 ;;
      esac
      shift 2 ;;
    --background) background=true; shift ;;
    --stop) stop=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) say "unknown argument: $1"; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then usage_error "--port must be 1 to 65535; port=$port"; fi
[[ "$heap" =~ ^[0-9]+[kKmMgG]$ ]] || usage_error "--heap must be a number with k, m or g (e.g. 2g); heap=$heap"
[[ "$timeout" =~ ^[0-9]+$ ]] || usage_error "--timeout must be whole seconds; timeout=$timeout"
[[ "$index" =~ ^[a-z0-9][a-z0-9._-]*$ ]] || usage_error "--index must be lower case letters, digits, . _ -; index=$index"

mkdir -p "$data"
data=$(cd "$data" && pwd)
pid_file=$data/opensearch.pid
log_file=$data/opensearch.log
location="opensearch+http://127.0.0.1:$port/$index"
health="http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s"

# The pid in the pid file when it is a running OpenSearch (not a pid reused by another process), else nothing.
running_pid() {
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid=$(<"$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org.opensearch.bootstrap.OpenSearch'
  then
    echo "$pid"
  fi
}

if [[ "$stop" == true ]]; then
  pid=$(running_pid)
  if [[ -z "$pid" ]]; then
    rm -f "$pid_file"
    say "no OpenSearch running from $data"
    exit 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; say "stopped (pid $pid)"; exit 0; }
    sleep 0.5
  done
  fail "pid $pid did not stop within 30 s (kill -KILL $pid if it must go)"
fi

pid=$(running_pid)
if [[ -n "$pid" ]]; then
  curl -fsS -o /dev/null "$health" 2>/dev/null || fail "pid $pid from $pid_file runs, but not on port $port"
  say "already running (pid $pid, data $data)"
  echo "$location"
  exit 0
fi
if curl -sS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
  fail "something already answers on 127.0.0.1:$port: stop it, or use --port"
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
home=""
for candidate in "$repo"/target/test-servers/opensearch/opensearch-*/; do
  if [[ -d "${candidate}plugins/opensearch-knn" ]]; then home=${candidate%/}; break; fi
done
[[ -n "$home" ]] || fail "no OpenSearch with k-NN under $repo/target/test-servers/opensearch: run
  src/bin/mvnw-jdk21 -q process-test-resources
once (it unpacks the distribution the tests use), then this again"

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

# OpenSearch 3 needs Java 21+: JAVA_HOME when it is one, else the newest under /usr/lib/jvm, else java on the PATH.
pick_java() {
  local candidates=() dir java best="" best_major=0 major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for dir in /usr/lib/jvm/*/; do candidates+=("${dir%/}/bin/java"); done
  command -v java >/dev/null && candidates+=("$(command -v java)")
  for java in "${candidates[@]}"; do
    [[ -x "$java" ]] || continue
    major=$(java_major "$java") || continue
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [[ -n "${JAVA_HOME:-}" && "$java" == "$JAVA_HOME/bin/java" ]] && (( major >= 21 )); then echo "$java"; return; fi
    if (( major >= 21 && major > best_major )); then best=$java; best_major=$major; fi
  done
  [[ -n "$best" ]] || fail "OpenSearch needs Java 21 or newer: set JAVA_HOME or install one under /usr/lib/jvm"
  echo "$best"
}
java=$(pick_java)

mkdir -p "$data/data" "$data/logs" "$data/tmp"
command=()
if (( EUID == 0 )); then
  as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  # The distribution unpacks with owner-only files: hand them to nobody (as the tests do).
  chown -R nobody:nogroup "$home"
  if ! "${as_nobody[@]}" test -r "$home/config/jvm.options"; then
    # A checkout nobody cannot reach (e.g. under /root): run a copy from the data folder.
    say "user nobody cannot reach $home: copying it to $data/home"
    rm -rf "${data:?}/home"
    cp -a "$home" "$data/home"
    home=$data/home
  fi
  chown -R nobody:nogroup "$data"
  "${as_nobody[@]}" test -w "$data/data" \
    || fail "user nobody cannot write $data (a parent folder is private): pass --data in a folder it can reach"
  command+=("${as_nobody[@]}")
fi
command+=("$java" "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -XX:-HeapDumpOnOutOfMemoryError
  "-XX:ErrorFile=$data/logs/hs_err_pid%p.log"
  "-Djava.io.tmpdir=$data/tmp"
  "-Dopensearch.path.home=$home"
  "-Dopensearch.path.conf=$home/config"
  -Dopensearch.distribution.type=zip
  -Dopensearch.bundled_jdk=false
  "-javaagent:$home/agent/opensearch-agent.jar"
  --add-modules=jdk.incubator.vector
  -cp "$home/lib/*"
  org.opensearch.bootstrap.OpenSearch
  -E discovery.type=single-node
  -E network.host=127.0.0.1
  -E "http.port=$port"
  -E "path.data=$data/data"
  -E "path.logs=$data/logs"
  -E cluster.routing.allocation.disk.threshold_enabled=false)

say "starting OpenSearch ($home, heap $heap, data $data, console log $log_file)"
if [[ "$background" == true ]]; then
  (cd "$home" && exec setsid "${command[@]}" </dev/null >>"$log_file" 2>&1) &
else
  (cd "$home" && exec "${command[@]}" </dev/null >>"$log_file" 2>&1) &
fi
pid=$!
echo "$pid" >"$pid_file"

stop_child() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  rm -f "$pid_file"
}
if [[ "$background" == false ]]; then
  trap 'stop_child; exit 130' INT TERM
fi

began=$SECONDS
until curl -fsS "$health" 2>/dev/null | grep -Eq '"status":"(yellow|green)"'; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    tail -n 40 "$log_file" >&2 || true
    fail "OpenSearch exited before it was healthy (log above, $log_file)"
  fi
  if (( SECONDS - began > timeout )); then
    tail -n 40 "$log_file" >&2 || true
    stop_child
    fail "OpenSearch was not healthy within $timeout s (log above, $log_file)"
  fi
  sleep 1
done
say "healthy after $((SECONDS - began)) s (pid $pid)"
echo "$location"
if [[ "$background" == true ]]; then
  say "stop it with: $0 --stop --data $data"
  exit 0
fi
say "Ctrl-C stops it"
set +e
wait "$pid"
status=$?
rm -f "$pid_file"
exit "$status"
