"""Who delivers one-time codes: pluggable, so no outside service is needed to run
or test anything. E-mail goes through Django's mail (EMAIL_URL: the console by
default, SMTP when configured); text messages through an SMS gateway class named by
``ACCOUNTS_SMS_GATEWAY`` (the console one here; a real one implements ``send``)."""

from __future__ import annotations

import sys
from collections import deque

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class SmsGateway:
    """The interface of an SMS gateway: send ``text`` to mainland number ``phone``."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsGateway(SmsGateway):
    """Prints the message on standard output (development and the demo)."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class MemorySmsGateway(SmsGateway):
    """Keeps the last messages in memory (tests and benchmarks read ``outbox``)."""

    outbox: deque = deque(maxlen=200)

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append({"phone": phone, "text": text})


class EmailSender:
    def send(self, *, email: str, text: str) -> None:
        send_mail(
            _("Your verification code"),
            text,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=False,
        )


def sms_gateway() -> SmsGateway:
    return import_string(settings.ACCOUNTS_SMS_GATEWAY)()


def email_sender() -> EmailSender:
    return import_string(settings.ACCOUNTS_EMAIL_SENDER)()
