"""Addresses for the servers the tests start themselves, always on 127.0.0.1."""

import socket


def free_port() -> int:
    """A port nothing listens on (once the probe is closed): for a server the test starts, or
    for a broker that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
