"""Every read of talents, selections, honours and model sites, scoped through core.scope."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from orgwork.core import exports
from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import add_months
from orgwork.core.rules import rule
from orgwork.core.scope import scope
from orgwork.members.models import Category, Member, Standing
from orgwork.members.rules import party_standing_start, party_standing_years
from orgwork.orgs.models import Org
from orgwork.orgs.selectors import path_names

from . import rules
from .models import Conflict, Entry, EntryStatus, Honour, Judge, ModelSite, Score, Selection, Talent, TalentCategory

# --- selections ------------------------------------------------------------------------------------------


def selections(actor: Actor, *, write: bool = False) -> QuerySet:
    return scope(Selection.objects.select_related("org"), actor, write=write)


def kind_rules(selection: Selection) -> dict:
    return rule("awards.selection", version=selection.rule_version)["kinds"][selection.kind]


def kind_choices(on: dt.date | None = None) -> list[tuple[str, str]]:
    return [(k, v["label"]) for k, v in rules.selection_rules(on)["kinds"].items()]


def category_label(selection: Selection, category: str) -> str:
    return kind_rules(selection)["categories"].get(category, {}).get("label", category)


def judged_selections(actor: Actor) -> QuerySet:
    """Selections the actor judges (a judge may sit outside the organizer's scope)."""
    if not actor.user_id:
        return Selection.objects.none()
    return Selection.objects.filter(judges__user_id=actor.user_id).select_related("org").distinct()


def unscored(selection: Selection) -> list[str]:
    """"评委→对象" pairs still to score at the current review stage (a declared conflict excuses the pair)."""
    if selection.stage not in rules.REVIEW_STAGES:
        return []
    entries = list(selection.entries.filter(status=EntryStatus.ACTIVE).order_by("id"))
    judges = list(selection.judges.order_by("id"))
    conflicts = set(Conflict.objects.filter(entry__selection=selection).values_list("judge_id", "entry_id"))
    done = set(Score.objects.filter(entry__selection=selection, stage=selection.stage).values_list("judge_id", "entry_id"))
    return [f"{j.name}→{e.name}" for j in judges for e in entries if (j.pk, e.pk) not in conflicts and (j.pk, e.pk) not in done]


@dataclass
class SheetRow:
    entry: Entry
    cells: list  # per judge: Decimal | "回避" | None
    average: Decimal | None
    scorers: int


def score_sheet(selection: Selection, stage: str | None = None) -> tuple[list[Judge], list[SheetRow]]:
    """The score sheet of a stage: each entry against each judge; a judge excluded by a conflict shows 回避 and does
    not count in the average."""
    stage = stage or selection.stage
    judges = list(selection.judges.order_by("id"))
    conflicts = set(Conflict.objects.filter(entry__selection=selection).values_list("judge_id", "entry_id"))
    scores = {(s.judge_id, s.entry_id): s.score for s in Score.objects.filter(entry__selection=selection, stage=stage)}
    rows = []
    entries = selection.entries.all().order_by("category", "id")
    for e in entries:
        if e.out_at_stage and rules.STAGES.index(next(x for x in rules.STAGES if x[0] == e.out_at_stage)) < rules.STAGES.index(next(x for x in rules.STAGES if x[0] == stage)):
            continue  # out before this stage
        cells, got = [], []
        for j in judges:
            if (j.pk, e.pk) in conflicts:
                cells.append("回避")
            else:
                v = scores.get((j.pk, e.pk))
                cells.append(v)
                if v is not None:
                    got.append(v)
        avg = (sum(got) / len(got)).quantize(Decimal("0.01")) if got else None
        rows.append(SheetRow(e, cells, avg, len(got)))
    rows.sort(key=lambda r: (r.entry.category, -(r.average or Decimal(-1)), r.entry.pk))
    return judges, rows


# --- honours: 光荣在党50年 -----------------------------------------------------------------------------------


@dataclass
class HonourRow:
    member: Member
    standing_from: dt.date
    years: int
    cutoff: dt.date
    newly: bool  # reaches 50 years in this year's window (not an earlier year's catch-up)
    honour: Honour | None
    path: str = ""


def fifty_year_list(actor: Actor, *, year: int, under: Org | None = None) -> list[HonourRow]:
    """Members in the scope whose party standing reaches 50 years by the year's cut-off date, not yet issued the
    medal in an earlier year. Party standing is the members registry's rule (members.rules.party_standing_years:
    from full membership, 党章第七条), not recomputed here: the query only narrows by the joining date (standing
    never starts before joining) and then asks the rule for each candidate."""
    r = rules.honour_rules(year)
    cut = rules.cutoff(year)
    years = r["years"]
    latest_join = add_months(cut, -12 * years)
    qs = scope(Member.objects.select_related("org"), actor).filter(category=Category.FULL, standing=Standing.NORMAL, joined_on__lte=latest_join)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    honours = {h.member_id: h for h in Honour.objects.filter(member__in=qs)}
    previous_cut = rules.cutoff(year - 1)
    out = []
    for m in qs.order_by("org__path", "joined_on", "id").iterator(chunk_size=2000):
        n = party_standing_years(category=m.category, joined_on=m.joined_on, confirmed_on=m.confirmed_on, on=cut)
        if n is None or n < years:
            continue
        h = honours.get(m.pk)
        if h is not None and h.year < year and h.status == "issued":
            continue
        start = party_standing_start(category=m.category, joined_on=m.joined_on, confirmed_on=m.confirmed_on)
        newly = (party_standing_years(category=m.category, joined_on=m.joined_on, confirmed_on=m.confirmed_on, on=previous_cut) or 0) < years
        out.append(HonourRow(m, start, n, cut, newly, h))
    names = path_names(list({r.member.org_id: r.member.org for r in out}.values()))
    for row in out:
        row.path = names.get(row.member.org_id, row.member.org.name)
    return out


def honours(actor: Actor, *, write: bool = False) -> QuerySet:
    return scope(Honour.objects.select_related("member", "org"), actor, write=write)


def in_reminder_window(today: dt.date) -> bool:
    r = rules.honour_rules(today.year)
    return dt.date(today.year, r["remind_from_month"], r["remind_from_day"]) <= today <= rules.cutoff(today.year)


# --- model sites ------------------------------------------------------------------------------------------------


def model_sites(actor: Actor, *, active_only: bool = True) -> QuerySet:
    qs = scope(ModelSite.objects.select_related("org", "member"), actor)
    if active_only:
        qs = qs.filter(withdrawn_on__isnull=True)
    return qs.order_by("kind", "org__path", "id")


def recheck_due(site: ModelSite, today: dt.date) -> dt.date:
    return add_months(site.last_checked_on, rules.model_rules(today)["recheck_months"])


# --- talents ---------------------------------------------------------------------------------------------------------


def talent_categories(actor: Actor) -> QuerySet:
    """Categories defined at the actor's organizations or above them (a county's categories serve its towns)."""
    paths = set()
    for p in actor.subtree_paths():
        paths.update(p[:i] for i in range(4, len(p) + 1, 4))
    if actor.unrestricted:
        return TalentCategory.objects.select_related("org").order_by("name")
    return TalentCategory.objects.select_related("org").filter(org__path__in=paths).order_by("name")


def talents(actor: Actor, *, category: TalentCategory | None = None, q: str = "", under: Org | None = None) -> QuerySet:
    qs = scope(Talent.objects.select_related("category", "org"), actor).filter(left_on__isnull=True)
    if category is not None:
        qs = qs.filter(category=category)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    q = (q or "").strip()
    if q:
        cond = Q(name__contains=q)
        if category is not None:
            for f in category.fields:
                cond |= Q(**{f"data__{f['key']}__icontains": q})
        qs = qs.filter(cond)
    return qs.order_by("category__name", "name", "id")


def talent_workbook(actor: Actor, *, category: TalentCategory, q: str = "", under: Org | None = None) -> bytes:
    buf = io.BytesIO()
    wb = exports.workbook(buf, constant_memory=True)
    ws = wb.add_worksheet(category.name[:31])
    ws.write_row(0, 0, [_("姓名"), _("所在党组织"), *[f["label"] for f in category.fields]])
    rows = talents(actor, category=category, q=q, under=under)
    r = 0
    batch = []

    def flush():
        nonlocal r
        names = path_names([t.org for t in batch])
        for t in batch:
            r += 1
            ws.write_row(r, 0, [t.name, names.get(t.org_id, t.org.name), *[t.data.get(f["key"], "") for f in category.fields]])
        batch.clear()

    for t in rows.iterator(chunk_size=500):
        batch.append(t)
        if len(batch) >= 500:
            flush()
    flush()
    wb.close()
    return buf.getvalue()


def judge_candidates(actor: Actor, selection: Selection) -> list[tuple[str, str]]:
    """Staff accounts with a role in the organizing organization's subtree (the judges' names and organizations)."""
    from orgwork.core.models import Role, RoleAssignment

    rows = (
        RoleAssignment.objects.filter(revoked_at__isnull=True, user__is_active=True)
        .exclude(role=Role.MEMBER)
        .filter(subtree_q(selection.org.path, "org__path"))
        .exclude(user_id__in=selection.judges.values("user_id"))
        .select_related("user", "org")
        .order_by("org__path", "user_id")
    )
    seen, out = set(), []
    for ra in rows.iterator(chunk_size=500):
        if ra.user_id in seen:
            continue
        seen.add(ra.user_id)
        name = ra.user.get_full_name() or ra.user.first_name or _("未填写姓名的账号")
        out.append((str(ra.user_id), _("%(name)s（%(org)s · %(role)s）") % {"name": name, "org": ra.org.name, "role": ra.get_role_display()}))
    return out
