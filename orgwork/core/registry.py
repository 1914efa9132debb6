"""Registries every app contributes to in its AppConfig.ready(); the shell (web) and the kernel read them.

Apps never import the shell. They register here:

    from orgwork.core import registry
    registry.nav(section=_("党费管理"), label=_("党费台账"), url_name="dues:ledger", order=35)

    @registry.attention("dues.arrears")
    def arrears_items(actor, under=None):
        return [registry.Item(kind="arrears", title="…", url="/dues/arrears/", severity="warning")]

    registry.search("members", search_members)        # global search box
    registry.card("stats.members", render_card, order=10)  # home-page dashboard cards
    registry.set_counter_sink(counters_module)         # per-org counters (the stats app)

Attention providers get the actor (already narrowed to the chosen scope) and read through selectors.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


# --- navigation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    order: int = 50
    roles: tuple[str, ...] | None = None
    icon: str = ""


_NAV: dict[str, NavItem] = {}


def nav(*, section: str, label: str, url_name: str, order: int = 50, roles=None, icon: str = "") -> NavItem:
    """One entry in the console's left navigation. `roles` limits it to actors holding one of them."""
    item = NavItem(section, label, url_name, order, tuple(roles) if roles else None, icon)
    _NAV[url_name] = item
    return item


def nav_items_for(actor) -> list[NavItem]:
    out = []
    for item in sorted(_NAV.values(), key=lambda i: (i.order, str(i.label))):
        if item.roles is None or (actor is not None and actor.has_role(*item.roles)):
            out.append(item)
    return out


# --- attention ("what needs attention" on the home page) --------------------------------------
@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    severity: str = "warning"  # "danger" (overdue), "warning", "info"
    due: dt.date | None = None
    org_id: int | None = None


_ATTENTION: dict[str, Callable] = {}


def attention(name: str):
    def deco(fn):
        _ATTENTION[name] = fn
        return fn

    return deco


def collect_attention(actor, *, under=None, limit: int | None = None) -> list[Item]:
    items: list[Item] = []
    for name, provider in sorted(_ATTENTION.items()):
        try:
            items.extend(provider(actor, under=under))
        except Exception:  # one broken module must not take the home page down
            log.exception("attention provider %s failed", name)
    rank = {"danger": 0, "warning": 1, "info": 2}
    items.sort(key=lambda i: (rank.get(i.severity, 3), i.due or dt.date.max, str(i.title)))
    return items[:limit] if limit else items


def attention_providers() -> list[str]:
    return sorted(_ATTENTION)


# --- search providers (the console's global search) -------------------------------------------
@dataclass(frozen=True)
class SearchProvider:
    name: str
    label: str
    fn: Callable  # fn(actor, q, *, limit) -> list[dict(title, detail, url)]
    order: int = 50


_SEARCH: dict[str, SearchProvider] = {}


def search(name: str, fn: Callable, *, label: str = "", order: int = 50) -> None:
    _SEARCH[name] = SearchProvider(name, label or name, fn, order)


def search_providers() -> list[SearchProvider]:
    return sorted(_SEARCH.values(), key=lambda p: (p.order, p.name))


# --- dashboard cards --------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    name: str
    fn: Callable  # fn(actor, under=None) -> dict(title, value, detail, url) or None
    order: int = 50
    roles: tuple[str, ...] | None = None


_CARDS: dict[str, Card] = {}


def card(name: str, fn: Callable, *, order: int = 50, roles=None) -> None:
    _CARDS[name] = Card(name, fn, order, tuple(roles) if roles else None)


def cards_for(actor, *, under=None) -> list[dict]:
    out = []
    for c in sorted(_CARDS.values(), key=lambda c: (c.order, c.name)):
        if c.roles is not None and not actor.has_role(*c.roles):
            continue
        try:
            value = c.fn(actor, under=under)
        except Exception:
            log.exception("dashboard card %s failed", c.name)
            continue
        if value:
            out.append(value)
    return out


# --- per-org counters (a port the registries write through; the stats app implements it) ------
class _NoCounters:
    """Used until an app registers the real counters (e.g. a deployment without statistics)."""

    def snapshot(self, member):
        return None

    def apply_member_change(self, before, after):
        return None

    def members_added(self, members, sectors=None, *, rows=None, loaded=None):
        return None

    def load_for_update(self, org_ids, have=None):
        return {}

    def count_rows(self, rows, sectors):
        return {}

    def tally_rows(self, rows, sectors, out, memo=None):
        return None

    def add_counts(self, *parts, loaded=None, meanwhile=None):
        if meanwhile is not None:
            meanwhile()

    def subtree_moved(self, *, org_id, old_path, new_path):
        return None

    def sector_changed(self, *, org, old, new):
        return None


_counter_sink = _NoCounters()


def set_counter_sink(sink) -> None:
    global _counter_sink
    _counter_sink = sink


def counters():
    """The registered per-org counter implementation (members and orgs services call it inside their transactions)."""
    return _counter_sink
