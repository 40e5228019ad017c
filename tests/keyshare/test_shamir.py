"""The field arithmetic: any k shares give the secret, k-1 say nothing about it."""

from __future__ import annotations

import itertools

import pytest

from safkat.keyshare import shamir
from safkat.keyshare.errors import KeyShareError
from safkat.keyshare.shamir import P, Share


def test_any_k_of_n_shares_give_the_secret_and_k_minus_1_do_not():
    secret = shamir.random_element()
    shares = shamir.split(secret, 3, [1, 2, 3, 4, 5])
    for chosen in itertools.combinations(shares, 3):
        assert shamir.combine(list(chosen)) == secret
    for chosen in itertools.combinations(shares, 2):
        assert shamir.combine(list(chosen)) != secret


def test_k_minus_1_shares_are_consistent_with_every_secret():
    """Information-theoretic hiding: for any candidate secret, some value of the missing
    share makes it the answer, so k-1 shares rule nothing out."""
    shares = shamir.split(shamir.random_element(), 3, [1, 2, 3])
    known = shares[:2]
    for candidate in (0, 1, shamir.random_element()):
        # the polynomial through (0, candidate) and the known points, evaluated at 3
        xs = [0] + [s.index for s in known]
        ys = [candidate] + [s.value for s in known]
        missing = 0
        for i, (xi, yi) in enumerate(zip(xs, ys, strict=True)):
            term = yi
            for j, xj in enumerate(xs):
                if j != i:
                    term = term * (3 - xj) * pow(xi - xj, -1, P) % P
            missing = (missing + term) % P
        points = [*known, Share(3, missing)]
        assert shamir.combine(points) == candidate


def test_redistribution_keeps_the_secret_and_old_shares_do_not_mix_with_new():
    secret = shamir.random_element()
    old = shamir.split(secret, 3, [1, 2, 3, 4, 5])
    senders = [old[0], old[2], old[4]]
    sub = {s.index: shamir.reshare(s, 2, [1, 2, 3, 4]) for s in senders}
    new = [shamir.combine_subshares(j, {i: sub[i][j] for i in sub}) for j in (1, 2, 3, 4)]
    for pair in itertools.combinations(new, 2):
        assert shamir.combine(list(pair)) == secret
    assert shamir.combine([new[0], old[1]]) != secret  # old index 2 is free in the new sharing
    assert shamir.combine([new[0], new[1], old[3]]) != secret


def test_threshold_and_indices_are_checked():
    with pytest.raises(KeyShareError):
        shamir.split(1, 4, [1, 2, 3])
    with pytest.raises(KeyShareError):
        shamir.split(1, 2, [1, 1, 2])
    with pytest.raises(KeyShareError):
        shamir.split(1, 1, [0, 1])
    with pytest.raises(KeyShareError):
        Share(1, P)
    with pytest.raises(KeyShareError):
        shamir.from_bytes(shamir.to_bytes(P - 1)[:31])
