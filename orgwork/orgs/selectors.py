"""Every read of the org tree, scoped to the actor."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core.actor import Actor
from orgwork.core.errors import Ambiguous, NotFound
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import add_months, clean_name, to_halfwidth
from orgwork.core.scope import get_in_scope, scope

from .models import BRANCH_KINDS, STEP, Org, OrgKind, OrgOfficer
from .rules import structure_rules


def orgs(actor: Actor, *, include_abolished: bool = False) -> QuerySet[Org]:
    qs = scope(Org.objects.all(), actor)
    if not include_abolished:
        qs = qs.filter(abolished_on__isnull=True)
    return qs


def get_org(actor: Actor, org_id) -> Org:
    return get_in_scope(Org.objects.select_related("parent"), actor, pk=org_id)


def search_orgs(
    actor: Actor,
    *,
    q: str = "",
    kind: str = "",
    sector: str = "",
    under: Org | None = None,
    include_abolished: bool = False,
) -> QuerySet[Org]:
    qs = orgs(actor, include_abolished=include_abolished).select_related("parent")
    if under is not None:
        qs = qs.filter(subtree_q(under.path))
    if kind:
        qs = qs.filter(kind=kind)
    if sector:
        qs = qs.filter(sector=sector)
    cond = search_condition(q)
    if cond is not None:
        qs = qs.filter(cond)
    return qs.order_by("path")


def children(actor: Actor, parent: Org | None, *, include_abolished: bool = False) -> QuerySet[Org]:
    """One level of the tree (lazy expansion): the children in scope, or the actor's top nodes."""
    qs = orgs(actor, include_abolished=include_abolished)
    if parent is not None:
        return qs.filter(parent=parent).order_by("path")
    return top_orgs(actor, include_abolished=include_abolished)


def top_orgs(actor: Actor, *, include_abolished: bool = False) -> QuerySet[Org]:
    """The highest orgs the actor can see (the roots of their scope)."""
    qs = Org.objects.all()
    if not include_abolished:
        qs = qs.filter(abolished_on__isnull=True)
    if actor.unrestricted:
        return qs.filter(depth=1).order_by("path")
    paths = actor.subtree_paths() + actor.self_org_paths()
    return qs.filter(path__in=paths).order_by("path")


def ancestors(org: Org) -> list[Org]:
    return list(Org.objects.filter(path__in=org.ancestor_paths()).order_by("path"))


def full_path_names(org: Org, *, cache: dict | None = None) -> str:
    """“县委/城关镇党委/第一党支部” — the org as a path of names from the top."""
    names = []
    for p in org.ancestor_paths():
        if cache is not None and p in cache:
            names.append(cache[p])
            continue
        name = Org.objects.filter(path=p).values_list("name", flat=True).first() or "?"
        if cache is not None:
            cache[p] = name
        names.append(name)
    names.append(org.name)
    return "/".join(names)


def officers(org: Org, *, current_only: bool = True) -> QuerySet[OrgOfficer]:
    qs = OrgOfficer.objects.filter(org=org).select_related("role_assignment")
    if current_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("post", "id")


def console_roles(org: Org) -> list[dict]:
    """The console roles held over this org, each with the post that grants it — or none: a role without a post."""
    from orgwork.core.models import Role, RoleAssignment

    labels = dict(Role.choices)
    rows = []
    qs = RoleAssignment.objects.filter(org=org, revoked_at__isnull=True, role__in=[Role.SECRETARY, Role.ORG_ADMIN]).select_related("user").order_by("role", "id")
    posts = {}
    for o in OrgOfficer.objects.filter(role_assignment__in=qs, ended_on__isnull=True).order_by("post"):
        posts.setdefault(o.role_assignment_id, []).append(o)
    for ra in qs:
        u = ra.user
        rows.append({"assignment": ra, "who": u.get_full_name() or u.first_name or "—", "role": labels.get(ra.role, ra.role), "posts": posts.get(ra.pk, [])})
    return rows


# --- finding an org by what people type --------------------------------------------------------
_SEPARATORS = re.compile(r"\s*[/／\\＼>＞]\s*")


class OrgLookupError(NotFound):
    code = "unknown_org"


class OrgAmbiguous(Ambiguous):
    code = "ambiguous_org"


def resolve_org(ref: str, *, actor: Actor | None = None, qs: QuerySet[Org] | None = None) -> Org:
    """Find an org by code, by unique name, or by a path of names “上级/名称” (any number of levels).

    A name that matches several orgs is an error listing the candidates as full paths.
    """
    base = qs if qs is not None else (orgs(actor) if actor is not None else Org.objects.filter(abolished_on__isnull=True))
    text = to_halfwidth(str(ref or "")).strip()
    if not text:
        raise OrgLookupError(_("未填写党组织"))
    by_code = base.filter(code=clean_name(text)).first()
    if by_code is not None:
        return by_code
    parts = [clean_name(p) for p in _SEPARATORS.split(text) if clean_name(p)]
    if not parts:
        raise OrgLookupError(_("未填写党组织"))
    last = parts[-1]
    candidates = list(base.filter(Q(name=last) | Q(short_name=last)))
    if len(parts) > 1 and candidates:
        needed = parts[:-1]
        anc_paths = {p for c in candidates for p in c.ancestor_paths()}
        names = dict(Org.objects.filter(path__in=anc_paths).values_list("path", "name"))
        short = dict(Org.objects.filter(path__in=anc_paths).values_list("path", "short_name"))

        def matches(c: Org) -> bool:
            chain = c.ancestor_paths()
            if len(chain) < len(needed):
                return False
            tail = chain[-len(needed):]
            return all(names.get(p) == n or (short.get(p) and short.get(p) == n) for p, n in zip(tail, needed, strict=True))

        candidates = [c for c in candidates if matches(c)]
    if not candidates:
        raise OrgLookupError(_("找不到党组织“%(text)s”") % {"text": text})
    if len(candidates) > 1:
        exact = [c for c in candidates if c.name == last]
        if len(exact) == 1:
            return exact[0]
        cache: dict = {}
        listed = "；".join(full_path_names(c, cache=cache) for c in candidates[:10])
        raise OrgAmbiguous(
            _("党组织“%(text)s”有%(count)s个同名，请写成“上级党组织/%(last)s”的形式：%(listed)s") % {"text": text, "count": len(candidates), "last": last, "listed": listed},
            candidates,
        )
    return candidates[0]


# --- structure checks (rules.md §1) ------------------------------------------------------------
@dataclass(frozen=True)
class StructureWarning:
    org_id: int
    org_name: str
    code: str
    message: str


WARNING_LABELS = {
    "too_few_full_members": gettext_lazy("正式党员不足3人"),
    "too_many_members": gettext_lazy("党员超过50人"),
    "committee_required": gettext_lazy("应设支部委员会"),
    "term_expired": gettext_lazy("任期已届满"),
    "term_unknown": gettext_lazy("任期未知"),
}


def subtree_member_counts(org_ids) -> dict[int, int]:
    """{org_id: members in good standing in the org and everything below it}, from the exact counters
    (stats.OrgStats.total, kept in the same transaction as every member change) — one indexed read."""
    OrgStats = apps.get_model("stats", "OrgStats")
    ids = list(org_ids)
    if not ids:
        return {}
    return {oid: (total or {}).get("n", 0) for oid, total in OrgStats.objects.filter(org_id__in=ids).values_list("org_id", "total")}


def member_counts(org_ids) -> dict[int, tuple[int, int]]:
    """{org_id: (members in good standing, full members)} for direct members."""
    Member = apps.get_model("members", "Member")
    rows = (
        Member.objects.in_good_standing()
        .filter(org_id__in=org_ids)
        .values("org_id")
        .annotate(total=Count("id"), full=Count("id", filter=Q(category="full")))
    )
    return {r["org_id"]: (r["total"], r["full"]) for r in rows}


def structure_warnings(
    actor: Actor, *, under: Org | None = None, today: dt.date | None = None, codes: set[str] | None = None
) -> list[StructureWarning]:
    """Branches with too few or too many members, a missing committee, a term expired or unknown."""
    today = today or dt.date.today()
    rules = structure_rules(today)
    qs = orgs(actor).exclude(kind=OrgKind.GROUP)
    if under is not None:
        qs = qs.filter(subtree_q(under.path))
    org_list = list(qs.only("id", "name", "kind", "sector", "term_started_on", "term_years", "path"))
    branch_ids = [o.id for o in org_list if o.kind in BRANCH_KINDS]
    counts = {}
    seats = {}
    for start in range(0, len(branch_ids), 5000):
        chunk = branch_ids[start : start + 5000]
        counts.update(member_counts(chunk))
        seats.update(
            dict(
                OrgOfficer.objects.filter(org_id__in=chunk, ended_on__isnull=True)
                .exclude(post="group_leader")
                .values("org_id")
                .annotate(n=Count("id"))
                .values_list("org_id", "n")
            )
        )
    out: list[StructureWarning] = []

    def add(o, code, message):
        if codes is None or code in codes:
            out.append(StructureWarning(o.id, o.name, code, message))

    for o in org_list:
        if o.kind in BRANCH_KINDS:
            total, full = counts.get(o.id, (0, 0))
            if full < rules["branch_min_full_members"]:
                add(o, "too_few_full_members", _("正式党员%(full)s人，不足%(min)s人") % {"full": full, "min": rules["branch_min_full_members"]})
            if total > rules["branch_max_members"]:
                add(o, "too_many_members", _("党员%(total)s人，超过%(max)s人，宜分设党支部") % {"total": total, "max": rules["branch_max_members"]})
            if total >= rules["committee_threshold_members"] and seats.get(o.id, 0) < rules["committee_min_size"]:
                add(o, "committee_required", _("党员%(total)s人，应设立支部委员会（3至5人），现有委员%(seats)s人") % {"total": total, "seats": seats.get(o.id, 0)})
        ends = o.term_ends_on()
        if o.term_started_on is None:
            add(o, "term_unknown", _("未登记本届任期开始日期"))
        elif ends is not None and ends <= today:
            add(o, "term_expired", _("任期已于%(year)s年%(month)02d月%(day)02d日届满，应按期换届") % {"year": ends.year, "month": ends.month, "day": ends.day})
    return out


def term_reminders(actor: Actor, *, today: dt.date | None = None) -> list[tuple[Org, str]]:
    """Orgs whose term ends within the reminder windows (6 and 3 months)."""
    today = today or dt.date.today()
    months = sorted(structure_rules(today)["term_reminder_months"], reverse=True)
    out = []
    for o in orgs(actor).exclude(kind=OrgKind.GROUP).filter(term_started_on__isnull=False):
        ends = o.term_ends_on()
        if ends is None or ends <= today:
            continue
        for m in sorted(months):
            if add_months(today, m) >= ends:
                out.append((o, _("任期将于%(year)s年%(month)02d月%(day)02d日届满（%(months)s个月内）") % {"year": ends.year, "month": ends.month, "day": ends.day, "months": m}))
                break
    return out


def kind_counts(actor: Actor, *, under: Org | None = None) -> dict[str, int]:
    qs = orgs(actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path))
    return dict(qs.values("kind").annotate(n=Count("id")).values_list("kind", "n"))


__all__ = ["STEP"]


# --- console reads (appended for the web console) ---------------------------------------------
def child_counts(actor: Actor, parent_ids) -> dict[int, int]:
    """{parent_id: number of active children in scope}, for the tree's expand toggles."""
    return dict(
        orgs(actor).filter(parent_id__in=list(parent_ids)).values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n")
    )


def can_write_org(actor: Actor, org: Org) -> bool:
    return scope(Org.objects.filter(pk=org.pk), actor, write=True).exists()


def in_scope_paths(actor: Actor, paths) -> set[str]:
    """Which of these org paths the actor may open (for links in breadcrumbs)."""
    return set(orgs(actor, include_abolished=True).filter(path__in=list(paths)).values_list("path", flat=True))


def org_history(actor: Actor, org: Org, *, limit: int = 50):
    """Audit events about this org (and its committee seats), newest first, scoped to the actor."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    officer_ids = [str(i) for i in OrgOfficer.objects.filter(org=org).values_list("id", flat=True)]
    cond = Q(object_type="orgs.org", object_id=str(org.pk))
    if officer_ids:
        cond |= Q(object_type="orgs.orgofficer", object_id__in=officer_ids)
    return scope(AuditEvent.objects.filter(cond), actor).select_related("actor").order_by("-seq")[:limit]


# The member statuses counted on org pages, as users read them (the member registry uses the same labels).
STATUS_LABELS = {
    "normal": gettext_lazy("在册党员"),
    "full": gettext_lazy("正式党员"),
    "probationary": gettext_lazy("预备党员"),
    "lost_contact": gettext_lazy("失联党员"),
    "suspended": gettext_lazy("停止党籍"),
    "removed": gettext_lazy("除名"),
    "exited": gettext_lazy("出党"),
    "deceased": gettext_lazy("去世"),
    "transferred_out": gettext_lazy("已转出"),
    "all": gettext_lazy("全部"),
}


def member_status_counts(actor: Actor, *, under: Org | None = None) -> dict[str, int]:
    """Members in scope (optionally under an org) by status, in one query."""
    Member = apps.get_model("members", "Member")
    qs = scope(Member.objects.all(), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.aggregate(
        normal=Count("id", filter=Q(standing="normal")),
        full=Count("id", filter=Q(standing="normal", category="full")),
        probationary=Count("id", filter=Q(standing="normal", category="probationary")),
        lost_contact=Count("id", filter=Q(standing="normal", lost_contact=True)),
        suspended=Count("id", filter=Q(standing="suspended")),
        gone=Count("id", filter=Q(standing__in=["removed", "exited", "deceased", "transferred_out"])),
    )


def org_names(org_ids) -> dict[int, str]:
    """{id: name} for showing an org id recorded in history (a parent, a member's former org)."""
    ids = [i for i in org_ids if isinstance(i, int)]
    return dict(Org.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def subtree_choices(actor: Actor, *, limit: int = 300) -> list[Org]:
    """The orgs offered as a “within” filter: the roots of the scope and the level below them."""
    tops = list(top_orgs(actor))
    below = list(orgs(actor).filter(parent__in=tops).exclude(kind=OrgKind.GROUP).order_by("path")[:limit])
    out = sorted(tops + below, key=lambda o: o.path)
    return out


def transfer_destinations() -> QuerySet[Org]:
    """Every active branch in the deployment, names only — searched (the org picker), never listed whole.

    Deliberately not scoped: a transfer within the deployment may go to any branch (the receiving side
    cannot refuse), so the sender must be able to pick one outside their own subtree. Only names and
    paths are read; nothing about the destination's members.
    """
    return Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True).order_by("path").only("pk", "name", "short_name", "kind", "path", "depth", "parent_id")


def search_condition(q: str) -> Q | None:
    """Name, short name, code, pinyin or initials — what people type to find an org."""
    q = clean_name(q)
    if not q:
        return None
    cond = Q(name__contains=q) | Q(short_name__contains=q) | Q(code=q)
    if re.fullmatch(r"[A-Za-z]+", q):
        low = q.lower()
        cond |= Q(name_pinyin__startswith=low) | Q(name_initials__startswith=low) | Q(name_pinyin__contains=low)
    return cond


def path_names(items) -> dict[int, str]:
    """{org id: "县委/城关镇党委/第一党支部"} for many orgs with one query for all their ancestors.

    Twelve “第一党支部” are told apart by their path wherever an org is shown in a picker or a table.
    """
    items = [o for o in items if o is not None]
    wanted = {p for o in items for p in o.ancestor_paths()}
    names = dict(Org.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {o.pk: "/".join([*(names.get(p, "?") for p in o.ancestor_paths()), o.name]) for o in items}


def members_named(actor: Actor, org: Org, name: str, *, limit: int = 20) -> list:
    """Members in good standing under the org with exactly this name (to seat an officer): at most `limit`, the page
    says when there are more. The member registry sits above orgs, so it is read by model name, never imported."""
    Member = apps.get_model("members", "Member")
    if not name:
        return []
    return list(scope(Member.objects.filter(subtree_q(org.path, "org__path"), name=name, standing="normal"), actor).select_related("org").order_by("org__path", "pk")[:limit])
