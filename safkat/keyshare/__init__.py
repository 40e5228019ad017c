"""Opening keys held jointly by the platform and the opening commission (issue 14).

Pure cryptography, no Flask and no database, so that the same operations run on the
server, in the member's command-line tool (:mod:`safkat.keyshare.member`) and, written
again in JavaScript, in the member's browser (``static/js/keyshare/``). The design and
the argument for each property are in ``docs/security.md`` ("Keys held by the commission").

- :mod:`~safkat.keyshare.shamir`: k-of-n sharing over the prime field of 2^255 - 19, and
  redistribution of the shares to a new commission.
- :mod:`~safkat.keyshare.sealing`: a share sealed to one member's X25519 public key.
- :mod:`~safkat.keyshare.tenderkey`: a tender's private key wrapped under both the
  platform's deadline-gated part and the commission's secret; per-share commitments.
- :mod:`~safkat.keyshare.backup`: a member's private key under a passphrase.
- :mod:`~safkat.keyshare.messages`: the JSON exchanged with the member's tool.

When the platform calls what: at publication, ``tenderkey.protect``; when a member hands
in a share, ``messages.parse_clear_share``, ``tenderkey.verify_share`` and
``tenderkey.keep_received_share``; at the opening, ``tenderkey.release_platform_part``,
``tenderkey.received_share`` and ``tenderkey.recover_private_key``; in a redistribution,
``messages.reshare_request`` / ``parse_reshare_reply`` for the old members, then
``messages.combine_request`` / ``parse_combine_reply`` for the new ones.
"""
