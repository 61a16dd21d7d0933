#!/usr/bin/env bash
# Run a single-node OpenSearch for the hub on 127.0.0.1:9200.
#
#   scripts/opensearch.sh start    # fetch (Maven Central, cached in ~/.m2), install, start, wait for health
#   scripts/opensearch.sh stop
#   scripts/opensearch.sh status   # exit 0 only when the cluster is yellow or green
#
# The integ-test-zip distribution has no security plugin and ships only the
# transport-netty4 module, so the analysis-common module (stemmers, decompounders)
# and lang-painless (which analysis-common extends) are added from their Maven jars.
# Environment: OPENSEARCH_VERSION, OPENSEARCH_HOME, OPENSEARCH_PORT, OPENSEARCH_HEAP, OPENSEARCH_JAVA_HOME.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${OPENSEARCH_VERSION:-2.19.6}"
BASE="${OPENSEARCH_HOME:-$REPO_DIR/var/opensearch}"
HOME_DIR="$BASE/opensearch-$VERSION"
DATA_DIR="$BASE/data"
LOG_DIR="$BASE/logs"
PID_FILE="$BASE/opensearch.pid"
PORT="${OPENSEARCH_PORT:-9200}"
HEAP="${OPENSEARCH_HEAP:-1g}"
JAVA17="${OPENSEARCH_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
RUN_USER="opensearch"
URL="http://127.0.0.1:$PORT"
WAIT_SECONDS="${OPENSEARCH_WAIT_SECONDS:-120}"

log() { echo "opensearch.sh: $*" >&2; }

healthy() {
    local body
    body="$(curl -fsS --max-time 3 "$URL/_cluster/health" 2>/dev/null)" || return 1
    [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

mvn_copy() {
    # $1 = groupId:artifactId:version[:type]; copies into $2, using ~/.m2 as the cache.
    mvn -B -q dependency:copy -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.overWriteIfNewer=true >"$BASE/mvn.log" 2>&1 || {
        log "Maven could not fetch $1:"
        tail -20 "$BASE/mvn.log" >&2
        exit 1
    }
}

write_descriptor() {
    # $1 dir, $2 name, $3 classname, $4 description, $5 extended plugins
    cat >"$1/plugin-descriptor.properties" <<EOF
description=$4
version=$VERSION
name=$2
classname=$3
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=$5
has.native.controller=false
EOF
}

install_modules() {
    local mod="$HOME_DIR/modules" dl="$BASE/download"
    mkdir -p "$dl"
    if [[ ! -f "$mod/lang-painless/plugin-descriptor.properties" ]]; then
        log "adding module lang-painless"
        mkdir -p "$mod/lang-painless"
        mvn_copy "org.opensearch.plugin:lang-painless:$VERSION" "$mod/lang-painless"
        mvn_copy "org.opensearch.plugin:opensearch-scripting-painless-spi:$VERSION" "$mod/lang-painless"
        mvn_copy "org.antlr:antlr4-runtime:4.13.1" "$mod/lang-painless"
        for a in asm asm-util asm-tree asm-commons asm-analysis; do
            mvn_copy "org.ow2.asm:$a:9.7" "$mod/lang-painless"
        done
        write_descriptor "$mod/lang-painless" lang-painless org.opensearch.painless.PainlessPlugin \
            "An easy, safe and fast scripting language for OpenSearch" ""
        cat >"$mod/lang-painless/plugin-security.policy" <<'EOF'
grant {
  // Painless generates and loads classes for compiled scripts.
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
    fi
    if [[ ! -f "$mod/analysis-common/plugin-descriptor.properties" ]]; then
        log "adding module analysis-common"
        mkdir -p "$mod/analysis-common"
        mvn_copy "org.opensearch.plugin:analysis-common:$VERSION" "$mod/analysis-common"
        write_descriptor "$mod/analysis-common" analysis-common org.opensearch.analysis.common.CommonAnalysisPlugin \
            "Adds common text analysis capabilities to OpenSearch" "lang-painless"
    fi
}

install_wordlists() {
    # The decompounder reads its word list relative to the config dir; the same list
    # drives the Python splitter (swedish_text), so both backends split alike.
    local dest="$HOME_DIR/config/analysis"
    mkdir -p "$dest"
    local py="$REPO_DIR/.venv/bin/python"
    [[ -x "$py" ]] || py="python3"
    (cd "$REPO_DIR" && "$py" -m swedish_text.wordlist >"$dest/sv_compound_words.txt.new") && \
        mv "$dest/sv_compound_words.txt.new" "$dest/sv_compound_words.txt" || {
        log "could not build the Swedish word list; using the shipped one"
        cp "$REPO_DIR/swedish_text/data/sv_compound_words.txt" "$dest/sv_compound_words.txt"
    }
}

install() {
    mkdir -p "$BASE"
    if [[ ! -x "$HOME_DIR/bin/opensearch" ]]; then
        command -v mvn >/dev/null || { log "Maven (mvn) is needed: apt-get install maven"; exit 1; }
        command -v unzip >/dev/null || { log "unzip is needed: apt-get install unzip"; exit 1; }
        local dl="$BASE/download"
        mkdir -p "$dl"
        log "fetching org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip"
        mvn_copy "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "$dl"
        rm -rf "$HOME_DIR.tmp"
        mkdir -p "$HOME_DIR.tmp"
        unzip -q "$dl/opensearch-$VERSION.zip" -d "$HOME_DIR.tmp"
        mv "$HOME_DIR.tmp/opensearch-$VERSION" "$HOME_DIR"
        rm -rf "$HOME_DIR.tmp"
    fi
    install_modules
    install_wordlists
    cat >"$HOME_DIR/config/opensearch.yml" <<EOF
cluster.name: hub
node.name: hub-node-1
network.host: 127.0.0.1
http.port: $PORT
discovery.type: single-node
path.data: $DATA_DIR
path.logs: $LOG_DIR
action.auto_create_index: true
EOF
    mkdir -p "$HOME_DIR/config/jvm.options.d"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$HOME_DIR/config/jvm.options.d/heap.options"
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    if [[ "$(id -u)" == "0" ]]; then
        # OpenSearch refuses to run as root.
        id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
        chown -R "$RUN_USER:" "$BASE"
        # The node must be able to walk down to its directory.
        local d="$BASE"
        while [[ "$d" != "/" ]]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
    fi
}

start() {
    if healthy; then
        log "already running and healthy at $URL"
        return 0
    fi
    if ! running_pid >/dev/null; then
        install
        [[ -x "$JAVA17/bin/java" ]] || { log "Java 17 not found at $JAVA17 (apt-get install openjdk-17-jre-headless)"; exit 1; }
        log "starting OpenSearch $VERSION on $URL (heap $HEAP)"
        local cmd=(env OPENSEARCH_JAVA_HOME="$JAVA17" JAVA_HOME="$JAVA17" OPENSEARCH_PATH_CONF="$HOME_DIR/config"
            "$HOME_DIR/bin/opensearch" -d -p "$PID_FILE")
        rm -f "$PID_FILE"
        if [[ "$(id -u)" == "0" ]]; then
            su -s /bin/bash "$RUN_USER" -c "$(printf '%q ' "${cmd[@]}")" >"$BASE/start.log" 2>&1 || true
        else
            "${cmd[@]}" >"$BASE/start.log" 2>&1 || true
        fi
    fi
    local waited=0
    until healthy; do
        if ((waited >= WAIT_SECONDS)); then
            log "OpenSearch did not become healthy within ${WAIT_SECONDS}s. Last log lines:"
            tail -40 "$BASE/start.log" >&2 2>/dev/null || true
            tail -40 "$LOG_DIR/hub.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 2
        waited=$((waited + 2))
    done
    log "healthy at $URL after ${waited}s"
}

stop() {
    local pid
    if pid="$(running_pid)"; then
        log "stopping pid $pid"
        kill "$pid"
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        rm -f "$PID_FILE"
    else
        log "not running"
    fi
}

status() {
    if healthy; then
        curl -fsS --max-time 3 "$URL/_cluster/health?pretty"
        exit 0
    fi
    log "not healthy at $URL"
    exit 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
