"""Link tokens: unguessable, parsed strictly, compared in constant time."""

import hashlib

from workshop.domain.tokens import (
    API,
    SECRET_BYTES,
    SHARE,
    hash_secret,
    make_kind_token,
    make_token,
    new_id,
    new_secret,
    secrets_match,
    split_kind_token,
    split_token,
)


def test_secrets_carry_at_least_128_bits():
    assert SECRET_BYTES * 8 >= 128
    assert len({new_secret() for _ in range(100)}) == 100


def test_a_token_splits_back_into_workshop_and_secret():
    assert split_token(make_token("abc123", "s3cr-e_t")) == ("abc123", "s3cr-e_t")


def test_malformed_tokens_are_refused():
    for token in ["", "nodot", ".secret", "abc.", "a." + "x" * 300, "abc.se\x00cret",
                  "abc.s\ud800", "ab c.secret", "abc.sec.ret"]:
        assert split_token(token) is None


def test_secrets_match_only_exactly():
    assert secrets_match("abc", "abc")
    assert not secrets_match("abc", "abd")
    assert not secrets_match("ab", "abc")


def test_share_and_api_tokens_are_kinds_of_their_own():
    share_id, secret = new_id(), new_secret()
    share = make_kind_token(SHARE, share_id, secret)
    assert share.startswith("ps_") and split_kind_token(SHARE, share) == (share_id, secret)
    api = make_kind_token(API, share_id, secret)
    assert api.startswith("pwa_") and split_kind_token(API, api) == (share_id, secret)
    # One kind is never taken for another, nor for a link token (whose id is hex).
    assert split_kind_token(API, share) is None and split_kind_token(SHARE, api) is None
    assert split_kind_token(SHARE, make_token("a3eb9d04d8", secret)) is None


def test_malformed_kind_tokens_are_refused():
    for token in [None, 42, "", "ps_", "ps_.x", "ps_abc", "ps_abc.", "ps_a b.c", "ps_a.b.c",
                  "ps_" + "a" * 200 + ".b", "PS_abc.def", "ps_abc.d\x00ef"]:
        assert split_kind_token(SHARE, token) is None, token


def test_an_api_secret_is_stored_as_its_sha256():
    secret = new_secret()
    assert hash_secret(secret) == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in hash_secret(secret)
