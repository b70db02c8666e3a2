"""Strings of the packages the admin is made of that have no Chinese in their own catalogs.

Django looks a string up in the project's catalog (LOCALE_PATHS) before the packages' own, so
their Chinese is kept in locale/zh_Hans beside the portal's. makemessages extracts only what
the portal's code says, so each string is said here, exactly as the package says it in English
(gettext_noop: marked for extraction, translated where the package shows it). A string whose
package translation is poor (English words left in it) is listed too: the portal's wins.

This module is never imported; its strings are checked by core/tests/test_admin_in_chinese.py,
which fails on any English left in the admin."""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = (
    # Django's admin (5.2): new strings not yet in its zh_Hans catalog.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # django-axes (no zh_Hans catalog at all).
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Expires At"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    # axes' model of log-ins and log-outs; the portal's own access log has a context.
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your account."
    ),
    # django-celery-beat: fuzzy or missing in its zh_Hans catalog.
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop('task "{not_found_task_name}" not found'),
    # ... and with English words left in its Chinese.
    gettext_noop('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")'),
    gettext_noop('Cron Hours to Run. Use "*" for "all". (Example: "8,20")'),
    gettext_noop('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")'),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. '
        '(Example: "0,5")'
    ),
    gettext_noop(
        'The Name of the Celery Task that Should be Run.  (Example: "proj.tasks.import_contacts")'
    ),
    gettext_noop("Queue defined in CELERY_TASK_QUEUES. Leave None for default queuing."),
    gettext_noop('JSON encoded positional arguments (Example: ["arg1", "arg2"])'),
    gettext_noop('JSON encoded keyword arguments (Example: {"argument": "value"})'),
    gettext_noop("If True, the schedule will only run the task a single time"),
    gettext_noop("Set to False to disable the schedule"),
    gettext_noop(
        "Datetime that the schedule last triggered the task to run. Reset to None if enabled is "
        "set to False."
    ),
    # django-simple-history.
    gettext_noop("Changes"),
    gettext_noop("Or press the 'Change History' button to edit the history."),
)
