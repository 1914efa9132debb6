"""Every write to the member registry: keyword-only arguments, one transaction, audit events inside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, params, registry
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import clean_text
from orgwork.core.pinyin import name_pinyin
from orgwork.core.scope import scope
from orgwork.orgs.models import Org, OrgKind

from .models import Category, Member, MemberStatusChange, Standing, StatusAction
from .validation import FIELD_LABELS, clean_member, phone_tail

RECORD_FIELDS = (
    "name",
    "gender",
    "id_number",
    "id_number_old",
    "ethnicity",
    "birth_date",
    "education",
    "category",
    "joined_on",
    "confirmed_on",
    "job",
    "phone",
    "address",
    "lost_contact",
    "lost_contact_on",
)
# Fields a plain edit may change; category and standing change only through status actions.
EDITABLE_FIELDS = tuple(f for f in RECORD_FIELDS if f not in {"category", "id_number_old"})


def writable_org(actor: Actor, org_id) -> Org:
    org = params.writable_org(actor, org_id, label=_("所在党组织"), abolished_code="bad_value")
    if org.kind == OrgKind.GROUP:
        raise ServiceError.single("org", "bad_value", _("党员应编入党支部，党小组请在党员信息中另行设置"))
    return org


def _writable_member(actor: Actor, member_id) -> Member:
    try:
        return scope(Member.objects.select_for_update().select_related("org"), actor, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _derive(member: Member) -> None:
    # (id_tail, the ID number reversed, is written by every save: core.fields.ReversedCopyField)
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    member.phone_tail = phone_tail(member.phone or "")


@transaction.atomic
def create_member(*, actor: Actor, org_id: int, today: dt.date | None = None, **fields) -> Member:
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    org = writable_org(actor, org_id)
    values = clean_member(fields, today=today)
    if Member.objects.filter(id_number=values["id_number"]).exists():
        raise ServiceError.single("id_number", "duplicate_existing", _("该公民身份号码的党员已在系统中"))
    member = Member(org=org, standing=Standing.NORMAL, **values)
    _derive(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ServiceError.single("id_number", "duplicate_existing", _("该公民身份号码的党员已在系统中")) from None
    audit.record(actor, "member.create", member, changes=audit.diff({}, {**values, "org": org.pk}))
    registry.counters().apply_member_change(None, member)
    return member


@transaction.atomic
def update_member(*, actor: Actor, member_id: int, today: dt.date | None = None, **fields) -> Member:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        bad = sorted(unknown)
        if "category" in bad or "standing" in bad:
            raise ServiceError.single(bad[0], "use_status_action", _("人员类别和党籍状态只能通过“转正、停止党籍、除名…”等操作变更"))
        raise TypeError(f"unknown member fields: {bad}")
    member = _writable_member(actor, member_id)
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("standing", "bad_value", _("党籍状态为“%(standing)s”的党员不能修改，请先办理恢复") % {"standing": member.get_standing_display()})
    current = audit.snapshot(member, RECORD_FIELDS)
    counted = registry.counters().snapshot(member)
    values = clean_member(fields, partial=True, current=current, today=today)
    if "id_number" in values and values["id_number"] != member.id_number:
        if Member.objects.filter(id_number=values["id_number"]).exclude(pk=member.pk).exists():
            raise ServiceError.single("id_number", "duplicate_existing", _("该公民身份号码的党员已在系统中"))
    for key, value in values.items():
        setattr(member, key, value)
    changes = audit.diff(current, audit.snapshot(member, RECORD_FIELDS))
    if not changes:
        return member
    _derive(member)
    member.save()
    audit.record(actor, "member.update", member, changes=changes)
    registry.counters().apply_member_change(counted, member)
    return member


@transaction.atomic
def move_member(*, actor: Actor, member_id: int, org_id: int, on: dt.date, reason: str) -> Member:
    """Put a member in another org of the same deployment (a correction or an approved transfer)."""
    member = _writable_member(actor, member_id)
    target = writable_org(actor, org_id)
    reason = clean_text(reason)
    errors = []
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写原因")))
    if target.pk == member.org_id:
        errors.append(FieldError("org", "bad_value", _("党员已在该党组织")))
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > dt.date.today():
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))
    if errors:
        raise ServiceError(errors)
    old = member.org
    counted = registry.counters().snapshot(member)
    member.org = target
    member.party_group = None  # a party group belongs to the branch the member leaves
    old_top, member.top_org_id = member.top_org_id, distribution.top_org_id_for_path(target.path)
    member.save(update_fields=["org", "party_group", "top_org", "updated_at"])
    if member.top_org_id != old_top:  # under another top-level org: the member's rows follow (the distribution column)
        distribution.member_moved(member_id=member.pk, top_org_id=member.top_org_id)
    registry.counters().apply_member_change(counted, member)
    audit.record(actor, "member.move", member, org_path=target.path, changes={"org": [old.pk, target.pk]}, data={"from": old.path, "reason": reason, "on": on})
    return member


# action → (allowed from (category, standing) check, resulting changes)
def _apply_status(member: Member, action: str, on: dt.date) -> dict:
    """Return the field changes for an action, or raise ServiceError if it does not apply."""
    s, c = member.standing, member.category
    bad = None
    changes: dict = {}
    if action == StatusAction.CONFIRM:
        if s != Standing.NORMAL or c != Category.PROBATIONARY:
            bad = _("只有预备党员可以转为正式党员")
        elif on <= member.joined_on:
            raise ServiceError.single("on", "date_order", _("转正日期应晚于入党日期"))
        else:
            changes = {"category": Category.FULL, "confirmed_on": on}
    elif action == StatusAction.SUSPEND:
        if s != Standing.NORMAL:
            bad = _("只有党籍正常的党员可以停止党籍")
        changes = {"standing": Standing.SUSPENDED, "standing_since": on}
    elif action == StatusAction.RESTORE:
        if s != Standing.SUSPENDED:
            bad = _("只有停止党籍的党员可以恢复党籍")
        changes = {"standing": Standing.NORMAL, "standing_since": on, "lost_contact": False, "lost_contact_on": None}
    elif action in (StatusAction.REMOVE, StatusAction.EXIT):
        if s not in (Standing.NORMAL, Standing.SUSPENDED):
            bad = _("该党员已不在册")
        changes = {"standing": Standing.REMOVED if action == StatusAction.REMOVE else Standing.EXITED, "standing_since": on}
    elif action == StatusAction.DECEASE:
        if s in (Standing.DECEASED, Standing.TRANSFERRED_OUT):
            bad = _("该党员已不在册")
        changes = {"standing": Standing.DECEASED, "standing_since": on}
    elif action == StatusAction.TRANSFER_OUT:
        if s != Standing.NORMAL:
            bad = _("只有党籍正常的党员可以转出")
        changes = {"standing": Standing.TRANSFERRED_OUT, "standing_since": on}
    elif action == StatusAction.LOST_CONTACT:
        if s != Standing.NORMAL or member.lost_contact:
            bad = _("该党员已标记失联或不在册")
        changes = {"lost_contact": True, "lost_contact_on": on}
    elif action == StatusAction.FOUND_CONTACT:
        if not member.lost_contact:
            bad = _("该党员未标记失联")
        changes = {"lost_contact": False, "lost_contact_on": None}
    else:
        raise ServiceError.single("action", "bad_value", _("未知的变动类型“%(action)s”") % {"action": action})
    if bad:
        raise ServiceError.single("action", "not_allowed", _("%(bad)s（当前：%(status_label)s）") % {"bad": bad, "status_label": member.status_label})
    return changes


@transaction.atomic
def change_status(*, actor: Actor, member_id: int, action: str, on: dt.date | None, reason: str) -> MemberStatusChange:
    """转正, 停止党籍, 恢复, 除名, 出党, 去世, 转出, 失联: each with a date and a reason, kept as history."""
    member = _writable_member(actor, member_id)
    reason = clean_text(reason)
    errors = []
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > dt.date.today():
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))
    elif on < member.joined_on:
        errors.append(FieldError("on", "date_order", _("日期不能早于入党日期")))
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写原因")))
    elif len(reason) > 500:
        errors.append(FieldError("reason", "bad_value", _("原因不能超过500字")))
    if errors:
        raise ServiceError(errors)
    changes = _apply_status(member, action, on)
    before = {k: getattr(member, k) for k in changes}
    counted = registry.counters().snapshot(member)
    for key, value in changes.items():
        setattr(member, key, value)
    member.save(update_fields=[*changes, "updated_at"])
    registry.counters().apply_member_change(counted, member)
    change = MemberStatusChange.objects.create(
        member=member,
        action=action,
        effective_on=on,
        reason=reason,
        before=audit.to_json(before),
        after=audit.to_json(changes),
        actor_id=actor.user_id,
        actor_label=actor.label,
        org_path=member.org.path,
    )
    audit.record(actor, f"member.{action}", member, changes=audit.diff(before, changes), data={"reason": reason, "on": on})
    return change


@transaction.atomic
def record_transfer_in(*, actor: Actor, member_id: int, on: dt.date, reason: str, from_org: str = "") -> MemberStatusChange:
    """A received transfer (组织关系转入) in the member's 党籍变动记录: the standing does not change, the org did."""
    member = _writable_member(actor, member_id)
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写原因"))
    change = MemberStatusChange.objects.create(
        member=member,
        action=StatusAction.TRANSFER_IN,
        effective_on=on,
        reason=reason[:500],
        before={"org": clean_text(from_org)[:200]} if from_org else {},
        after={"org": member.org.name, "org_id": member.org_id},
        actor_id=actor.user_id,
        actor_label=actor.label,
        org_path=member.org.path,
    )
    audit.record(actor, "member.transfer_in", member, data={"reason": reason, "on": on, "from": from_org})
    return change


REJOINABLE = (Standing.EXITED, Standing.REMOVED)


def rejoinable_record(id_number: str) -> Member | None:
    """An earlier record of the same person who left (劝退, 除名, 自行脱党, 退党, 开除): they re-join only through the
    development procedure (党员教育管理工作条例 第二十四条), and the new membership continues the same record."""
    return Member.objects.filter(id_number=id_number, standing__in=REJOINABLE).first()


@transaction.atomic
def rejoin(*, actor: Actor, id_number: str, org_id: int, joined_on: dt.date, reason: str, today: dt.date | None = None, **fields) -> Member:
    """Re-admission through the development procedure: one person, both memberships linked on one record.

    Only a member who left (出党/除名) re-joins this way, with new dates; a suspended membership (停止党籍) is restored
    instead (`change_status(action="restore")`), never re-joined (党员教育管理工作条例 第二十四条). The earlier
    membership (dates, standing, org) is kept in the 党籍变动记录 row this writes, and every earlier record (status
    history, dues, meetings) stays attached to the same person. The person is found by the ID number: the earlier
    record may sit in an org outside the admitting branch's scope; the admission there is what authorizes it.
    """
    member = Member.objects.select_for_update().select_related("org").filter(id_number=clean_text(id_number).upper()).first()
    if member is None:
        raise NotFound()
    if member.standing not in REJOINABLE:
        if member.standing == Standing.SUSPENDED:
            raise ServiceError.single("member", "restore_instead", _("停止党籍的党员应办理恢复党籍，不经发展程序重新入党"))
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”，不能重新入党") % {"standing": member.get_standing_display()})
    org = writable_org(actor, org_id)
    reason = clean_text(reason)
    if joined_on is None:
        raise ServiceError.single("joined_on", "required", _("请填写入党日期"))
    if member.standing_since and joined_on <= member.standing_since:
        raise ServiceError.single("joined_on", "date_order", _("重新入党日期应晚于原%(standing)s日期（%(standing_since)s）") % {"standing": member.get_standing_display(), "standing_since": format(member.standing_since, '%Y-%m-%d')})
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"gender", "birth_date"}
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    current = audit.snapshot(member, RECORD_FIELDS)
    values = clean_member({k: v for k, v in fields.items() if v not in (None, "")}, partial=True, current=current, today=today) if fields else {}
    before = {
        "joined_on": member.joined_on, "confirmed_on": member.confirmed_on, "category": member.category, "standing": member.standing,
        "standing_since": member.standing_since, "org": member.org.name, "org_id": member.org_id,
    }  # fmt: skip
    counted = registry.counters().snapshot(member)
    for key, value in values.items():
        setattr(member, key, value)
    member.org = org
    member.joined_on = joined_on
    member.confirmed_on = None
    member.category = Category.PROBATIONARY
    member.standing = Standing.NORMAL
    member.standing_since = joined_on
    member.lost_contact, member.lost_contact_on = False, None
    _derive(member)
    old_top, member.top_org_id = member.top_org_id, distribution.top_org_id_for_path(org.path)
    member.save()
    if member.top_org_id != old_top:  # re-admitted under another top-level org: the earlier rows follow
        distribution.member_moved(member_id=member.pk, top_org_id=member.top_org_id)
    registry.counters().apply_member_change(counted, member)
    after = {"joined_on": joined_on, "category": Category.PROBATIONARY, "standing": Standing.NORMAL, "org": org.name, "org_id": org.pk}
    MemberStatusChange.objects.create(
        member=member,
        action=StatusAction.REJOIN,
        effective_on=joined_on,
        reason=(reason or "经发展程序重新入党")[:500],
        before=audit.to_json(before),
        after=audit.to_json(after),
        actor_id=actor.user_id,
        actor_label=actor.label,
        org_path=org.path,
    )
    audit.record(actor, "member.rejoin", member, changes=audit.diff(before, after), data={"reason": reason, "earlier": audit.to_json(before)})
    return member


@transaction.atomic
def link_user(*, actor: Actor, member_id: int, user) -> Member:
    member = _writable_member(actor, member_id)
    before = member.user_id
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit.record(actor, "member.link_user", member, changes={"user": [before, user.pk if user else None]})
    if user is not None:
        from orgwork.orgs import services as org_services

        org_services.grant_post_roles(actor=actor, member_id=member.pk)  # a secretary's account reaches the console
    return member


BATCH_ACTIONS = ("member.import", "member.import_national", "member.demo", "member.bench")
DIGEST_FIELDS = ("name", "gender", "id_number", "id_number_old", "ethnicity", "birth_date", "education", "category", "org_id", "joined_on", "confirmed_on", "job", "phone", "address", "lost_contact", "lost_contact_on")


def row_digest(pk: int, values: dict) -> str:
    """The digest a batch audit event keeps for one inserted member: SHA-256 (first 32 hex digits) over the id and
    the record fields as stored (joined by U+001F; None as "", dates ISO, booleans True/False), so a record can
    later be checked against what the import wrote."""
    texts = [v if v.__class__ is str else "" if v is None else str(v) for v in (values.get(f) for f in DIGEST_FIELDS)]
    return _digest_of((str(pk), *texts))


def _digest_of(texts: tuple) -> str:
    """The digest of the id and the DIGEST_FIELDS as text (row_digest; MemberRows' made builders, which write the
    texts out per column)."""
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:32]


def _insert_columns():
    skip = {"id"}
    return [f for f in Member._meta.concrete_fields if f.attname not in skip]


@transaction.atomic
def bulk_create_members(*, actor: Actor, rows: list[dict], action: str = "member.import", batch_size: int = 5000, data: dict | None = None) -> int:
    """Insert already-validated rows (each with `org` and the record fields) in one pass, with ONE audit event for
    the batch that carries a digest of every inserted row ({member id: digest}, see `row_digest`).

    The caller (file import, demo loader) has validated every row and checked duplicates; the unique index on the
    ID number still guards against a race, failing the whole transaction. The rows go in with the database's bulk
    path (COPY on PostgreSQL, one prepared executemany on SQLite) instead of model instances; derived columns
    (pinyin, reversed ID and phone digits) are filled as `_derive` does for single records. The per-org counters are
    updated once per touched org. A file import builds the rows in a separate process and hands them to
    `BulkMemberWriter` chunk by chunk (roster.importer); this is the same two steps in one process.
    """
    if not rows:
        return 0
    builder = MemberRows({row["org"].pk: row["org"] for row in rows}.values())
    with BulkMemberWriter(actor=actor, action=action, builder=builder, data=data) as writer:
        for start in range(0, len(rows), batch_size):
            part = rows[start : start + batch_size]
            writer.insert([builder.build(row, row["org"].pk, pk) for row, pk in zip(part, writer.reserve(len(part)), strict=True)])
        return writer.finish()


class MemberRows:
    """Turns validated values into the rows the members table stores: pure computation, no database, so a file
    import can run it in its check process (core.forked). Made in the parent with every org the rows may go to (it
    reads their distribution roots once).

    `build(values, org_id, pk)` gives (id, row, digest, counted): the row's values in `sent` order for SQLite's
    INSERT, or on PostgreSQL the line COPY reads with every column; its digest (see `row_digest`); and the member as
    the counters count it (stats.counters ROW_FIELDS). The id comes from `BulkMemberWriter.reserve`."""

    def __init__(self, orgs, *, vendor: str | None = None):
        from django.db import connection, models
        from django.utils import timezone

        self.vendor = vendor or connection.vendor
        now = timezone.now()
        fields = _insert_columns()
        self.columns = ["id", *(f.attname for f in fields)]
        at = {n: i for i, n in enumerate(self.columns)}
        at["org"] = at["org_id"]  # overwritten by the org id
        self.at = at
        defaults = {f.attname: f.get_default() for f in fields}
        defaults.update(standing=Standing.NORMAL, standing_since=None, created_at=now, updated_at=now, party_group_id=None, user_id=None)
        template = [None, *(defaults[n] for n in self.columns[1:])]
        # Every value a plain str, int, bool or None, so a chunk of rows travels between processes as cheaply as
        # possible (marshal): dates as ISO text (what Django's SQLite backend stores, and what COPY reads), the
        # timestamps (the same for every row) converted once, choices as their stored text.
        self.days: list[int] = []
        self.choices: list[int] = []
        for i, f in enumerate(fields, 1):
            if isinstance(f, models.DateTimeField):
                template[i] = connection.ops.adapt_datetimefield_value(template[i]) if self.vendor != "postgresql" else template[i].isoformat()
            elif isinstance(f, models.DateField):
                self.days.append(i)
            elif f.choices:
                self.choices.append(i)
            if template[i].__class__ is not str and isinstance(template[i], str):
                template[i] = str(template[i])
        self.template = template
        # On SQLite the columns every new member has alike go into the INSERT as literals, not into each row: fewer
        # values to send from a check process and to bind per row (PostgreSQL's COPY lines carry every column).
        self.fixed: dict[str, str] = {}
        if self.vendor != "postgresql":
            self.fixed = {n: _sql_literal(template[at[n]]) for n in FIXED_ON_INSERT}
        self.sent = [n for n in self.columns if n not in self.fixed]
        orgs = list(orgs)
        roots = distribution.root_ids({o.path for o in orgs})  # the distribution column (core.distribution)
        self.top_of = {o.pk: roots.get(distribution.root_path(o.path)) for o in orgs}
        self.sector_of = {o.pk: o.sector for o in orgs}
        self.path_of = {o.pk: o.path for o in orgs}
        self._made: dict[tuple, object] = {}  # the builder for each key set the values came with (see _make)

    def build(self, values: dict, org_id: int, pk: int) -> tuple[int, tuple | bytes, str, tuple]:
        # runs once per imported member: through a function made for the keys the values come with (a file's rows
        # all come with the same few key sets), in which every column is a local and the row one tuple expression
        keys = tuple(values)
        made = self._made.get(keys)
        if made is None:
            made = self._made[keys] = self._make(keys)
        return made(values, org_id, pk)

    def _make(self, keys: tuple):
        """The builder for values with these keys: the generic steps of `build` resolved once per key set — which
        column comes from the values, which is derived (pinyin, reversed digits, the distribution root), which is
        the template's constant — written out as one function (members/tests/test_bulk_insert.py compares it with
        the step-by-step reading of each column)."""
        if self.fixed and not self.fixed.keys().isdisjoint(keys):
            raise ValueError(f"a bulk insert sets {sorted(self.fixed.keys() & set(keys))} alike for every row")
        unknown = [k for k in keys if k not in self.at]
        if unknown:
            raise KeyError(unknown[0])
        given = {("org_id" if k == "org" else k) for k in keys if k != "org"}
        choices = {self.columns[i] for i in self.choices}
        days = {self.columns[i] for i in self.days}
        env = {"top_of": self.top_of, "name_pinyin": name_pinyin, "phone_tail": phone_tail, "digest_of": _digest_of, "T": self.template}
        lines = ["def made(values, org_id, pk):"]
        local = {}  # column -> the local holding its value as stored
        for i, n in enumerate(self.columns):
            v = f"c{i}"
            local[n] = v
            if i == 0:
                lines.append(f"    {v} = values['id']" if "id" in given else f"    {v} = pk")
            elif n == "org_id":
                lines.append(f"    {v} = org_id")
            elif n in given:
                lines.append(f"    {v} = values[{n!r}]")
                if n in choices:
                    lines.append(f"    if {v}.__class__ is not str and {v} is not None: {v} = str({v})  # an enum member of the choices")
            else:
                lines.append(f"    {v} = T[{i}]")
        c = local
        lines += [
            f"    {c['top_org_id']} = top_of[org_id]",
            f"    {c['name_pinyin']}, {c['name_initials']} = name_pinyin({c['name']})",
            f"    {c['id_tail']} = {c['id_number']}[::-1]",
            f"    if {c['phone']} is None: {c['phone']} = ''",
            # a phone as validated is digits (a mobile, nearly always) or digits and hyphens
            f"    p = {c['phone']}",
            f"    {c['phone_tail']} = p[::-1] if p.isdigit() else phone_tail(p) if p else ''",
            f"    b, j, f = {c['birth_date']}, {c['joined_on']}, {c['confirmed_on']}",
            "    counted = ({}, b.year if b else None, j.year if j else None, f.year if f else None)".format(
                ", ".join(c[k] for k in ("org_id", "standing", "category", "gender", "education", "ethnicity", "lost_contact"))
            ),
        ]
        for n in days:
            if n in given:  # str() of a date is the same text: the digest below reads it alike
                lines.append(f"    if {local[n]} is not None: {local[n]} = {local[n]}.isoformat()")
        parts = []
        for n in DIGEST_FIELDS:
            v = local[n]
            if n == "org_id":
                parts.append("str(org_id)")
            elif n in given or n == "phone":
                parts.append(f"({v} if {v}.__class__ is str else '' if {v} is None else str({v}))")
            else:  # the template's constant, as text once
                t = self.template[self.at[n]]
                parts.append(repr(t if t.__class__ is str else "" if t is None else str(t)))
        lines.append(f"    digest = digest_of((str(pk), {', '.join(parts)}))")
        if self.vendor == "postgresql":
            env["copy_line"] = _copy_line
            lines.append(f"    return pk, copy_line(values, [{', '.join(local[n] for n in self.columns)}]), digest, counted")
        else:
            lines.append(f"    return pk, ({', '.join(local[n] for n in self.sent)},), digest, counted")
        # our own source: the names in it are the table's columns (keys that are not were refused above)
        exec(compile("\n".join(lines), f"<MemberRows build {'/'.join(keys)}>", "exec"), env)
        return env["made"]


def _copy_line(values: dict, t: list) -> bytes:
    """The line COPY reads (text format) for a row's column values. Every text of the row comes from `values` or is
    derived from them (pinyin, reversed digits) or from our own constants, so a row whose values hold no backslash,
    tab, newline or CR needs no escaping (nearly every row): one check of them all."""
    plain = "".join([v for v in values.values() if v.__class__ is str])
    if "\\" in plain or "\t" in plain or "\n" in plain or "\r" in plain:
        line = "\t".join([_COPY_NULL if v is None else _copy_text(v) for v in t])
    else:
        line = "\t".join([v if v.__class__ is str else _COPY_NULL if v is None else ("t" if v else "f") if v.__class__ is bool else str(v) for v in t])
    return line.encode() + b"\n"


# The columns a new member from a file or the demo never sets: the same for every row of a bulk insert (build()
# refuses values for them).
FIXED_ON_INSERT = ("standing", "standing_since", "created_at", "updated_at", "user_id", "party_group_id")
_SAFE_LITERAL = re.compile(r"[0-9A-Za-z :.+_-]*")


def _sql_literal(value) -> str:
    """One of our own constant values as SQL: NULL, a number, or plain text (anything else is refused)."""
    if value is None:
        return "NULL"
    if value.__class__ is int:
        return str(value)
    if value.__class__ is str and _SAFE_LITERAL.fullmatch(value):
        return f"'{value}'"
    raise ValueError(f"not a plain constant: {value!r}")


_COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A value in COPY's text format (NULL is handled by the caller)."""
    if value.__class__ is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if value is True or value is False:
        return "t" if value else "f"
    return str(value)


class BulkMemberWriter:
    """Writes the rows `MemberRows` built, chunk by chunk, inside the caller's transaction; `finish()` writes the one
    audit event of the batch (every row's digest) and the counters, and returns how many members were created.

    Ids (`reserve`): on PostgreSQL a block of the table's sequence, carried by the COPY; on SQLite, which holds the
    write lock for the whole transaction (IMMEDIATE), the ids above the largest ever given. An id reserved for a row
    that is then not written (a rejected row of a partial import) is a gap, as a sequence leaves one."""

    def __init__(self, *, actor: Actor, action: str, builder: MemberRows, data: dict | None = None, loaded=None):
        from django.db import connection

        if not connection.in_atomic_block:
            raise RuntimeError("BulkMemberWriter writes inside the caller's transaction")
        self.actor, self.action, self.builder, self.data = actor, action, builder, data
        self.conn = connection
        qn = connection.ops.quote_name
        self.table = qn(Member._meta.db_table)
        self.column_sql = ", ".join(qn(n) for n in [*builder.sent, *builder.fixed])
        self.values_sql = ", ".join(["%s"] * len(builder.sent) + list(builder.fixed.values()))
        self.digests: dict[str, str] = {}
        self.counted: list[tuple] = []
        self.first_id = self.last_id = None
        self.next_id: int | None = None
        self.cache_before = None
        self.loaded = loaded  # counter rows locked and read already (see prefetch)
        self.sequence = None
        self.deferred_fks = None
        self.recorded = False
        self.copying = None  # PostgreSQL: the COPY the chunks stream into, open between them (see insert_columns)
        self.guard = None

    def prefetch(self, org_ids) -> None:
        """Lock and read now the counter rows the rows' orgs will change (while their rows are still being checked
        elsewhere, see roster.importer): finish() then only adds and writes. Rows loaded already (`loaded`, from
        load_for_update, which loads every org's ancestors with it) are not asked for again."""
        if self.loaded and all(o in self.loaded for o in org_ids):
            return
        self.loaded = {**(self.loaded or {}), **registry.counters().load_for_update(org_ids, have=self.loaded)}

    def __enter__(self):
        if self.conn.vendor == "postgresql":
            # The member table's foreign keys (Django makes them DEFERRABLE INITIALLY DEFERRED) are checked as each
            # chunk goes in, while the next chunk is being checked, instead of one by one at the commit, when nothing
            # else runs (100,000 rows: about 0.6 s moved off the end of an import). Deferred again on the way out.
            with self.conn.cursor() as cur:
                cur.execute(
                    "SELECT string_agg(quote_ident(conname), ', ' ORDER BY conname) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
                    [Member._meta.db_table],
                )
                self.deferred_fks = cur.fetchone()[0]
                if self.deferred_fks:
                    cur.execute(f"SET CONSTRAINTS {self.deferred_fks} IMMEDIATE")
            # Any other statement on this connection while the writer is open (the counters, the audit event, a
            # look-up of ID numbers, a progress write) first ends the COPY the chunks stream into.
            self.guard = self.conn.execute_wrapper(self._end_copy_first)
            self.guard.__enter__()
        return self

    def _end_copy_first(self, execute, sql, params, many, context):
        self.flush()
        return execute(sql, params, many, context)

    def flush(self) -> None:
        """End the open COPY (PostgreSQL): the server has then checked and written every row sent."""
        if self.copying is None:
            return
        cursor, manager, _copy = self.copying
        self.copying = None
        try:
            with self.conn.wrap_database_errors:
                manager.__exit__(None, None, None)
        finally:
            cursor.close()

    def _abort_copy(self, exc) -> None:
        if self.copying is None:
            return
        cursor, manager, _copy = self.copying
        self.copying = None
        try:
            manager.__exit__(type(exc), exc, None)  # COPY fails on the server; the transaction is rolled back
        except Exception:  # the COPY had failed already: the caller's error is the one to report
            pass
        finally:
            cursor.close()

    def __exit__(self, exc_type, exc, tb):
        if self.copying is not None:
            if exc_type is None and not self.conn.needs_rollback:
                self.flush()
            else:  # nothing of it will be kept: the server need not check the rest
                self._abort_copy(exc or RuntimeError("the import is rolled back"))
        if self.guard is not None:
            self.guard.__exit__(None, None, None)
            self.guard = None
        if self.deferred_fks and exc_type is None and not self.conn.needs_rollback:
            with self.conn.cursor() as cur:
                cur.execute(f"SET CONSTRAINTS {self.deferred_fks} DEFERRED")
        if self.cache_before is not None:
            # on the driver's connection: a setting of the connection, not of the transaction, so it is restored
            # also when the import rolls back (Django refuses queries in a transaction marked for rollback)
            self.conn.connection.execute(f"PRAGMA cache_size = {int(self.cache_before)}")
            self.cache_before = None
        return False

    def reserve(self, n: int) -> range | list[int]:
        """Ids for n new members, in ascending order."""
        with self.conn.cursor() as cur:
            if self.conn.vendor == "postgresql":
                if self.sequence is None:
                    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Member._meta.db_table])
                    self.sequence = cur.fetchone()[0]
                # the sequence named once (looking it up in the catalog per row costs five times the nextval); the
                # values come back as a range when they are one (no other session drew between them: nearly always),
                # else as the list
                cur.execute(
                    "SELECT min(v), max(v), count(*), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL ELSE array_agg(v ORDER BY v) END "
                    "FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS s",
                    [self.sequence, n],
                )
                low, high, count, values = cur.fetchone()
                if not count:
                    return []
                return range(low, high + 1) if values is None else values
            if self.next_id is None:
                self._sqlite_start(cur)
            ids = range(self.next_id, self.next_id + n)
            self.next_id += n
            return ids

    def insert(self, built: list[tuple]) -> None:
        """Rows from MemberRows.build."""
        if built:
            self.insert_columns(*(list(c) for c in zip(*built, strict=True)))

    def insert_columns(self, pks: list[int], records: list, digests: list[str], counted: list[tuple]) -> None:
        """The same rows as columns (what a check process sends): no per-row work here but the database's."""
        if not pks:
            return
        if self.recorded:
            raise RuntimeError("rows inserted after the batch's audit event was written")
        self.digests.update(zip(map(str, pks), digests, strict=True))
        self.counted.extend(counted)
        if self.conn.vendor == "postgresql" and self.guard is not None:
            # One COPY for the chunks that come one after another: each chunk's lines are sent and the server checks
            # and writes them while the next chunk is received here (a COPY per chunk waited for the server's answer
            # each time). The guard ends it before any other statement.
            with self.conn.wrap_database_errors:
                if self.copying is None:
                    cursor = self.conn.connection.cursor()
                    manager = cursor.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN")
                    self.copying = (cursor, manager, None)
                    self.copying = (cursor, manager, manager.__enter__())
                self.copying[2].write(b"".join(records))
        else:
            with self.conn.cursor() as cur:
                if self.conn.vendor == "postgresql":
                    with cur.cursor.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                        copy.write(b"".join(records))
                else:
                    cur.executemany(f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({self.values_sql})", records)
        low, high = min(pks), max(pks)
        self.first_id = min(low, self.first_id or low)
        self.last_id = max(high, self.last_id or high)

    def _sqlite_start(self, cur) -> None:
        # a page cache of three times the database (64 MiB to 1 GiB; a bound, filled only as pages are touched) while
        # the rows go in: the default 2 MB makes every index insert of a big load re-read and spill pages, and a cache
        # the size of the database still spilled dirty pages to the WAL before the commit once an import dirtied more
        # than that (100,000 rows into 100,000: the table's growth, the index pages, 10,000 counter rows, the audit
        # event). Memory only: durability and locking are unchanged.
        cur.execute("PRAGMA cache_size")
        self.cache_before = cur.fetchone()[0]
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute("PRAGMA page_size")
        kib = pages * cur.fetchone()[0] // 1024
        cur.execute(f"PRAGMA cache_size = -{min(1024 * 1024, max(64 * 1024, kib * 3))}")
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
        top = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [Member._meta.db_table])
        self.next_id = max(top, cur.fetchone()[0]) + 1

    def finish(self, *counts: dict[int, dict[str, int]], meanwhile: Callable[[], object] | None = None) -> int:
        """The audit event and the counters; `counts` when the rows were counted already (count_rows or tally_rows of
        exactly the rows inserted, in one or more parts, added up into the first), else they are counted here. The
        audit event is written while the counted rows are added up (for a big import in a forked process), and so is
        the caller's `meanwhile()` run."""
        if not (self.counted and counts):  # nothing written, or nothing counted yet: all of it here, in turn
            if meanwhile is not None:
                meanwhile()
            if not self.counted:
                return 0
            self.record()
            builder = self.builder
            touched = {c[0] for c in self.counted}
            registry.counters().members_added([], {pk: builder.sector_of[pk] for pk in touched}, rows=self.counted, loaded=self.loaded)
            return len(self.counted)
        n = len(self.counted)

        def beside():
            self.record()
            # the rows' digests and counted values are in the audit event and the counts now: freed here, while
            # the counts are added up, rather than when the writer goes (100,000 of each)
            self.digests, self.counted = {}, []
            if meanwhile is not None:
                meanwhile()

        registry.counters().add_counts(*counts, loaded=self.loaded, meanwhile=beside)
        return n

    def record(self) -> None:
        """The batch's audit event, once: finish() writes it if the caller has not (an import writes it while its
        check processes are still counting)."""
        if self.recorded or not self.counted:
            return
        self.recorded = True
        builder = self.builder
        touched = {c[0] for c in self.counted}
        n = len(self.counted)
        audit.record_many(
            self.actor,
            [
                audit.Entry(
                    action=self.action,
                    object_type="members.batch",
                    object_id=f"{self.first_id}-{self.last_id}",
                    object_repr=f"{n}名党员",
                    org_path=_common_path(builder.path_of[pk] for pk in touched),
                    data={**(self.data or {}), "rows": n, "first_id": self.first_id, "last_id": self.last_id, "digests": self.digests},
                )
            ],
        )


def _common_path(paths) -> str:
    """The deepest org path every given path lies under (the batch's audit scope): the common prefix of the least and
    the greatest path is common to all of them."""
    from orgwork.orgs.models import STEP

    paths = list(paths)
    if not paths:
        return ""
    low, high = min(paths), max(paths)
    n = 0
    while n < min(len(low), len(high)) and low[n] == high[n]:
        n += 1
    return low[: n - n % STEP]


__all__ = ["FIELD_LABELS", "bulk_create_members", "change_status", "create_member", "move_member", "record_transfer_in", "rejoin", "update_member"]


@transaction.atomic
def assign_party_group(*, actor: Actor, member_id: int, group_id: int | None) -> Member:
    """Seat a member in one of the branch's party groups (党小组), or take them out of it (group_id None)."""
    member = _writable_member(actor, member_id)
    group = None
    if group_id is not None:
        group = Org.objects.filter(pk=group_id, kind=OrgKind.GROUP, parent_id=member.org_id, abolished_on__isnull=True).first()
        if group is None:
            raise ServiceError.single("party_group", "bad_value", _("党小组不存在或不属于%(name)s") % {"name": member.org.name})
    old = member.party_group_id
    if old == (group.pk if group else None):
        return member
    member.party_group = group
    member.save(update_fields=["party_group", "updated_at"])
    audit.record(actor, "member.party_group", member, changes={"party_group": [old, group.pk if group else None]})
    return member
