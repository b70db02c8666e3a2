"""The fixed cast of the test suite: street staff, a committee admin, and two branches each
with its secretary (so every scoping test has an outsider at hand)."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.tests.factories import CommitteeAdminFactory, StreetStaffFactory, UserFactory
from branches.tests.factories import BranchFactory, SeatFactory


@pytest.fixture(autouse=True)
def portal_language():
    """Each test starts in the portal's language, as a new process does: a request in English
    before it (LocaleMiddleware activates per thread) must not carry over."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request, monkeypatch):
    """`client.force_login` stands for a whole log-in, second factor included: the session it
    makes counts as verified by a recovery-code device of the user's. The tests of the second
    factor itself (marked `real_second_factor`) log in through the pages instead."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="测试会话", defaults={"confirmed": True}
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def street_staff(db):
    return StreetStaffFactory(username="staff")


@pytest.fixture
def committee_admin(db):
    return CommitteeAdminFactory(username="committee")


@pytest.fixture
def branch(db):
    return BranchFactory()


@pytest.fixture
def other_branch(db):
    return BranchFactory()


@pytest.fixture
def secretary(branch):
    user = UserFactory(username="secretary")
    SeatFactory(branch=branch, user=user, holder_name=user.full_name)
    return user


@pytest.fixture
def other_secretary(other_branch):
    user = UserFactory(username="outsider")
    SeatFactory(branch=other_branch, user=user, holder_name=user.full_name)
    return user


@pytest.fixture
def staff_client(street_staff):
    """A browser of its own, so that a test can hold a staff and a secretary session at once."""
    client = Client()
    client.force_login(street_staff)
    return client


@pytest.fixture
def secretary_client(secretary):
    client = Client()
    client.force_login(secretary)
    return client


@pytest.fixture
def outsider_client(other_secretary):
    """The secretary of the other branch: every scoping test's outsider."""
    client = Client()
    client.force_login(other_secretary)
    return client


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test process even when a broker is configured (for tests of a
    task's effect; the real-worker tests start a worker of their own)."""
    from config.celery_app import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker that is down: a port of 127.0.0.1 nothing listens on (yielded, so a
    test can start its own Redis there later to bring the queue back)."""
    from config.celery_app import app
    from core.tests.net import free_port

    port = free_port()
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its own setting
    app.conf.broker_url = url
    yield port
    app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3-compatible server on a free port of 127.0.0.1, for the whole run."""
    pytest.importorskip("moto.server", reason="moto[server] is a test requirement")
    from core.tests.objectstore import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_media(settings, s3_endpoint):
    """Uploads go to a fresh bucket of the test endpoint, as with DJANGO_S3_BUCKET set."""
    from core.tests.objectstore import new_bucket, storage_settings

    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(s3_endpoint, bucket)}
    return s3_endpoint, bucket


@pytest.fixture(params=["media folder", "bucket"])
def each_storage(request):
    """Run a test with uploads in the media folder and again in an S3-compatible bucket."""
    if request.param == "bucket":
        return request.getfixturevalue("s3_media")
    return None
