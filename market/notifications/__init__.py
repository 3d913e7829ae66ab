"""Notifications: the outbox, its delivery by queue tasks, the inbox pages."""

# Registers the session events that enqueue a message's delivery once it is committed.
from market.notifications import outbox  # noqa: F401
