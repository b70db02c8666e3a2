"""The API's list pages at the size they are served (100 rows), timed in-process: the median
server time of each over a few calls, and its queries, for a consumer of the whole street and
for one of a single branch. Run against the city-scale data (`load_city`)."""

import datetime
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import Consumer
from api.services import consumer_register, consumer_rekey
from api.urls import router
from branches.models import Branch

BENCH = "性能测试（bench_api）"


class Command(BaseCommand):
    help = "Time each list page of the read API (100 rows) for two consumers."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=5, help="Calls per page (median).")

    def handle(self, *args, **options):
        busiest = (
            Branch.objects.filter(status=Branch.Status.ACTIVE)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        consumers = {
            "whole street": self._consumer(f"{BENCH} 全街道", whole_street=True, branches=[]),
            "one branch": self._consumer(
                f"{BENCH} 一个支部", whole_street=False, branches=[busiest]
            ),
        }
        self.stdout.write(
            f"{'endpoint':<16}{'consumer':<14}{'rows':>6}{'median ms':>11}{'queries':>9}"
        )
        client = Client()
        for _prefix, _viewset, basename in router.registry:
            url = reverse(f"api:{basename}-list")
            for who, token in consumers.items():
                headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
                client.get(url, {"page_size": 100}, **headers)  # warm
                times = []
                for _ in range(options["requests"]):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url, {"page_size": 100}, **headers)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                rows = len(response.json()["results"])
                self.stdout.write(
                    f"{basename:<16}{who:<14}{rows:>6}{statistics.median(times):>11.1f}"
                    f"{len(queries):>9}"
                )

    def _consumer(self, name: str, *, whole_street: bool, branches: list[int]) -> str:
        """A consumer of the benchmark's own, with a new token each run (a high rate)."""
        consumer = Consumer.objects.filter(name=name).first()
        if consumer is not None:
            return consumer_rekey(consumer=consumer)
        _consumer, token = consumer_register(
            consumer=Consumer(
                name=name,
                whole_street=whole_street,
                requests_per_minute=100_000,
                expires_at=timezone.now() + datetime.timedelta(days=1),
            ),
            branches=branches,
            actor=None,
        )
        return token
