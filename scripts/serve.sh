#!/usr/bin/env bash
# `make run`'s server: gunicorn serving the hub, with the background task worker (large catalogue
# uploads, search index updates, image fetching) and the periodic jobs (scheduled pages and catalogue
# versions, interrupted tasks) beside it as their own processes.
#
# The worker and the periodic jobs are supervised: when one exits, for whatever reason, this script
# logs how (exit status or signal) and when, and starts it again after a short back-off (1 s, doubling
# to 30 s; back to 1 s after a minute of running). When the web server exits, everything stops.
# Ctrl-C or SIGTERM stops all three.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-hub.settings.local}"
ADDRESS="${HOST:-127.0.0.1}:${PORT:-8000}"
WEB_WORKERS="${WEB_WORKERS:-2}"
WEB_THREADS="${WEB_THREADS:-4}"
pids=()

log() {
    printf '%s serve.sh: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

how_it_ended() {
    local code=$1
    if ((code > 128)); then
        echo "killed by signal $(kill -l $((code - 128)) 2>/dev/null || echo $((code - 128))) (exit status $code)"
    else
        echo "exit status $code"
    fi
}

# supervise NAME COMMAND...: run COMMAND; whenever it exits, log why and start it again.
# COMMAND runs in its own process group, so that what it leaves behind when killed (the official
# rules' pool processes of an import) is stopped with it.
supervise() {
    local name=$1
    shift
    local child="" delay=1 started code
    trap '[[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null; [[ -n "$child" ]] && wait "$child" 2>/dev/null; [[ -n "$child" ]] && kill -KILL -- "-$child" 2>/dev/null; exit 0' TERM INT
    while :; do
        started=$SECONDS
        setsid "$@" &
        child=$!
        log "$name started (pid $child)"
        wait "$child"
        code=$?
        if kill -KILL -- "-$child" 2>/dev/null; then
            log "$name left processes behind; stopped them"
        fi
        child=""
        ((SECONDS - started >= 60)) && delay=1
        log "$name stopped: $(how_it_ended "$code"); starting it again in ${delay} s"
        sleep "$delay" &
        wait $!
        delay=$((delay * 2 > 30 ? 30 : delay * 2))
    done
}

stop_all() {
    trap - EXIT INT TERM
    log "stopping the web server, the task worker and the periodic jobs"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

# The system checks name what is missing (official rules, search index) in one line each; not fatal.
"$PY" manage.py check || log "manage.py check reported errors (above); starting anyway"

supervise "task worker" "$PY" manage.py run_worker --interval 1 &
pids+=($!)
supervise "periodic jobs" "$PY" manage.py run_periodic_jobs &
pids+=($!)
# In the background so that a signal to this script is handled at once, not after gunicorn exits.
.venv/bin/gunicorn hub.wsgi:application --bind "$ADDRESS" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
    --timeout 300 --graceful-timeout 10 --access-logfile - --no-control-socket &
pids+=($!)
log "the hub is at http://$ADDRESS/ (settings $DJANGO_SETTINGS_MODULE)"
wait "${pids[-1]}"
code=$?
log "web server stopped: $(how_it_ended "$code")"
exit "$code"
