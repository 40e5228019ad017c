"""Shamir's threshold sharing over the prime field of p = 2^255 - 19, and redistribution.

A prime field (rather than GF(2^128) as in pycryptodome) so that a 255-bit secret is
one share, and so that the browser can do the same arithmetic with ``BigInt`` in a few
lines (``static/js/keyshare/field.js``): the two implementations are checked against each
other in the tests. The polynomial's coefficients come from :mod:`secrets`.

Redistribution (re-sharing) gives a new commission shares of the *same* secret without
it ever existing in one place: each of ``k`` old members shares its own share with a new
random polynomial (``reshare``); each new member adds up what it received, weighted by
the Lagrange coefficients of the senders (``combine_subshares``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from safkat.errors import N_
from safkat.keyshare.errors import KeyShareError

P = 2**255 - 19
ELEMENT_BYTES = 32
MAX_INDEX = 255


@dataclass(frozen=True)
class Share:
    """The value at ``index`` (1..255) of the secret's polynomial."""

    index: int
    value: int

    def __post_init__(self):
        check_index(self.index)
        if not 0 <= self.value < P:
            raise KeyShareError(N_("A share is not a number of the field."))


def check_index(index: int) -> None:
    if not isinstance(index, int) or not 1 <= index <= MAX_INDEX:
        raise KeyShareError(N_("A share's index must be between 1 and 255."))


def random_element() -> int:
    return secrets.randbelow(P)


def to_bytes(value: int) -> bytes:
    return value.to_bytes(ELEMENT_BYTES, "big")


def from_bytes(data: bytes) -> int:
    value = int.from_bytes(data, "big")
    if len(data) != ELEMENT_BYTES or value >= P:
        raise KeyShareError(N_("A share is not a number of the field."))
    return value


def _evaluate(coefficients: list[int], x: int) -> int:
    result = 0
    for coefficient in reversed(coefficients):
        result = (result * x + coefficient) % P
    return result


def _check_threshold(threshold: int, indices: list[int]) -> None:
    for index in indices:
        check_index(index)
    if len(set(indices)) != len(indices):
        raise KeyShareError(N_("Two members cannot have the same share index."))
    if not 1 <= threshold <= len(indices):
        raise KeyShareError(N_("The quorum must be between 1 and the number of members."))


def split(secret: int, threshold: int, indices: list[int]) -> list[Share]:
    """Shares of ``secret`` at ``indices``; any ``threshold`` of them give it back."""
    _check_threshold(threshold, indices)
    coefficients = [secret % P] + [random_element() for _ in range(threshold - 1)]
    return [Share(index, _evaluate(coefficients, index)) for index in indices]


def lagrange_at_zero(indices: list[int]) -> dict[int, int]:
    """The weights that turn values at ``indices`` into the polynomial's value at 0."""
    _check_threshold(1, indices)
    weights = {}
    for i in indices:
        numerator, denominator = 1, 1
        for j in indices:
            if j != i:
                numerator = numerator * j % P
                denominator = denominator * (j - i) % P
        weights[i] = numerator * pow(denominator, -1, P) % P
    return weights


def combine(shares: list[Share]) -> int:
    """The secret, if the shares are at least the threshold and all of the same sharing.
    Fewer, or mixed, give a number unrelated to it: callers check the result."""
    if not shares:
        raise KeyShareError(N_("Fewer shares than the quorum: nothing can be decrypted yet."))
    weights = lagrange_at_zero([share.index for share in shares])
    return sum(weights[share.index] * share.value for share in shares) % P


def reshare(share: Share, new_threshold: int, new_indices: list[int]) -> dict[int, int]:
    """One old member's contribution to a redistribution: its share, split again for the
    new commission. Returns new index → sub-share (each to be sealed to that member)."""
    return {s.index: s.value for s in split(share.value, new_threshold, new_indices)}


def combine_subshares(new_index: int, received: dict[int, int]) -> Share:
    """A new member's share from the sub-shares of the old members ``received`` (old index
    → value). The senders must be at least the old threshold, all of the same sharing."""
    weights = lagrange_at_zero(list(received))
    return Share(new_index, sum(weights[i] * value for i, value in received.items()) % P)
