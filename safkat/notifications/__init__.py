"""Outbox, e-mail delivery, subscriptions and reminders."""
