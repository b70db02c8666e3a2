"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# Playwright runs an event loop in the test thread; the ORM calls in these tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


class PageWatch:
    """Records every request's host and every console error of a page."""

    def __init__(self, page):
        self.hosts: set[str] = set()
        self.errors: list[str] = []
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).hostname or ""))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and response.request.resource_type != "document"
                and self.errors.append(f"{response.status} {response.url}")
            ),
        )

    def assert_clean(self):
        outside = {host for host in self.hosts if host not in {"127.0.0.1", "localhost"}}
        assert not outside, f"requests left the server: {outside}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def watched_page(page):
    watch = PageWatch(page)
    yield page, watch


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def log_in(page, base_url: str, username: str, password: str = "demo-2026") -> None:
    page.goto(base_url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/two-factor/verify/" in page.url:
        enter_second_factor(page, username)


def give_second_factor(username: str):
    """A confirmed authenticator for a log-in that must use one (the live server runs without
    DEBUG, so the demo's staff log-ins are asked for a code as in production)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    return TOTPDevice.objects.create(
        user=User.objects.get(username=username), name="phone", confirmed=True
    )


def current_code(device) -> str:
    """The code the authenticator shows now; a step ahead when this step's code was used
    already (two log-ins within 30 s), which the device's tolerance of one step accepts."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    drift = 1 if device.last_t >= now else 0
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=drift):06d}"


def enter_second_factor(page, username: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.fill("input[name=token]", current_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
