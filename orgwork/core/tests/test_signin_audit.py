"""Issue 11 leftovers: sign-ins audited (failed ones without the password); the client address honours
X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, override_settings

from orgwork.core.clientip import client_ip
from orgwork.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_sign_in_and_a_failed_one_are_audited_without_the_password():
    get_user_model().objects.create_user("clerk_a", password="Correct-horse-9")
    c = Client(REMOTE_ADDR="198.51.100.7")
    c.post("/login/", {"username": "clerk_a", "password": "Wrong-password-1"})
    c.post("/login/", {"username": "nobody_here", "password": "Wrong-password-2"})
    c.post("/login/", {"username": "clerk_a", "password": "Correct-horse-9"})
    failed = list(AuditEvent.objects.filter(action="user.sign_in_failed").order_by("seq"))
    assert [(e.data["username"], e.data["known_account"], e.data["ip"]) for e in failed] == [("clerk_a", True, "198.51.100.7"), ("nobody_here", False, "198.51.100.7")]
    ok = AuditEvent.objects.get(action="user.sign_in")
    assert ok.data == {"username": "clerk_a", "ip": "198.51.100.7"}
    for e in [*failed, ok]:
        text = str(e.data) + str(e.changes) + e.object_repr
        assert "Wrong-password" not in text and "Correct-horse" not in text and "****" not in text


def _request(remote, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_x_forwarded_for_is_ignored_without_trusted_proxies():
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1"])
def test_x_forwarded_for_is_read_only_through_trusted_proxies():
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"  # not from a proxy: the header is a lie
    assert client_ip(_request("10.0.0.5", "198.51.100.20")) == "198.51.100.20"
    assert client_ip(_request("10.0.0.5", "6.6.6.6, 198.51.100.20, 192.0.2.1")) == "198.51.100.20"  # spoofed left part ignored
    assert client_ip(_request("10.0.0.5", "not-an-ip")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_api_token_records_the_client_behind_the_proxy():
    from orgwork.core import tokens

    assert tokens.client_ip(_request("10.1.2.3", "198.51.100.44")) == "198.51.100.44"
    assert tokens.client_ip(_request("203.0.113.1", "198.51.100.44")) == "203.0.113.1"
