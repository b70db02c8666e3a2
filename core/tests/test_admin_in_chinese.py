"""The admin, which committee staff use in Chinese, shows no English: every changelist, add form,
change form and history page of every registered model (a model added later is visited too), and
every string of the admin's scripts. A word of three or more Latin letters in the visible text
fails the test unless it is data (user names, addresses, time-zone names) or the name of a
format or product that Chinese text writes in Latin letters too."""

import datetime
import io
import json
import re
import zoneinfo

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z]{3,}")
# Names that Chinese text writes in Latin letters (formats, protocols, products, keys).
NAMES = {
    "xlsx", "PDF", "DOCX", "JSON", "AMQP", "HTTP", "GET", "POST", "SHA", "Redis", "RabbitMQ",
    "Python", "Control", "Command", "Mac", "TOTP", "Webhook", "SEC",
}  # fmt: skip
PLACES = {word for zone in zoneinfo.available_timezones() for word in WORD.findall(zone)}
# Columns and read-only values that hold data as it was recorded (a browser's user agent, a path,
# a task's arguments, a record's key): shown as they are.
DATA_FIELDS = {
    "user_agent", "path_info", "http_accept", "get_data", "post_data", "session_hash",
    "object_type", "kwargs", "url", "last_error", "error", "username", "user", "password",
    "masked_url", "token_prefix", "endpoint",
}  # fmt: skip
DATA_TEXT = re.compile(
    r"^(/[\w/.-]*|<unknown>|[\w.]+\.[A-Z]\w+|pbkdf2_sha256|[\w+/=]+\*+)$"  # paths, labels, hashes
)


@pytest.fixture(scope="module")
def admin_site_data(django_db_setup, django_db_blocker):
    """The demo, and a row of each model the demo leaves empty."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", force=True, stdout=io.StringIO())
            _fill_the_empty_models()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _fill_the_empty_models() -> None:
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.auth.models import Group
    from django_celery_beat.models import ClockedSchedule, SolarSchedule
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import CalendarFeed, User
    from assessments.models import Delivery, Notification, ReminderChannel
    from branches.models import Archive, Branch
    from core.models import Job

    user = User.objects.get(username="xingguang")
    AccessAttempt.objects.create(
        username="xingguang",
        ip_address="10.0.0.8",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=xingguang",
        failures_since_start=3,
    )
    AccessFailureLog.objects.create(
        username="xingguang",
        ip_address="10.0.0.8",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/accounts/login/",
    )
    TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
    Group.objects.create(name="街道工作人员")
    Job.objects.create(task="home.tasks.build_archive", kwargs={"archive_id": 1})
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=32.0, longitude=120.9)
    Archive.objects.create(branch=Branch.objects.order_by("pk").first())
    Delivery.objects.create(
        notification=Notification.objects.order_by("pk").first(),
        channel="email",
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    CalendarFeed.objects.create(user=user, token_hash="0" * 64)
    from members.models import Member, MemberDecision

    first_branch = Branch.objects.order_by("pk").first()
    MemberDecision.objects.create(
        branch=first_branch,
        held_on=timezone.localdate(),
        kind=MemberDecision.Kind.choices[0][0],
        subject_name="王建国",
        member=Member.objects.order_by("pk").first(),
        entitled_count=10,
        present_count=9,
        in_favour=8,
        is_valid=True,
    )
    from members.models import Candidate, CandidateStep

    candidate = Candidate.objects.create(
        branch=first_branch,
        name="李明",
        id_number="32060219900101123X",
        gender="M",
        birth_date=datetime.date(1990, 1, 1),
        phone="13900000000",
        employer_kind="other",
        employer_name="南通一建",
        applied_on=timezone.localdate(),
    )
    CandidateStep.objects.create(
        candidate=candidate, kind="application", happened_on=timezone.localdate(), done_by="支部"
    )
    from api.models import Call, Consumer

    Call.objects.create(
        consumer=Consumer.objects.order_by("pk").first(),
        endpoint="/api/v1/activities/?branch=1",
        status=200,
        rows=12,
    )
    ReminderChannel.objects.create(
        kind=ReminderChannel.Kind.DINGTALK,
        name="星光耀广场项目党支部钉钉群",
        branch=Branch.objects.order_by("pk").first(),
        url="https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef",
        secret="SEC0123456789abcdef",
    )


def visible_texts(page: str):
    """The text a person sees on a page (and hears: titles, labels, alt texts), as (text,
    is_data) pairs."""
    document = html.fromstring(page)
    for hidden in document.xpath("//script | //style | //noscript | //template"):
        hidden.drop_tree()
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        data = _is_data(element)
        if element.text and element.text.strip():
            yield element.text.strip(), data
        if element.tail and element.tail.strip():
            yield element.tail.strip(), _is_data(element.getparent())
        for attribute in ("title", "placeholder", "alt", "aria-label"):
            value = element.get(attribute)
            # Django writes a boolean's icon with alt="True"/"False" (its own English).
            if value and not (attribute == "alt" and value in ("True", "False", "None")):
                yield value, data
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            yield element.get("value") or "", data


def _data_field(element) -> bool:
    classes = (element.get("class") or "").split()
    return any(c.startswith("field-") and c.removeprefix("field-") in DATA_FIELDS for c in classes)


def _is_data(element) -> bool:
    """Inside a changelist cell of a data field, or the read-only value of one."""
    in_readonly = False
    while element is not None:
        if element.tag in ("td", "th") and _data_field(element):
            return True
        in_readonly = in_readonly or "readonly" in (element.get("class") or "").split()
        if in_readonly and _data_field(element):
            return True
        element = element.getparent()
    return False


def english_words(text: str, data_words: set[str]) -> list[str]:
    if DATA_TEXT.match(text):
        return []
    return [w for w in WORD.findall(text) if w not in NAMES | PLACES | data_words]


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse("admin:app_list", args=[model._meta.app_label]))
        pages.append(reverse(f"{prefix}_changelist"))
        pages.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"no {model._meta.label} to open: add one in the fixture"
        pages.append(reverse(f"{prefix}_change", args=[first.pk]))
        pages.append(reverse(f"{prefix}_history", args=[first.pk]))
    return list(dict.fromkeys(pages))


@pytest.fixture
def admin_client(admin_site_data):
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def test_every_admin_page_is_chinese(admin_client):
    from accounts.models import User
    from assessments.models import ReminderChannel

    data_words = set()
    for username in User.objects.values_list("username", flat=True):
        data_words.update(WORD.findall(username))
    for url, secret in ReminderChannel.objects.values_list("url", "secret"):
        # A robot's address and secret are shown by their host and last characters.
        data_words.update(WORD.findall(url) + WORD.findall(url[-4:]) + WORD.findall(secret[-4:]))
    english: dict[str, set[str]] = {}
    visited = 0
    for url in admin_pages():
        response = admin_client.get(url)
        if response.status_code == 403 and url.endswith("/add/"):
            continue  # a model nobody adds by hand (the access log, the outbox)
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in response.content.decode()
        visited += 1
        for text, is_data in visible_texts(response.content.decode()):
            if not is_data and english_words(text, data_words):
                english.setdefault(text[:100], set()).add(url)
    assert visited > 150
    assert not english, "English in the Chinese admin:\n" + "\n".join(
        f"{text!r} on {sorted(urls)[0]}" for text, urls in sorted(english.items())
    )


def test_the_two_access_logs_have_different_names(admin_client):
    """The portal's access log of personal data and django-axes' log of log-ins were both
    called 访问日志."""
    index = admin_client.get(reverse("admin:index")).content.decode()
    names = [a.text_content().strip() for a in html.fromstring(index).xpath("//th/a")]
    assert names.count("访问日志") == 1
    assert "登录登出记录" in names


def test_the_admin_scripts_speak_chinese(admin_client):
    """The pickers of a user's groups and permissions ("Choose all 组"), the calendar and the
    clock are written by the admin's scripts from the JavaScript catalog."""
    from pathlib import Path

    import django

    scripts = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    said = set()
    for script in scripts.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        text = script.read_text(encoding="utf-8")
        said.update(re.findall(r"(?<![pn])gettext\(\s*'([^']+)'", text))
        said.update(re.findall(r'(?<![pn])gettext\(\s*"([^"]+)"', text))
    assert "Choose all %s" in said
    response = admin_client.get(reverse("admin:jsi18n"))
    catalog = json.loads(
        re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S).group(1)
    )
    missing = sorted(s for s in said if not catalog.get(s))
    assert not missing, f"the admin's scripts say these in English: {missing}"


def test_the_detector_finds_english():
    texts = dict(visible_texts('<p>选择 <b title="Access attempts">static device</b></p>'))
    assert english_words("static device", set()) == ["static", "device"]
    assert "Access attempts" in texts
    assert english_words("导出为 xlsx", set()) == []
    assert english_words("每天 03:30（Asia/Shanghai）", set()) == []
    assert english_words("xingguang", {"xingguang"}) == []


def test_a_persons_name_reads_xingming_not_mingcheng(admin_client):
    """名称 names a thing (a project, an enterprise); a person has a 姓名."""
    for url in ("admin:members_member_add",):
        page = admin_client.get(reverse(url)).content.decode()
        labels = [label.text_content().strip() for label in html.fromstring(page).xpath("//label")]
        assert "姓名:" in labels, url
        assert "名称:" not in labels, url
