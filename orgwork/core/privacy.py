"""Personal data: one masking function, who may read full values, and the audit of every full read.

Lists, pickers, API lists and exports show ID numbers and phones masked (`mask_id_number`, `mask_phone`).
The full value is shown on one person's page only to the roles in `FULL_VALUE_ROLES` holding a grant over
that person's org (the grant's subtree contains it), and each such read is an audit event
(`record_read`: who, which record, which fields). A bulk read — a roster export, masked or not — is one audit
event (`record_bulk_read`: who, scope, filters, row count, whether full values were included).

The system administrator (系统管理员) and Django superusers without a grant are operators: they see masked
values (separation of duties, 三员分立). The member role sees only its own record.
"""

from __future__ import annotations

import re

from django.db import transaction

from . import audit
from .actor import Actor
from .models import Role

# The personal fields that lists mask, with their Chinese labels (the member registry, applicants).
MASKED_FIELDS = {"id_number": "公民身份号码", "id_number_old": "原15位身份证号码", "phone": "联系电话"}

# Who may read each field in full on one person's page, in the roster export's full option and API details.
# Data, not code: a deployment that narrows it (e.g. phones for secretaries only) edits this table.
FULL_VALUE_ROLES: dict[str, frozenset[str]] = {
    "id_number": frozenset({Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY}),
    "id_number_old": frozenset({Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY}),
    "phone": frozenset({Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY}),
}

STAR = "*"


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _mask_short(text: str) -> str:
    """A value too short for the usual pattern: keep at most its last quarter, never the whole."""
    keep = len(text) // 4
    return STAR * (len(text) - keep) + (text[-keep:] if keep else "")


def mask_id_number(value) -> str:
    """An ID number as printed lists show it: first 6 and last 4 characters, stars between.

    18 characters → 6 + 8 stars + 4; 15-digit (old cards) → 6 + 5 stars + 4; anything shorter than 11
    characters (a typo, a passport fragment) keeps only its last quarter. Empty stays empty.
    """
    text = _text(value)
    if not text:
        return ""
    if len(text) < 11:
        return _mask_short(text)
    return text[:6] + STAR * (len(text) - 10) + text[-4:]


def mask_phone(value) -> str:
    """A phone number: first 3 and last 4 characters with stars between (138****8000, 083*****3456).

    Separators (-, space) in the hidden part are kept so a landline still reads as one; values shorter than 8
    characters keep only their last quarter. Empty stays empty.
    """
    text = _text(value)
    if not text:
        return ""
    if len(text) < 8:
        return _mask_short(text)
    middle = "".join(c if c in "- " else STAR for c in text[3:-4])
    return text[:3] + middle + text[-4:]


MASKERS = {"id_number": mask_id_number, "id_number_old": mask_id_number, "phone": mask_phone}


def mask(field: str, value) -> str:
    """Mask the value of a personal field by its name (`id_number`, `phone`, or a field ending in `_phone`)."""
    if field in MASKERS:
        return MASKERS[field](value)
    if field.endswith("phone"):
        return mask_phone(value)
    return _text(value)


# Inside free text (import error messages): any run of 10+ digits (an ID number, a mobile, a mistyped one) and
# mobiles written with separators. Runs of 15+ are masked as ID numbers, shorter ones as phones.
_DIGITS_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{9,}[\dXx])(?![0-9A-Za-z])")
_SPACED_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1\d{2}[- ]\d{4}[- ]\d{4})(?![0-9])")


def mask_text(value) -> str:
    """Free text with every ID number and phone-like number in it masked (error tables, messages)."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    text = _DIGITS_IN_TEXT.sub(lambda m: (mask_id_number if len(m.group(1)) >= 15 else mask_phone)(m.group(1)), text)
    return _SPACED_MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)


# --- who may read full values -------------------------------------------------------------------


def may_read_full(actor: Actor | None, org_path: str, field: str = "id_number") -> bool:
    """Whether the actor holds a role that needs `field` in full over the org at `org_path`."""
    if actor is None:
        return False
    if actor.system:
        return True  # management commands and jobs run by the operator of the deployment
    roles = FULL_VALUE_ROLES.get(field, frozenset())
    if not org_path:
        return False
    return any(g.role in roles and org_path.startswith(g.path) for g in actor.effective_grants)


def readable_fields(actor: Actor | None, org_path: str, fields=None) -> list[str]:
    """The personal fields the actor may read in full on one record of the org at `org_path`."""
    return [f for f in (fields or MASKED_FIELDS) if may_read_full(actor, org_path, f)]


def may_export_full(actor: Actor | None, org_path: str | None) -> bool:
    """Full values in a bulk export: every field, over the whole exported scope (one org, or all of the actor's)."""
    if actor is None:
        return False
    if actor.system:
        return True
    paths = [org_path] if org_path else actor.subtree_paths()
    return bool(paths) and all(may_read_full(actor, p, f) for p in paths for f in MASKED_FIELDS)


# --- the audit of reads -------------------------------------------------------------------------


def record_read(actor: Actor, obj, fields, *, via: str = "web", org_path: str | None = None):
    """One audit event: `actor` read `fields` of `obj` (a member, an applicant) in full. Its own transaction."""
    fields = [f for f in fields if f in MASKED_FIELDS]
    if not fields:
        return None
    entry = audit.entry_for(obj, "personal.read", data={"fields": fields, "labels": [MASKED_FIELDS[f] for f in fields], "via": via}, org_path=org_path)
    return audit.append(actor, [entry])[0]  # the lock on the chain's head is not held across the disk flush


def record_bulk_read(
    actor: Actor, *, kind: str, org_path: str, scope_label: str, filters: dict, rows: int, full_fields=(), fields=()
):
    """One audit event for one bulk read (an export): who, which scope, which filters, how many rows, full or masked."""
    entry = audit.Entry(
        action="personal.bulk_read",
        object_type=kind,
        object_id="",
        object_repr=f"{scope_label} · {rows} 行"[:200],
        org_path=org_path or "",
        data={
            "kind": kind,
            "scope": scope_label,
            "filters": filters,
            "rows": rows,
            "full_values": list(full_fields),
            "fields": list(fields),
        },
    )
    with transaction.atomic():
        return audit.record_many(actor, [entry])[0]
