"""Pluggable delivery of outbox messages: a log sender by default, SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger("market.notifications")


class Sender(Protocol):
    """Delivers one message; raises on failure."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Deliver the message to `to`."""


class LogSender:
    """Writes messages to the application log (the default, needs nothing)."""

    def __init__(self, channel: str = "email"):
        self.channel = channel

    def send(self, to: str, subject: str, body: str) -> None:
        """Log the message instead of sending it."""
        log.info("%s to %s: %s — %s", self.channel, to, subject, body)


class SmtpSender:
    """Sends e-mail through the SMTP server named in the configuration."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one e-mail."""
        cfg = current_app.config
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = cfg["MAIL_FROM"], to, subject
        msg.set_content(body)
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USER"]:
                smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
            smtp.send_message(msg)


class SmsGateway(Protocol):
    """Interface of an SMS gateway: implement it for a real provider."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Send a text message to the phone number `to`."""


def email_sender() -> Sender:
    """The configured e-mail sender."""
    return SmtpSender() if current_app.config.get("SMTP_HOST") else LogSender("email")


def sms_sender() -> Sender:
    """The configured SMS sender (only the log implementation ships)."""
    return LogSender("sms")
