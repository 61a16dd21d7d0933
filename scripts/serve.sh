#!/usr/bin/env bash
# `make run`'s server: the web server, with the background task worker (large catalogue uploads,
# search index updates, image fetching) and the periodic jobs (scheduled pages and catalogue
# versions) beside it. Ctrl-C or SIGTERM stops all three.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
ADDRESS="${HOST:-127.0.0.1}:${PORT:-8000}"
pids=()

stop_all() {
    trap - EXIT INT TERM
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

"$PY" manage.py db_worker --queue-name '*' --interval 1 &
pids+=($!)
"$PY" manage.py run_periodic_jobs &
pids+=($!)
echo "serve.sh: task worker and periodic jobs started; the hub is at http://$ADDRESS/"
# In the background so that a signal to this script is handled at once, not after runserver exits.
"$PY" manage.py runserver --noreload "$ADDRESS" &
pids+=($!)
wait "${pids[-1]}"
