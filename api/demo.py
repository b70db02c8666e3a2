"""The demo's API consumer: the district's Party-building platform, registered for the whole
street. Its token was shown once when it was registered and is kept nowhere: a committee admin
gives it a new one in the admin (API consumers → "Give a new token") to try the API."""

import datetime

from django.utils import timezone

from accounts.models import User
from api.models import Consumer
from api.services import consumer_register
from core.demo import DemoContext

NAME = "崇川区智慧党建平台"


def load(ctx: DemoContext) -> None:
    if Consumer.objects.filter(name=NAME).exists():
        return
    expires = datetime.datetime.combine(
        ctx.today + datetime.timedelta(days=365), datetime.time(0, 0)
    )
    consumer_register(
        consumer=Consumer(
            name=NAME,
            contact="崇川区委组织部",
            whole_street=True,
            expires_at=timezone.make_aware(expires),
        ),
        branches=[],
        actor=User.objects.filter(username="admin").first(),
    )
