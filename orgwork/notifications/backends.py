"""Delivery backends behind one interface: email through Django's mail (EMAIL_BACKEND decides where it goes:
SMTP in production, the console in development, locmem in tests); SMS through the kernel's gateway
(`orgwork.core.sms`, chosen by ORGWORK_SMS_GATEWAY).

Settings (optional): ORGWORK_EMAIL_BACKEND / ORGWORK_SMS_BACKEND name another Backend class.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from orgwork.core import sms

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

    def send(self, message: Message) -> str | None:  # raises on failure; returns the provider's message id if any
        raise NotImplementedError


class DjangoEmail(Backend):
    channel = "email"

    def send(self, message: Message) -> None:
        send_mail(f"【组工云】{message.subject}", message.body, None, [message.address], fail_silently=False)


class GatewaySms(Backend):
    channel = "sms"

    def __init__(self):
        self.gateway = sms.gateway()

    @property
    def name(self) -> str:
        return self.gateway.name

    def send(self, message: Message) -> str | None:
        return self.gateway.send(phone=message.address, text=message.body)


DEFAULTS = {
    "email": "orgwork.notifications.backends.DjangoEmail",
    "sms": "orgwork.notifications.backends.GatewaySms",
}


def backend_for(channel: str) -> Backend:
    path = getattr(settings, f"ORGWORK_{channel.upper()}_BACKEND", DEFAULTS[channel])
    return import_string(path)()
