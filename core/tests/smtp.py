"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd in a thread of the test process): it
counts what it has accepted, so a test sees what left the portal, not what a mock was told."""

import asyncio
import contextlib
import email
import email.policy
import threading
from collections import Counter

from aiosmtpd.controller import Controller

from core.tests.net import free_port


class Sink:
    """Accepts every message; `delay` holds each one that long before answering 250."""

    def __init__(self, delay: float = 0):
        self.delay = delay
        self._lock = threading.Lock()
        self._messages: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.delay:
            await asyncio.sleep(self.delay)
        subject = email.message_from_bytes(envelope.content, policy=email.policy.default)["Subject"]
        with self._lock:
            self._messages += [(recipient, str(subject).strip()) for recipient in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self._messages)

    def counts(self) -> Counter:
        """How many times each (recipient, subject) was accepted."""
        with self._lock:
            return Counter(self._messages)


@contextlib.contextmanager
def smtp_sink(port: int | None = None, *, delay: float = 0):
    """Serve SMTP on 127.0.0.1:`port` (a free one if None) until the block ends."""
    sink = Sink(delay)
    controller = Controller(sink, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()
