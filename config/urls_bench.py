"""The benchmark's URLs: the portal's, and the baseline page (config/settings/bench.py only)."""

from django.urls import path

from config import bench
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("__bench__/baseline", bench.baseline, name="bench_baseline"),
    *portal_urlpatterns,
]
