"""Sealed bids: submission, encryption at rest, receipts, deadline, opening."""
