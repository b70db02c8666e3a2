"""Every figure of the street workbench and of a secretary's home page that links to a list:
the list behind the link shows as many rows in all ("共 N 条") as the figure says. The demo is
loaded for a day late in a month (two drafts of that day, a resolved coordination item, the
cycle under way)."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urldefrag

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from home.tests.demo_days import demo_loaded_on
from projects.models import Project

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r"^(\d+)(?:/\d+)?$")  # "5" or "5/52" (covered of all): the first counts
IN_ALL = re.compile(r"共 (\d+) 条")


class FigureLinks(HTMLParser):
    """(figure, href) of each link whose text is a figure, or that holds one in a card's big
    number (`display-6`). Text only screen readers hear (`visually-hidden`, e.g. the bell's
    "提醒" before its count) is not part of the figure a person sees."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[int, str]] = []
        self._open: list[dict] = []  # the links being read, innermost last
        self._in_big: list[bool] = []  # per open element: inside the big number
        self._hidden: list[bool] = []  # per open element: inside text for screen readers only

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        big = "display-6" in (attrs.get("class") or "").split()
        if tag == "a":
            self._open.append({"href": attrs.get("href", ""), "text": "", "big": ""})
        self._in_big.append(big or (bool(self._in_big) and self._in_big[-1]))
        hidden = "visually-hidden" in (attrs.get("class") or "").split()
        self._hidden.append(hidden or (bool(self._hidden) and self._hidden[-1]))

    def handle_endtag(self, tag):
        if self._in_big:
            self._in_big.pop()
        if self._hidden:
            self._hidden.pop()
        if tag == "a" and self._open:
            link = self._open.pop()
            text = (link["big"] or link["text"]).strip()
            match = FIGURE.match(text)
            if match and link["href"]:
                self.links.append((int(match.group(1)), link["href"]))

    def handle_data(self, data):
        if self._hidden and self._hidden[-1]:
            return
        for link in self._open:
            link["text"] += data
            if self._in_big and self._in_big[-1]:
                link["big"] += data


# Figures said in a sentence: "3 条未读提醒" on a secretary's home page.
IN_A_SENTENCE = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>(?:<i [^>]*></i>)?\s*(\d+) 条未读提醒</a>')


def figure_links(html: str) -> list[tuple[int, str]]:
    parser = FigureLinks()
    parser.feed(html)
    said = [(int(n), unescape(href)) for href, n in IN_A_SENTENCE.findall(html)]
    return parser.links + said


def total_of_list(client, href: str) -> int:
    """The "共 N 条" of the list at href (of the part the link's #fragment points at)."""
    url, fragment = urldefrag(href)
    response = client.get(url)
    assert response.status_code == 200, href
    html = response.content.decode()
    if fragment:
        start = html.find(f'id="{fragment}"')
        assert start >= 0, href
        html = html[start:]
    match = IN_ALL.search(html)
    assert match, f"{href}: no total shown"
    return int(match.group(1))


def assert_every_figure_agrees(client, page_url: str, at_least: int) -> None:
    response = client.get(page_url)
    assert response.status_code == 200
    links = figure_links(response.content.decode())
    assert len(links) >= at_least, links
    disagree = [
        (figure, href, total)
        for figure, href in links
        if figure != (total := total_of_list(client, href))
    ]
    assert disagree == [], "\n".join(map(str, disagree))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from demo_loaded_on(datetime.date(2026, 11, 25), django_db_blocker)


def test_the_workbench_shows_the_members_in_all_and_what_the_transfer_average_is(demo, client):
    client.force_login(User.objects.get(username="jiedao"))
    html = client.get(reverse("home:home")).content.decode()
    # The report's headline figure, beside the full and probationary members it adds up.
    assert (105, reverse("members:list") + "?state=active") in figure_links(html)
    # The average is over the completed transfers, and says so.
    assert "已办结的平均用时 27.0 天" in html


def test_every_workbench_figure_counts_its_list(demo, client):
    client.force_login(User.objects.get(username="jiedao"))
    # 6 coverage figures, 7 member figures, 3 of organisational life, 2 per branch (5) and 2 or
    # 3 per project (5).
    assert_every_figure_agrees(client, reverse("home:home"), at_least=6 + 7 + 3 + 10 + 10)


@pytest.mark.parametrize("scope", ["project", "community", "street"])
def test_every_figure_of_a_narrowed_workbench_counts_its_list(demo, client, scope):
    client.force_login(User.objects.get(username="jiedao"))
    project = Project.objects.select_related("community").get(name="星光耀广场")
    chosen = {
        "project": project,
        "community": project.community,
        "street": project.community.street,
    }[scope]
    assert_every_figure_agrees(
        client, reverse("home:home") + f"?{scope}={chosen.pk}", at_least=6 + 7 + 3 + 2 + 2
    )


@pytest.mark.parametrize("username", ["xingguang", "luhongzha"])
def test_every_figure_of_a_secretarys_home_counts_its_list(demo, client, username):
    user = User.objects.get(username=username)
    assert user.notifications.filter(read_at__isnull=True).exists()
    first = user.notifications.order_by("pk").first()
    user.notifications.filter(pk=first.pk).update(read_at=timezone.now())
    client.force_login(user)
    # 4 member figures, the unread reminders and the bell (one reminder read: the list behind
    # them shows only the others)
    assert_every_figure_agrees(client, reverse("home:home"), at_least=6)


def test_a_figure_that_disagrees_is_caught(demo, client):
    """The check itself: a list with one row more than its figure is reported."""
    client.force_login(User.objects.get(username="jiedao"))
    html = f'<a href="{reverse("members:list")}?state=active"><div class="display-6">104</div></a>'
    ((figure, href),) = figure_links(html)
    assert (figure, total_of_list(client, href)) == (104, 105)
