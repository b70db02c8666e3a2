"""The address a request came from, as the access log and the log-in lock-out record it.

Behind the reverse proxy the README asks for, REMOTE_ADDR is the proxy's own address. With
PORTAL_TRUSTED_PROXIES = N (the number of proxies in front of the portal, each appending to
X-Forwarded-For), the client is the N-th address from the right of that header: the one the
nearest trusted proxy saw. Entries further left were written by the client and are not trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.PORTAL_TRUSTED_PROXIES
    if not trusted:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote  # not through the proxies the operator named: take the peer as it is
    return forwarded[-trusted]
