"""Deadlines: one daily job asks every registered provider what is due or overdue and turns it into reminders.

A module registers a provider in its ``AppConfig.ready()`` (by importing its ``reminders.py``)::

    from orgwork.core import deadlines

    @deadlines.provider("dues.arrears")
    def arrears(today):                                   # runs as the system: all organizations
        yield deadlines.Item(kind="dues.arrears", category="dues", title="…", org_id=12, url="/dues/…",
                             key="dues:arrears:12:2026-05", due_on=None)

Each item says what is due (kind, title, body — no ID numbers or phone numbers, only what the responsible
person needs to find the work), whose work it is (``org_id``) and at which level it is answered (``level``:
"branch" = the organization itself, "committee" = the level above, "department" = the organization
department; see ``core.responsibility``), whether it waits at another level than the organization's own
(``waiting``), the link to the work and a key that changes whenever the item changes.

The job (``run``) turns each item into reminders for the responsible people (``responsibility.responsible_users``):

* a step with a due date is reminded ``remind_days_before`` days before it (7 days, then the day before), on
  the day, and once overdue — again every ``overdue_repeat_working_days`` working days while it stays overdue;
* an item waiting at another level is notified once, at once (``notify_now`` from the procedure engine or the
  transfer service), and the daily job catches up any it missed;
* an item overdue by ``escalate_after_working_days`` working days (the working-day calendar of ``core.calendar``)
  is escalated once to the responsible people of the level above (督办);
* each reminder has a de-duplication key (item key + phase): running the job twice the same day, or again before
  the item changes, sends nothing new.

The numbers are rule data (rule set ``deadlines``). No regulation fixes them: they are this system's defaults, and a
department sets its own escalation period (``set_escalation_days``: the nearest setting on an organization's path
wins). Delivery is the notifications module's: it registers itself with ``set_sender`` (the kernel imports no app).

    provider(name)(fn)               register a provider: fn(today) -> iterable of Item
    procedure_link(kind)(fn)         register how to link a procedure instance of a kind: fn(instance) -> url
    procedure_reminder(kind)(fn)     a module words and addresses its own kind's reminders: fn(instance, step) -> Item | None
                                     (a transfer waiting for receipt is answered by the receiving organization, not the
                                     instance's); such kinds are listed by that module's provider through
                                     procedure_items_of(today, kinds), not by "core.procedures"
    collect(today) -> (items, failures)
    run(today=, dry_run=, only=) -> Report
    notify_now(items, actor=)        notify the responsible people of waiting items at once (inside the caller's transaction)
    procedure_moved(instance, actor=)  the engine's hook: a step now waiting at another level is notified at once
    waiting_procedures(actor, under=) the procedure steps waiting at the actor's level (attention list)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from . import calendar as workcal
from .actor import Actor
from .errors import PermissionDenied, ServiceError
from .present import day_text
from .responsibility import LEVEL_LABELS, LEVELS, level_above, responsible_users
from .rules import RuleSet, UnknownRule, register, rule

log = logging.getLogger("orgwork.deadlines")

# --- rule data -------------------------------------------------------------------------------

RULES_NAME = "deadlines"
RULES_2026 = register(
    RuleSet(
        RULES_NAME,
        "2026",
        dt.date(2000, 1, 1),
        "本系统默认做法（无法规规定具体天数）",
        {
            "remind_days_before": (7, 1),  # calendar days before a due date: a week ahead, then the day before
            "overdue_repeat_working_days": 5,  # while overdue, remind again every 5 working days (once a working week)
            "escalate_after_working_days": 3,  # overdue this many working days → the level above is told (督办)
            "escalate_min_working_days": 1,
            "escalate_max_working_days": 60,
            "note": (
                "党内法规规定了各项事项的办理时限（如发展党员工作细则第八条、第二十八条，党员教育管理工作条例第二十五条），"
                "但没有规定逾期多少个工作日后提请上级督办、提前几天提醒。这些天数是本系统的默认值，"
                "逾期提请上级督办的工作日数由组织部门按本地要求设定（rules.md 未作规定，种子材料亦无具体数字）。"
            ),
        },
    )
)


def deadline_rules(on: dt.date) -> RuleSet:
    return rule(RULES_NAME, on=on)


# --- items and providers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: str  # "procedure.recruitment", "transfer.receive", "dues.arrears", …
    category: str  # the preference group a user chooses channels for: procedures, transfers, dues, meetings, terms, mobile
    title: str  # short, Chinese, no ID numbers or phone numbers
    org_id: int  # whose work it is
    url: str  # the page where the work is done
    key: str  # identity: a changed item (new step, new due date) gets a new key
    body: str = ""
    due_on: dt.date | None = None
    level: str = "branch"  # branch | committee | department: who answers (core.responsibility)
    waiting: bool = False  # waits at another level than the organization's own: notified at once
    phase: str = ""  # a provider that decides itself when to remind (e.g. meeting periods) sets the phase
    subject: str = ""  # what it is about, for the job's summary: a person's or an organization's name
    escalate: bool = True  # overdue items go up a level after the rule's working days
    urgent: bool = False  # delivered by email/SMS even in quiet hours (nothing in the daily job is, by default)

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")


_PROVIDERS: dict[str, Callable[[dt.date], Iterable[Item]]] = {}
_LINKS: dict[str, Callable] = {}
_REMINDERS: dict[str, Callable] = {}


def provider(name: str):
    def deco(fn):
        _PROVIDERS[name] = fn
        return fn

    return deco


def providers() -> list[str]:
    return sorted(_PROVIDERS)


def procedure_link(kind: str):
    def deco(fn):
        _LINKS[kind] = fn
        return fn

    return deco


def procedure_reminder(kind: str):
    def deco(fn):
        _REMINDERS[kind] = fn
        return fn

    return deco


def collect(today: dt.date, *, only: Iterable[str] | None = None) -> tuple[list[tuple[str, Item]], dict[str, str]]:
    """Every provider's items as (provider, item); a failing provider is reported, never fatal to the others."""
    names = providers() if only is None else [n for n in providers() if n in set(only)]
    items, failures = [], {}
    for name in names:
        try:
            for item in _PROVIDERS[name](today):
                items.append((name, item))
        except Exception as exc:  # one broken module must not stop everyone's reminders
            log.exception("deadline provider %s failed", name)
            failures[name] = f"{type(exc).__name__}: {exc}"[:300]
    return items, failures


# --- the job -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One message for one person; the notifications module delivers it (in-app, email, SMS per preferences)."""

    recipient: object
    kind: str
    category: str
    title: str
    body: str
    url: str
    org_id: int | None
    dedupe_key: str
    urgent: bool = False


@dataclass
class Report:
    today: dt.date
    dry_run: bool
    items: int = 0
    reminders: int = 0
    escalations: int = 0
    new: int = 0
    no_recipient: int = 0
    by_provider: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)


_SENDER: dict[str, Callable] = {}


def set_sender(send: Callable, *, seen: Callable | None = None) -> None:
    """The notifications module registers its delivery: send(actor=, reminders=) -> int (new), seen(pairs) -> set."""
    _SENDER["send"] = send
    if seen is not None:
        _SENDER["seen"] = seen


def _send(actor: Actor, reminders: list[Reminder]) -> int:
    if not reminders:
        return 0
    send = _SENDER.get("send")
    if send is None:
        raise RuntimeError("no notification sender is registered (is orgwork.notifications installed?)")
    return send(actor=actor, reminders=reminders)


def overdue_working_days(due_on: dt.date, today: dt.date) -> int:
    """Working days after the due date up to today (0 on the due date or before)."""
    if today <= due_on:
        return 0
    return workcal.workdays_between(due_on + dt.timedelta(days=1), today)


PHASE_LABELS = {"waiting": gettext_lazy("待办理")}


def phase_of(item: Item, today: dt.date, rules: RuleSet) -> tuple[str, str] | None:
    """(phase, label) of the reminder due today for an item, or None when nothing is to be said yet."""
    if item.phase:
        return item.phase, str(PHASE_LABELS.get(item.phase, ""))
    if item.due_on is None:
        return ("waiting", _("待办理")) if item.waiting else ("open", "")
    days_left = (item.due_on - today).days
    if days_left > 0:
        for n in sorted(rules["remind_days_before"]):
            if days_left <= n:
                if n == 1:
                    return "due:1", _("明日到期")
                return f"due:{n}", _("%(days)s天后到期") % {"days": days_left}
        return ("waiting", _("待办理")) if item.waiting else None
    if days_left == 0:
        return "due:0", _("今日到期")
    late = overdue_working_days(item.due_on, today)
    repeat = max(int(rules["overdue_repeat_working_days"]), 1)
    return f"overdue:{late // repeat}", _("已逾期%(days)s个工作日") % {"days": late} if late else _("已逾期")


def escalation_days(org_id: int, on: dt.date) -> int:
    """The working days after which an overdue item of this organization goes up a level: a department's own
    setting (nearest on the organization's path), else the rule table's default."""
    return _escalation_lookup([org_id], on)[org_id]


def _escalation_lookup(org_ids, on: dt.date) -> dict[int, int]:
    """{org_id: working days} in two queries, however many organizations (the settings are few)."""
    from django.apps import apps

    from .models import EscalationSetting

    Org = apps.get_model("orgs", "Org")
    default = int(deadline_rules(on)["escalate_after_working_days"])
    settings = dict(EscalationSetting.objects.filter(ended_at__isnull=True).values_list("org__path", "working_days"))
    out = {}
    for pk, path in Org.objects.filter(pk__in=set(org_ids)).values_list("pk", "path"):
        found = default
        for i in range(len(path), 0, -4):  # nearest first
            if path[:i] in settings:
                found = settings[path[:i]]
                break
        out[pk] = found
    for pk in org_ids:
        out.setdefault(pk, default)
    return out


def reminders_for(items: list[Item], today: dt.date) -> tuple[list[Reminder], int, int]:
    """(reminders, escalations, items nobody answers for) for the items due today."""
    rules = deadline_rules(today)
    phased = []
    for item in items:
        try:
            ph = phase_of(item, today, rules)
        except workcal.UnknownCalendarYear:
            log.warning("no working-day calendar for %s: %s reminded without counting working days", today.year, item.key)
            ph = ("overdue", _("已逾期"))
        if ph is not None:
            phased.append((item, ph))
    wanted: dict[str, set[int]] = {}
    for item, _ph in phased:
        wanted.setdefault(item.level, set()).add(item.org_id)
    up_levels = {level_above(item.level) for item, _ph in phased if item.due_on and item.due_on < today and item.escalate}
    for lv in up_levels - {None}:
        wanted.setdefault(lv, set()).update(i.org_id for i, _ph in phased if level_above(i.level) == lv)
    who = {lv: responsible_users(sorted(ids), level=lv) for lv, ids in wanted.items()}
    out: list[Reminder] = []
    escalations = nobody = 0
    esc_cache = _escalation_lookup({i.org_id for i, _ph in phased if i.escalate and i.due_on and i.due_on < today}, today)
    for item, (phase, label) in phased:
        users = who.get(item.level, {}).get(item.org_id, [])
        if not users:
            nobody += 1
        title = _("【%(label)s】%(title)s") % {"label": label, "title": item.title} if label else item.title
        body = item.body
        if item.due_on and phase.startswith(("due", "overdue")):
            body = (_("期限：%(date)s。%(body)s") % {"date": day_text(item.due_on), "body": body}).strip()
        for user in users:
            out.append(
                Reminder(user, item.kind, item.category, title, body, item.url, item.org_id, f"{item.key}|{phase}", urgent=item.urgent)
            )
        upper = level_above(item.level)
        if not (upper and item.escalate and item.due_on and item.due_on < today):
            continue
        try:
            late = overdue_working_days(item.due_on, today)
        except workcal.UnknownCalendarYear:
            continue
        if late < esc_cache[item.org_id]:
            continue
        already = {u.pk for u in users}
        for user in who.get(upper, {}).get(item.org_id, []):
            if user.pk in already:
                continue
            escalations += 1
            out.append(
                Reminder(
                    user,
                    item.kind,
                    item.category,
                    _("【督办】%(title)s（已逾期%(late)s个工作日）") % {"title": item.title, "late": late},
                    (
                        _("期限：%(date)s，已逾期%(late)s个工作日（逾期%(days)s个工作日即提请%(level)s督办）。%(body)s")
                        % {"date": day_text(item.due_on), "late": late, "days": esc_cache[item.org_id], "level": LEVEL_LABELS[upper], "body": item.body}
                    ).strip(),
                    item.url,
                    item.org_id,
                    f"{item.key}|escalated",
                    urgent=item.urgent,
                )
            )
    return out, escalations, nobody


def run(*, today: dt.date | None = None, dry_run: bool = False, only: Iterable[str] | None = None, actor: Actor | None = None) -> Report:
    """The daily job. Raises UnknownRule (no_rule_in_force) for a date before the rule table."""
    today = today or dt.date.today()
    deadline_rules(today)  # a date before any version → UnknownRule, before anything is read
    actor = actor or Actor.system_actor("deadlines.daily")
    pairs, failures = collect(today, only=only)
    report = Report(today=today, dry_run=dry_run, failures=failures)
    report.items = len(pairs)
    report.by_provider.update(name for name, _item in pairs)
    reminders, report.escalations, report.no_recipient = reminders_for([item for _n, item in pairs], today)
    report.reminders = len(reminders)
    if dry_run:
        seen = _SENDER.get("seen")
        known = seen({(r.recipient.pk, r.dedupe_key) for r in reminders}) if seen else set()
        report.new = len({(r.recipient.pk, r.dedupe_key) for r in reminders} - known)
        return report
    for start in range(0, len(reminders), 2000):
        report.new += _send(actor, reminders[start : start + 2000])
    return report


def notify_now(items: Iterable[Item], *, actor: Actor | None = None, today: dt.date | None = None) -> int:
    """Notify the responsible people of waiting items at once, inside the caller's transaction (rolled back with it).
    The same reminder is not sent again by the daily job (same key and phase)."""
    # the message says "this now waits for you"; the daily job adds the due-date reminders later
    items = [dataclasses.replace(i, phase="waiting") for i in items if i.waiting]
    if not items or "send" not in _SENDER:
        return 0
    today = today or dt.date.today()
    try:
        reminders, _esc, _nobody = reminders_for(items, today)
    except UnknownRule:
        return 0
    return _send(actor or Actor.system_actor("deadlines.now"), reminders)


# --- procedures (the kernel's own provider) --------------------------------------------------------


def _waiting_q() -> Q:
    """Instances whose current step is answered at another level (committee, department), from the definitions."""
    from .rules import _REGISTRY

    q = Q(pk__in=[])
    for name, by_version in _REGISTRY.items():
        if not name.startswith("procedure."):
            continue
        kind = name.removeprefix("procedure.")
        for version, rs in by_version.items():
            keys = [s.key for s in rs["steps"] if s.role != "branch"]
            if keys:
                q |= Q(kind=kind, rule_version=version, step__in=keys)
    return q


def procedure_item(instance) -> Item | None:
    from . import procedures as proc

    try:
        d = proc.definition_for(instance)
        sd = d.step(instance.step)
    except (UnknownRule, ServiceError):
        return None
    if instance.kind in _REMINDERS:
        return _REMINDERS[instance.kind](instance, sd)
    level = sd.role if sd.role in LEVELS else "branch"
    link = _LINKS.get(instance.kind)
    try:
        url = link(instance) if link else ""
    except Exception:  # a link is a convenience; the reminder still goes out
        log.exception("procedure link for %s failed", instance.kind)
        url = ""
    named = {"procedure": d.title, "title": instance.title, "org": instance.org.name if instance.org_id else "", "number": d.number(sd.key), "step": sd.title}
    if instance.org_id:
        title = _("%(procedure)s：%(title)s（%(org)s）第%(number)s步“%(step)s”") % named
    else:
        title = _("%(procedure)s：%(title)s第%(number)s步“%(step)s”") % named
    note = sd.due.note if sd.due and sd.due.note else ""
    body = _("当前步骤“%(step)s”由%(level)s办理。") % {"step": sd.title, "level": LEVEL_LABELS[level]}
    body += (f"{note}。" if note else "") + (_("依据：%(article)s。") % {"article": sd.article} if sd.article else "")
    return Item(
        kind=f"procedure.{instance.kind}",
        category="procedures",
        title=title,
        body=body,
        org_id=instance.org_id,
        url=url,
        key=f"proc:{instance.pk}:{sd.key}:{instance.step_since or '-'}:{instance.due_on or '-'}",
        due_on=instance.due_on,
        level=level,
        waiting=level != "branch",
        subject=instance.title,
    )


@provider("core.procedures")
def procedure_items(today: dt.date) -> Iterable[Item]:
    return procedure_items_of(today, exclude=tuple(_REMINDERS))


def procedure_items_of(today: dt.date, kinds: Iterable[str] | None = None, *, exclude: Iterable[str] = ()) -> Iterable[Item]:
    """Items of active instances due within the reminder horizon or waiting at another level (of `kinds`, all by default)."""
    from .models import ProcedureInstance, ProcedureStatus

    rules = deadline_rules(today)
    horizon = today + dt.timedelta(days=max(rules["remind_days_before"]))
    qs = ProcedureInstance.objects.filter(status=ProcedureStatus.ACTIVE).exclude(step="")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if exclude:
        qs = qs.exclude(kind__in=list(exclude))
    qs = qs.filter(Q(due_on__lte=horizon) | _waiting_q()).select_related("org").order_by("id")
    for instance in qs.iterator(chunk_size=500):
        item = procedure_item(instance)
        if item is not None:
            yield item


def procedure_moved(instance, *, actor: Actor | None = None, today: dt.date | None = None) -> int:
    """The engine's hook after a step moved: when the current step waits at another level, notify it now."""
    if not instance.step or instance.status != "active":
        return 0
    item = procedure_item(instance)
    if item is None or not item.waiting:
        return 0
    return notify_now([item], actor=actor, today=today)


def waiting_procedures(actor: Actor, *, under=None) -> list:
    """(instance, item) for procedure steps in the actor's scope that wait at a level the actor answers for
    (core.responsibility, fallback up the tree included): the attention list of the level above."""
    from . import procedures as proc
    from .models import ProcedureStatus

    if actor is None or actor.user is None:
        return []
    qs = proc.instances(actor).filter(status=ProcedureStatus.ACTIVE).filter(_waiting_q())
    if under is not None:
        from .fields import subtree_q

        qs = qs.filter(subtree_q(under.path, "org__path"))
    pairs = [(inst, procedure_item(inst)) for inst in qs.order_by("due_on", "id").iterator(chunk_size=500)]
    pairs = [(inst, item) for inst, item in pairs if item is not None]
    who: dict[str, dict] = {}
    for lv in {item.level for _i, item in pairs}:
        who[lv] = responsible_users({item.org_id for _i, item in pairs if item.level == lv}, level=lv)
    return [(inst, item) for inst, item in pairs if any(u.pk == actor.user_id for u in who[item.level].get(item.org_id, []))]


# --- the department's own escalation period ----------------------------------------------------------


@transaction.atomic
def set_escalation_days(*, actor: Actor, org_id, working_days: int | None, reason: str):
    """A department sets after how many working days overdue work goes up a level (None: back to the default)."""
    from django.utils import timezone

    from .models import EscalationSetting, Role
    from .normalize import clean_text
    from .params import writable_org

    org = writable_org(actor, org_id, active=False)
    if not actor.unrestricted and not any(g.role in (Role.DEPT_ADMIN, Role.SYSADMIN) and org.path.startswith(g.path) for g in actor.effective_grants):
        raise PermissionDenied()
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写设定依据（如本地文件名称）"))
    rules = deadline_rules(dt.date.today())
    if working_days is not None:
        low, high = rules["escalate_min_working_days"], rules["escalate_max_working_days"]
        if not isinstance(working_days, int) or isinstance(working_days, bool) or not low <= working_days <= high:
            raise ServiceError.single("working_days", "out_of_range", _("逾期提请督办的工作日数应为%(low)s至%(high)s之间的整数") % {"low": low, "high": high})
    current = EscalationSetting.objects.select_for_update().filter(org=org, ended_at__isnull=True).first()
    before = current.working_days if current else None
    if current is not None:
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
    setting = None
    if working_days is not None:
        setting = EscalationSetting.objects.create(org=org, working_days=working_days, reason=reason[:500], set_by=actor.label[:100])
    audit.record(actor, "deadlines.set_escalation", org, changes=audit.diff({"working_days": before}, {"working_days": working_days}), data={"reason": reason})
    return setting
