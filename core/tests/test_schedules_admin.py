"""The periodic tasks in the admin: the registered tasks listed by their Chinese labels (the one a
task runs preselected), schedules described in Chinese, the schedules' names in Chinese."""

import threading

import pytest
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from lxml import html

from core.schedules import crontab_description
from core.task_labels import registered_tasks, task_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, committee_admin):
    client.force_login(committee_admin)
    return client


def regtask_options(page: str) -> dict[str, tuple[str, bool]]:
    select = html.fromstring(page).xpath("//select[@name='regtask']")[0]
    return {
        option.get("value"): (option.text_content().strip(), option.get("selected") is not None)
        for option in select.xpath(".//option")
        if option.get("value")
    }


def test_the_task_list_is_filled_with_labels(admin_client):
    options = regtask_options(
        admin_client.get(reverse("admin:django_celery_beat_periodictask_add")).content.decode()
    )
    assert options["accounts.tasks.prune_access_log"][0] == "清理超过保存期限的访问日志"
    assert options["home.tasks.build_archive"][0] == "生成移交档案"
    assert not any(name.startswith("celery.") for name in options)
    assert set(options) == set(registered_tasks())


def test_the_task_a_schedule_runs_is_preselected(admin_client):
    task = PeriodicTask.objects.get(task="assessments.tasks.sweep_reminders")
    page = admin_client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    options = regtask_options(page.content.decode())
    assert options["assessments.tasks.sweep_reminders"] == ("发送到期提醒", True)
    assert sum(selected for _, selected in options.values()) == 1
    text = page.content.decode()
    assert "每天 08:00（北京时间）" in text
    assert "执行时间" in text and "参数" in text


def test_the_registered_tasks_are_known_in_any_thread():
    """The web server may answer from a thread: the list is the portal's there too."""
    found = {}
    thread = threading.Thread(target=lambda: found.update(registered_tasks()))
    thread.start()
    thread.join()
    assert "core.tasks.hand_over_waiting_jobs" in found


def test_a_periodic_task_saved_with_a_registered_task(admin_client):
    crontab = CrontabSchedule.objects.create(minute="0", hour="6", timezone="Asia/Shanghai")
    response = admin_client.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {
            "name": "清除会话（试）",
            "regtask": "core.tasks.clear_expired_sessions",
            "task": "",
            "enabled": "on",
            "crontab": crontab.pk,
            "args": "[]",
            "kwargs": "{}",
            "priority": "",
            "headers": "{}",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    assert (
        PeriodicTask.objects.get(name="清除会话（试）").task == "core.tasks.clear_expired_sessions"
    )


def test_a_periodic_task_without_a_task_is_refused(admin_client):
    before = PeriodicTask.objects.count()
    response = admin_client.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {
            "name": "无任务",
            "regtask": "",
            "task": "",
            "args": "[]",
            "kwargs": "{}",
            "headers": "{}",
        },
    )
    assert response.status_code == 200
    assert PeriodicTask.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "described"),
    [
        (("30", "3", "*", "*", "*"), "每天 03:30（北京时间）"),
        (("*/5", "*", "*", "*", "*"), "每 5 分钟（北京时间）"),
        (("0", "8", "*", "*", "1-5"), "在 08:00，星期一 到 星期五（北京时间）"),
        (("0", "8", "1", "1,7", "*"), "在 08:00，每月的 1 号，仅在 1月 和 7月（北京时间）"),
    ],
)
def test_crontabs_are_described_in_chinese(fields, described):
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    crontab = CrontabSchedule(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Asia/Shanghai",
    )
    with translation.override("zh-hans"):
        assert crontab_description(crontab) == described
    with translation.override("en"):
        assert crontab_description(crontab) == crontab.human_readable


def test_another_time_zone_is_named():
    crontab = CrontabSchedule(minute="0", hour="9", timezone="Europe/Berlin")
    with translation.override("zh-hans"):
        assert crontab_description(crontab) == "每天 09:00（Europe/Berlin）"


def test_the_schedules_have_chinese_names():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {
        "清除过期的登录会话（每天 03:30）",
        "将等待中的后台任务交给队列（每分钟）",
        "发送到期提醒（每天 08:00）",
        "重新交付未送达的提醒（每分钟）",
        "清理超过保存期限的访问日志（每天 03:45）",
    } <= names
    assert not any(name.isascii() for name in names)


def test_an_unknown_task_keeps_its_name():
    assert task_label("gone.tasks.old") == "gone.tasks.old"
    with translation.override("zh-hans"):
        assert task_label("core.tasks.clear_expired_sessions") == "清除过期的登录会话"
