"""The demo district: believable companies, lots, needs and logins."""
