#!/usr/bin/env bash
# The page benchmark in one command (README, "Benchmarks"; results in docs/benchmarks.md):
#   DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/portal_city scripts/bench_pages.sh
# Starts gunicorn with 2 sync workers and the benchmark's settings (DEBUG off, the baseline page,
# the X-Queries header) on a free port of 127.0.0.1, runs `manage.py bench_pages` against it,
# and stops gunicorn. Extra arguments go to bench_pages (e.g. --requests 100 --seconds 5).
# Load the data first: `python manage.py load_city --scale 0.01` (or 1.0) on that database.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
export DJANGO_SETTINGS_MODULE=config.settings.bench
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$(mktemp -t bench-gunicorn.XXXXXX)
# Each worker may use at most BENCH_WORKER_MEMORY_MB of address space (default 4096): a page that
# loads a whole table fails with MemoryError instead of taking the machine's memory.
(
    ulimit -v $(( ${BENCH_WORKER_MEMORY_MB:-4096} * 1024 ))
    exec "$GUNICORN" config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --worker-class sync \
        --error-logfile - 2>"$LOG"
) &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null' EXIT
for _ in $(seq 1 100); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
"$PY" manage.py bench_pages --url "http://127.0.0.1:$PORT" "$@"
# What the server said about the run: worker timeouts (gunicorn's 30 s) and server errors.
echo "gunicorn: $(grep -c "WORKER TIMEOUT" "$LOG" || true) worker timeouts," \
    "$(grep -c "Internal Server Error" "$LOG" || true) server errors," \
    "$(grep -c "MemoryError" "$LOG" || true) mentions of MemoryError (log: $LOG)" >&2
