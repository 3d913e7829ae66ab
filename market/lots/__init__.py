"""The lots area."""
