"""A crontab schedule described in Chinese, for the admin's periodic tasks.

django-celery-beat describes a crontab with cron_descriptor in the process's locale, which is
English on a server ("At 03:30 AM Asia/Shanghai"). cron_descriptor has a Chinese catalog (zh_CN),
but takes day and month names from the C locale: those are put into Chinese here."""

from cron_descriptor import FormatException, MissingFieldException, WrongArgumentException
from cron_descriptor import Options as CronOptions
from cron_descriptor.ExpressionDescriptor import ExpressionDescriptor
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHINESE_DAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _chinese(expression: str, *, every_day: bool) -> str:
    options = CronOptions()
    options.locale_code = "zh_CN"
    options.use_24hour_time_format = True
    text = ExpressionDescriptor(expression, options).get_description()
    for english, chinese in zip(DAYS, CHINESE_DAYS, strict=True):
        text = text.replace(english, chinese)
    for number, english in enumerate(MONTHS, start=1):
        text = text.replace(english, f"{number}月")
    if every_day and text.startswith("在 "):
        text = "每天 " + text.removeprefix("在 ")
    return text.replace(", ", "，")


def crontab_description(crontab) -> str:
    """What a CrontabSchedule means, in the language of the request ("每天 03:30（北京时间）")."""
    expression = " ".join(
        (
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        )
    )
    zone = str(crontab.timezone)
    if not (get_language() or "").startswith("zh"):
        return crontab.human_readable
    try:
        every_day = (crontab.day_of_month, crontab.month_of_year, crontab.day_of_week) == (
            "*",
            "*",
            "*",
        )
        text = _chinese(expression, every_day=every_day)
    except (MissingFieldException, FormatException, WrongArgumentException):
        text = expression
    where = _("Beijing time") if zone in ("Asia/Shanghai", "PRC", "Asia/Chongqing") else zone
    return f"{text}（{where}）"
