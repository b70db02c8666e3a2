"""No page's tab title carries markup or a form's token: the title lands in the browser's
history and bookmarks. Every page reachable by a link from the home page is walked, as street
staff and as a secretary, on the demo data."""

import io
import re
from collections import deque
from html import unescape

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.models import User

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HREF = re.compile(r'href="(/[^"#]*)')
# Files, the admin, leaving the session or changing the language are not pages to walk.
SKIP = re.compile(r"^/(admin|static|media|accounts/logout|i18n)/|\.(xlsx|zip|pdf|docx|jpg|png)$")
LIMIT = 400


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", force=True, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def walk(client: Client) -> dict[str, str]:
    """The title of every page reachable from the home page (query strings dropped but the
    first of each path kept, so that a list's filters do not multiply the walk)."""
    titles: dict[str, str] = {}
    seen_paths: set[str] = set()
    queue = deque(["/"])
    while queue and len(titles) < LIMIT:
        url = unescape(queue.popleft())
        path = url.split("?")[0]
        if path in seen_paths or SKIP.search(path):
            continue
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        match = TITLE.search(page)
        titles[url] = match.group(1) if match else ""
        queue.extend(HREF.findall(page))
    return titles


@pytest.mark.parametrize("username", ["jiedao", "xingguang"])
def test_no_page_title_holds_markup_or_a_token(demo, db, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    titles = walk(client)
    assert len(titles) > 20  # the walk reached the portal's pages
    branch_pages = [url for url in titles if re.fullmatch(r"/branches/\d+/", url)]
    assert branch_pages  # the page whose title once held the archive form
    for url, title in titles.items():
        assert title.strip(), url
        assert "<" not in title and "csrf" not in title.lower(), (url, title)
