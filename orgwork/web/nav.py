"""The console's left navigation, assembled from what each app registers in its AppConfig.ready().

    from orgwork.web.nav import register
    register(section="党员管理", label="党员信息导入", url_name="roster:import", order=30, roles=None)

`roles` limits an item to actors holding one of the given roles (None: every signed-in staff user).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    order: int = 50
    roles: tuple[str, ...] | None = None
    icon: str = ""


_ITEMS: dict[str, NavItem] = {}


def register(*, section: str, label: str, url_name: str, order: int = 50, roles=None, icon: str = "") -> NavItem:
    item = NavItem(section, label, url_name, order, tuple(roles) if roles else None, icon)
    _ITEMS[url_name] = item
    return item


def items_for(actor) -> list[NavItem]:
    out = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.label)):
        if item.roles is None or (actor is not None and actor.has_role(*item.roles)):
            out.append(item)
    return out
