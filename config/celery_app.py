import os

from celery import Celery

# The request id travels in each task's message (core/observability.py): connected here so that
# a worker, which loads no middleware, takes it back.
import core.observability  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The admin's periodic-task form lists the registered tasks of `celery.current_app`: that is
# this app in every thread of the web process too (a thread's own current app falls back to
# the default one), and its tasks are imported when the form asks (autodiscovery).
app.set_default()
