"""The matching area."""
