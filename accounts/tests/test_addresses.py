"""The client's address behind the reverse proxies the operator names."""

from django.test import RequestFactory

from accounts.addresses import client_ip
from accounts.services import client_address


def request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_peer_is_the_client_and_the_header_is_not_trusted(settings):
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded="1.2.3.4")) == "10.0.0.2"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    # the client claimed 6.6.6.6 itself; the proxy appended what it saw
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_address_the_outer_one_saw(settings):
    settings.PORTAL_TRUSTED_PROXIES = 2
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_a_request_that_did_not_pass_the_proxies_keeps_its_peer(settings):
    settings.PORTAL_TRUSTED_PROXIES = 2
    assert client_ip(request(forwarded="203.0.113.7")) == "10.0.0.2"
    assert client_ip(request()) == "10.0.0.2"
