#!/usr/bin/env bash
# PostgreSQL for the hub, from Debian's own `postgresql` package.
#
#   scripts/postgres.sh start    install if missing, start the cluster, create role and database
#   scripts/postgres.sh stop     stop the cluster
#   scripts/postgres.sh status   say whether the cluster runs and the hub database answers (exit 3 if not)
#   scripts/postgres.sh url      print the DATABASE_URL for the hub database
#
# It uses the distribution's cluster (pg_ctlcluster VERSION main) rather than one inside the
# checkout: the `postgres` user cannot always enter a checkout under /root, and Debian already
# keeps that cluster's data, logs and configuration in the usual places.
#
# Settings (environment): HUB_PG_VERSION (default: newest installed), HUB_PG_CLUSTER (main),
# HUB_PG_HOST (127.0.0.1), HUB_PG_USER (hub), HUB_PG_DB (hub), HUB_PG_PASSWORD_FILE
# (~/.config/e-handelshubben/postgres-password; created with a random password, mode 600).
# The password is only ever printed by `url`, for the caller that asked for it.
set -euo pipefail

CLUSTER="${HUB_PG_CLUSTER:-main}"
HOST="${HUB_PG_HOST:-127.0.0.1}"
DB_USER="${HUB_PG_USER:-hub}"
DB_NAME="${HUB_PG_DB:-hub}"
PASSWORD_FILE="${HUB_PG_PASSWORD_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/e-handelshubben/postgres-password}"

say() { echo "postgres.sh: $*" >&2; }
die() {
    say "ERROR: $*"
    exit 1
}

# Names go into SQL unquoted, so keep them to plain identifiers.
[[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]] || die "HUB_PG_USER must be a plain lower-case identifier, not '$DB_USER'"
[[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "HUB_PG_DB must be a plain lower-case identifier, not '$DB_NAME'"

pg_version() {
    if [[ -n "${HUB_PG_VERSION:-}" ]]; then
        echo "$HUB_PG_VERSION"
        return
    fi
    local newest
    newest="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
    [[ -n "$newest" ]] || return 1
    echo "$newest"
}

install_postgres() {
    if pg_version >/dev/null && command -v pg_ctlcluster >/dev/null; then
        return
    fi
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; run as root or: apt-get install postgresql"
    say "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >/dev/null || {
        apt-get update -q >/dev/null || say "apt-get update reported problems; trying the install anyway"
        apt-get install -y -q postgresql >/dev/null
    }
}

# Run a command as the cluster owner.
as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then
        "$@"
    elif [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres -- "$@"
    fi
}

cluster_field() { # $1 = column number of pg_lsclusters (3 port, 4 status)
    pg_lsclusters --no-header 2>/dev/null | awk -v v="$VERSION" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}

ensure_cluster() {
    if [[ -z "$(cluster_field 3)" ]]; then
        say "creating cluster $VERSION/$CLUSTER"
        pg_createcluster "$VERSION" "$CLUSTER" >/dev/null
    fi
}

start_cluster() {
    if [[ "$(cluster_field 4)" == online ]]; then
        return
    fi
    say "starting cluster $VERSION/$CLUSTER"
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        systemctl start "postgresql@$VERSION-$CLUSTER"
    elif [[ "$(id -u)" == 0 || "$(id -un)" == postgres ]]; then
        pg_ctlcluster "$VERSION" "$CLUSTER" start
    else
        sudo -n pg_ctlcluster "$VERSION" "$CLUSTER" start
    fi
}

wait_ready() {
    local port="$1" tries=60
    until as_postgres pg_isready -q -p "$port"; do
        tries=$((tries - 1))
        ((tries > 0)) || die "cluster $VERSION/$CLUSTER did not accept connections on port $port within 30 s; see /var/log/postgresql/"
        sleep 0.5
    done
}

password() {
    if [[ -n "${HUB_PG_PASSWORD:-}" ]]; then
        echo "$HUB_PG_PASSWORD"
        return
    fi
    if [[ ! -s "$PASSWORD_FILE" ]]; then
        mkdir -p "$(dirname "$PASSWORD_FILE")"
        (
            umask 077
            # Hex only, so it needs no quoting in a URL or in SQL.
            od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$PASSWORD_FILE"
        )
    fi
    cat "$PASSWORD_FILE"
}

provision() {
    local port="$1" pw
    pw="$(password)"
    [[ "$pw" =~ ^[A-Za-z0-9._~-]+$ ]] || die "the password must be URL- and SQL-safe ([A-Za-z0-9._~-])"
    # The password travels on stdin, never on a command line that `ps` would show.
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres >/dev/null <<SQL
\\set pw '$pw'
SELECT 'CREATE ROLE $DB_USER LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \\gexec
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD :'pw';
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \\gexec
SQL
    # template1 gets the extensions too, so the test database pytest-django creates has them.
    local db
    for db in "$DB_NAME" template1; do
        as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d "$db" >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
SQL
    done
}

cmd_start() {
    install_postgres
    VERSION="$(pg_version)" || die "no PostgreSQL found in /usr/lib/postgresql"
    ensure_cluster
    start_cluster
    local port
    port="$(cluster_field 3)"
    wait_ready "$port"
    provision "$port"
    say "PostgreSQL $VERSION/$CLUSTER is up on $HOST:$port, database '$DB_NAME' owned by '$DB_USER' (pg_trgm, unaccent)"
}

cmd_stop() {
    VERSION="$(pg_version)" || die "PostgreSQL is not installed"
    if [[ "$(cluster_field 4)" != online ]]; then
        say "cluster $VERSION/$CLUSTER is not running"
        return
    fi
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        systemctl stop "postgresql@$VERSION-$CLUSTER"
    else
        as_postgres pg_ctlcluster "$VERSION" "$CLUSTER" stop -m fast
    fi
    say "cluster $VERSION/$CLUSTER stopped"
}

cmd_status() {
    VERSION="$(pg_version)" || {
        echo "PostgreSQL is not installed"
        exit 3
    }
    local status port
    status="$(cluster_field 4)"
    port="$(cluster_field 3)"
    if [[ "$status" != online ]]; then
        echo "cluster $VERSION/$CLUSTER: ${status:-missing}"
        exit 3
    fi
    if ! as_postgres psql -X -q -p "$port" -d "$DB_NAME" -c 'SELECT 1' >/dev/null 2>&1; then
        echo "cluster $VERSION/$CLUSTER: online on port $port, but database '$DB_NAME' is missing (run: scripts/postgres.sh start)"
        exit 3
    fi
    echo "cluster $VERSION/$CLUSTER: online on $HOST:$port, database '$DB_NAME' ready"
}

cmd_url() {
    VERSION="$(pg_version)" || die "PostgreSQL is not installed (run: scripts/postgres.sh start)"
    local port
    port="$(cluster_field 3)"
    [[ -n "$port" ]] || die "cluster $VERSION/$CLUSTER does not exist (run: scripts/postgres.sh start)"
    [[ -n "${HUB_PG_PASSWORD:-}" || -s "$PASSWORD_FILE" ]] || die "no password yet (run: scripts/postgres.sh start)"
    echo "postgres://$DB_USER:$(password)@$HOST:$port/$DB_NAME"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
url) cmd_url ;;
*)
    echo "usage: $0 start|stop|status|url" >&2
    exit 64
    ;;
esac
