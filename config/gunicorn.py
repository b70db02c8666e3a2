"""gunicorn's settings for the portal (Procfile: `gunicorn -c config/gunicorn.py config.wsgi`).

The request metrics of every worker process are gathered for /metrics through files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode): the folder is emptied when the
server starts, and a worker's files are marked dead when it exits."""

import os
import shutil
import tempfile

METRICS_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "portal-metrics")
)


def on_starting(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
