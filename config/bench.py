"""What only the benchmark's settings (config/settings/bench.py) add: the baseline page and the
query count of every response. Nothing here is in the production URLs."""

from django.db import connection
from django.shortcuts import render
from django.views.decorators.http import require_GET

BASELINE_ROWS = 50


class QueryCountMiddleware:
    """Sets X-Queries to the number of database queries the request ran (without DEBUG, which
    would change what is measured)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response


@require_GET
def baseline(request):
    """A plain 50-row table with no base layout: what serving a logged-in page costs before the
    portal's own work (session, user, middleware, template)."""
    rows = [
        {"number": n, "name": f"第{n}行", "branch": f"示例项目党支部{n % 7}", "count": n * 3}
        for n in range(1, BASELINE_ROWS + 1)
    ]
    return render(request, "bench/baseline.html", {"rows": rows})
