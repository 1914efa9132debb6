"""Delivery backends behind one interface. Console by default; email through Django's mail; SMS through a gateway.

Settings (all optional):
    ORGWORK_EMAIL_BACKEND = "orgwork.notifications.backends.DjangoEmail"
    ORGWORK_SMS_BACKEND   = "orgwork.notifications.backends.ConsoleSms"   # or HttpSms with ORGWORK_SMS_URL
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("orgwork.notifications")


@dataclass
class Message:
    address: str
    subject: str
    body: str


class Backend:
    channel = ""

    @property
    def name(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}"

    def send(self, message: Message) -> None:  # raises on failure
        raise NotImplementedError


class ConsoleEmail(Backend):
    channel = "email"

    def send(self, message: Message) -> None:
        log.info("email to %s: %s", message.address, message.subject)


class DjangoEmail(Backend):
    channel = "email"

    def send(self, message: Message) -> None:
        send_mail(message.subject, message.body, None, [message.address], fail_silently=False)


class ConsoleSms(Backend):
    channel = "sms"

    def send(self, message: Message) -> None:
        log.info("sms to %s: %s", message.address, message.body)


class HttpSms(Backend):
    """A provider's HTTP gateway: POST {"phone", "text"} as JSON to ORGWORK_SMS_URL."""

    channel = "sms"

    def send(self, message: Message) -> None:
        url = getattr(settings, "ORGWORK_SMS_URL", "")
        if not url:
            raise RuntimeError("ORGWORK_SMS_URL is not set")
        data = json.dumps({"phone": message.address, "text": message.body}, ensure_ascii=False).encode()
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            if resp.status >= 300:
                raise RuntimeError(f"SMS gateway answered {resp.status}")


DEFAULTS = {
    "email": "orgwork.notifications.backends.ConsoleEmail",
    "sms": "orgwork.notifications.backends.ConsoleSms",
}


def backend_for(channel: str) -> Backend:
    path = getattr(settings, f"ORGWORK_{channel.upper()}_BACKEND", DEFAULTS[channel])
    return import_string(path)()
