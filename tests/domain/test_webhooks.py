"""Webhook rules: allowed URLs and addresses, the signature a receiver checks, back-off."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from workshop.domain import webhooks


@pytest.mark.parametrize("url", ["https://hooks.example.org/x", "http://example.org",
                                 "https://example.org:8443/a?b=c", "http://127.0.0.1:9/x"])
def test_http_and_https_urls_with_a_host_are_accepted(url):
    assert webhooks.url_problem(url) is None


@pytest.mark.parametrize("url", ["", "ftp://example.org", "file:///etc/passwd", "gopher://x",
                                 "javascript:alert(1)", "https://", "http://user:pw@example.org",
                                 "https://example.org/a b", "http://example.org:99999/",
                                 "https://example.org/" + "a" * 2000, None, 42])
def test_other_urls_are_refused_with_a_reason(url):
    assert webhooks.url_problem(url)


@pytest.mark.parametrize(("address", "allowed_by_default", "allowed_when_private_allowed"), [
    ("93.184.216.34", True, True),          # public
    ("2606:4700::1111", True, True),         # public IPv6
    ("127.0.0.1", False, True),              # loopback
    ("::1", False, True),
    ("10.1.2.3", False, True),               # private networks
    ("192.168.1.10", False, True),
    ("172.16.0.1", False, True),
    ("fd00::1", False, True),
    ("169.254.169.254", False, False),       # link-local: cloud metadata, never
    ("fe80::1", False, False),
    ("::ffff:127.0.0.1", False, True),       # IPv4-mapped loopback is loopback
    ("::ffff:169.254.169.254", False, False),
    ("0.0.0.0", False, False),
    ("224.0.0.1", False, False),             # multicast
])
def test_addresses(address, allowed_by_default, allowed_when_private_allowed):
    assert webhooks.address_allowed(address, False) is allowed_by_default
    assert webhooks.address_allowed(address, True) is allowed_when_private_allowed


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"type":"document.agreed"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.signature_header("s3cret", 1700000000, body) == \
        f"t=1700000000,v1={expected}"


def test_a_receiver_verifies_it_and_refuses_changes_old_ones_and_other_keys():
    body = b'{"seq":7}'
    header = webhooks.signature_header("s3cret", 1_700_000_000, body)
    assert webhooks.verify("s3cret", header, body, now=1_700_000_010)
    assert not webhooks.verify("s3cret", header, b'{"seq":8}', now=1_700_000_010)
    assert not webhooks.verify("other", header, body, now=1_700_000_010)
    assert not webhooks.verify("s3cret", header, body, now=1_700_000_000 + 301)  # a replay
    assert not webhooks.verify("s3cret", "garbage", body, now=1_700_000_000)


def test_back_off_doubles_from_the_base_and_is_capped():
    assert [webhooks.backoff(n, base=30, cap=3600) for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600]
    assert not webhooks.gives_up(webhooks.MAX_ATTEMPTS - 1)
    assert webhooks.gives_up(webhooks.MAX_ATTEMPTS)
