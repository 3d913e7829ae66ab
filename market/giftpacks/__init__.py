"""The giftpacks area."""
