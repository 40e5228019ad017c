"""The labels that bind a sealed share or a commitment to what it is for. The browser
builds the same strings (``static/js/keyshare/contexts.js``); a test compares them."""

from __future__ import annotations


def share_label(tender_id: int, epoch: int, member_id: int, index: int) -> bytes:
    """A member's share of a tender's commission secret, for one commission (``epoch``)."""
    return f"safkat share v1|tender={tender_id}|epoch={epoch}|member={member_id}|index={index}".encode()


def subshare_label(tender_id: int, epoch: int, senders: list[int], sender: int, member_id: int, index: int) -> bytes:
    """What old member ``sender`` gives new member ``member_id`` in a redistribution to
    commission ``epoch``; ``senders`` (the old indices taking part) are bound too, since
    the new member's arithmetic depends on them."""
    joined = ",".join(str(i) for i in sorted(senders))
    return (
        f"safkat subshare v1|tender={tender_id}|epoch={epoch}|senders={joined}|from={sender}"
        f"|member={member_id}|index={index}"
    ).encode()


def tender_label(tender_id: int) -> bytes:
    return f"safkat tender v1|tender={tender_id}".encode()
