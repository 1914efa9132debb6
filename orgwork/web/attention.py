"""“What needs attention”: one list on the home page fed by every module.

A module registers a provider in its AppConfig.ready():

    from orgwork.web.attention import register, Item
    @register("orgs.structure")
    def structure(actor, under=None):
        return [Item(kind="structure", title="…", detail="…", url="/orgs/12/", severity="warning", due=None)]

Providers get the actor (already narrowed to the chosen scope) and must read through selectors.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    severity: str = "warning"  # "danger" (overdue), "warning", "info"
    due: dt.date | None = None
    org_id: int | None = None


_PROVIDERS: dict[str, Callable] = {}


def register(name: str):
    def deco(fn):
        _PROVIDERS[name] = fn
        return fn

    return deco


def collect(actor, *, under=None, limit: int | None = None) -> list[Item]:
    items: list[Item] = []
    for name, provider in sorted(_PROVIDERS.items()):
        try:
            items.extend(provider(actor, under=under))
        except Exception:  # one broken module must not take the home page down
            log.exception("attention provider %s failed", name)
    rank = {"danger": 0, "warning": 1, "info": 2}
    items.sort(key=lambda i: (rank.get(i.severity, 3), i.due or dt.date.max, i.title))
    return items[:limit] if limit else items


def providers() -> list[str]:
    return sorted(_PROVIDERS)
