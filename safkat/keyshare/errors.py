"""Why a key operation was refused. Messages are msgids (translated by the view)."""

from __future__ import annotations

from safkat.errors import N_, DomainError


class KeyShareError(DomainError):
    """A key, a share or a backup does not hold; nothing was decrypted."""


class ShareRefused(KeyShareError):
    """One member's share does not match what was recorded for it: corrupt, from another
    tender or from a replaced commission. ``member_id`` names whose it claimed to be."""

    def __init__(self, member_id: int, index: int):
        super().__init__(N_("The share of member %(member)s does not match this tender's record."), member=member_id)
        self.member_id, self.index = member_id, index


class BackupError(KeyShareError):
    """A member's key backup cannot be read: wrong passphrase, or not a Safkat backup."""
