#!/usr/bin/env bash
# A two-node OpenSearch cluster on loopback, to show that the hub needs nothing from a single node.
#
#   scripts/opensearch-cluster.sh start   # two processes (small heaps) on 127.0.0.1:9210 and :9211
#   scripts/opensearch-cluster.sh test    # start, run the search tests against it (2 shards, 1 replica), stop
#   scripts/opensearch-cluster.sh test search/tests/test_exact_counts.py   # ... only these tests
#   scripts/opensearch-cluster.sh stop
#   scripts/opensearch-cluster.sh status
#
# It uses the distribution scripts/opensearch.sh installs (with the hub's analysis modules and Swedish
# word list; run `scripts/opensearch.sh start` once first) and leaves that single node on 9200 alone:
# each node here has its own config copy, data and logs under $CLUSTER_HOME, transport ports 9310/9311.
# Environment: OPENSEARCH_VERSION, OPENSEARCH_HOME (where opensearch.sh installed), CLUSTER_HOME,
# CLUSTER_HEAP (per node, default 384m), CLUSTER_HTTP_PORT (first node's, default 9210), OPENSEARCH_JAVA_HOME.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${OPENSEARCH_VERSION:-2.19.6}"
INSTALL_BASE="${OPENSEARCH_HOME:-$REPO_DIR/var/opensearch}"
DIST="$INSTALL_BASE/opensearch-$VERSION"
BASE="${CLUSTER_HOME:-$REPO_DIR/var/opensearch-cluster}"
HEAP="${CLUSTER_HEAP:-384m}"
HTTP_PORT="${CLUSTER_HTTP_PORT:-9210}"
TRANSPORT_PORT=$((HTTP_PORT + 100))
JAVA17="${OPENSEARCH_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
RUN_USER="opensearch"
NODES=(1 2)
URL="http://127.0.0.1:$HTTP_PORT"
WAIT_SECONDS="${OPENSEARCH_WAIT_SECONDS:-180}"

log() { echo "opensearch-cluster.sh: $*" >&2; }

http_port() { echo $((HTTP_PORT + $1 - 1)); }
transport_port() { echo $((TRANSPORT_PORT + $1 - 1)); }
pid_file() { echo "$BASE/node-$1.pid"; }

running_pid() {
    local file
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 1
    local pid
    pid="$(cat "$file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

two_nodes_green() {
    local body
    body="$(curl -fsS --max-time 3 "$URL/_cluster/health" 2>/dev/null)" || return 1
    [[ "$body" == *'"number_of_nodes":2'* && ( "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ) ]]
}

configure_node() {
    local n="$1" conf="$BASE/node-$1/config"
    mkdir -p "$BASE/node-$n/data" "$BASE/node-$n/logs"
    rm -rf "$conf"
    # The distribution's config: jvm.options, log4j2, and the Swedish word list in config/analysis.
    cp -r "$DIST/config" "$conf"
    cat >"$conf/opensearch.yml" <<EOF
cluster.name: hub-pair
node.name: hub-pair-$n
network.host: 127.0.0.1
http.port: $(http_port "$n")
transport.port: $(transport_port "$n")
discovery.seed_hosts: ["127.0.0.1:$(transport_port 1)", "127.0.0.1:$(transport_port 2)"]
cluster.initial_cluster_manager_nodes: ["hub-pair-1", "hub-pair-2"]
path.data: $BASE/node-$n/data
path.logs: $BASE/node-$n/logs
action.auto_create_index: true
EOF
    mkdir -p "$conf/jvm.options.d"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$conf/jvm.options.d/heap.options"
}

start() {
    [[ -x "$DIST/bin/opensearch" ]] || { log "no OpenSearch at $DIST: run scripts/opensearch.sh start once"; exit 1; }
    [[ -x "$JAVA17/bin/java" ]] || { log "Java 17 not found at $JAVA17"; exit 1; }
    mkdir -p "$BASE"
    for n in "${NODES[@]}"; do
        if running_pid "$n" >/dev/null; then
            log "node $n already running"
            continue
        fi
        configure_node "$n"
        if [[ "$(id -u)" == "0" ]]; then
            chown -R "$RUN_USER:" "$BASE"
            local d="$BASE"
            while [[ "$d" != "/" ]]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
        fi
        log "starting node $n on http://127.0.0.1:$(http_port "$n") (heap $HEAP)"
        local cmd=(env OPENSEARCH_HOME="$DIST" OPENSEARCH_JAVA_HOME="$JAVA17" JAVA_HOME="$JAVA17"
            OPENSEARCH_PATH_CONF="$BASE/node-$n/config"
            "$DIST/bin/opensearch" -d -p "$(pid_file "$n")")
        if [[ "$(id -u)" == "0" ]]; then
            su -s /bin/bash "$RUN_USER" -c "$(printf '%q ' "${cmd[@]}")" >"$BASE/node-$n.start.log" 2>&1 || true
        else
            "${cmd[@]}" >"$BASE/node-$n.start.log" 2>&1 || true
        fi
    done
    local waited=0
    until two_nodes_green; do
        if ((waited >= WAIT_SECONDS)); then
            log "the two nodes did not form a cluster within ${WAIT_SECONDS}s. Last log lines:"
            for n in "${NODES[@]}"; do tail -20 "$BASE/node-$n/logs/hub-pair.log" >&2 2>/dev/null || true; done
            exit 1
        fi
        sleep 2
        waited=$((waited + 2))
    done
    log "two nodes in cluster hub-pair at $URL after ${waited}s"
}

stop() {
    for n in "${NODES[@]}"; do
        local pid
        if pid="$(running_pid "$n")"; then
            log "stopping node $n (pid $pid)"
            kill "$pid"
            for _ in $(seq 1 60); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 1
            done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        fi
        rm -f "$(pid_file "$n")"
    done
}

status() {
    curl -fsS --max-time 3 "$URL/_cat/nodes?v" && curl -fsS --max-time 3 "$URL/_cluster/health?pretty"
}

run_tests() {
    # Every index the tests create gets 2 primary shards and 1 replica: each node holds a copy of each
    # shard, and the primaries are spread over both nodes. The tests talk to the first node only.
    log "search tests against $URL with OPENSEARCH_SHARDS=2 OPENSEARCH_REPLICAS=1"
    local targets=("$@")
    ((${#targets[@]})) || targets=(search --ignore=search/tests/test_browser.py)
    (cd "$REPO_DIR" && OPENSEARCH_URL="$URL" OPENSEARCH_SHARDS=2 OPENSEARCH_REPLICAS=1 \
        .venv/bin/python -m pytest -q -p no:cacheprovider "${targets[@]}")
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
test)
    shift
    start
    trap stop EXIT
    status
    run_tests "$@"
    ;;
*)
    echo "usage: $0 start|stop|status|test [pytest args]" >&2
    exit 2
    ;;
esac
