"""Link tokens: unguessable, parsed strictly, compared in constant time."""

from workshop.domain.tokens import (
    SECRET_BYTES,
    make_token,
    new_secret,
    secrets_match,
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
