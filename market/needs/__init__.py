"""The needs area."""
