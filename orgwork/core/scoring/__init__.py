"""The scoring engine: indicator sets as versioned data, entries, exact period totals, rankings, grades, periods.

Member points (先锋储值/量化积分), branch stars, assessments of leadership teams, reserve-cadre scores, training
credits … all keep their numbers here. The kernel imports no app: apps describe their sets as data and register
the automatic indicators' providers in their ``AppConfig.ready()``.

Data (models in ``core/scoring/models.py``)
-------------------------------------------
``IndicatorSet`` (code, name, purpose, subject_type, owning org or None = shipped default, ``is_default`` = "default —
replace with the department's own") → ``IndicatorSetVersion`` (version, ``effective_from``, source, draft/in force,
``grades`` thresholds ``[{"grade": "优秀", "min": "90"}, …]``) → ``Indicator`` (code, name, area, direction add/deduct,
mode fixed/per_unit/tiered, points, ``tiers`` ``[{"min_units": "3", "points": "5"}]``, caps per day/month/year,
``evidence_required``, source self/reviewer/automatic, ``approver_role`` secretary/level_above/department/system,
``provider`` for automatic ones, ``basis`` = the citation).
``ScoreEntry`` — one fact about a subject (generic: ``subject_type`` = model label such as "members.member", ``subject_id``,
``org`` for scope), scored under the version in force on ``occurred_on`` and keeping it; submitted → approved /
returned; an approved entry is never edited: ``correct()`` adds a new entry pointing at it. ``ScoreEvidence`` — files.
``ScoreTotal`` — exact counters per (set, bucket, subject): buckets ``Y2026``, ``Q2026-2``, ``M2026-05``, updated with F()
in the approving transaction (the subject's year row is locked while caps are checked, so 64 concurrent writers on
PostgreSQL leave totals equal to the sum of approved entries). ``ScorePeriod`` — a date range of a set at an org's
subtree: open → published (公示) → locked; a locked period at the subject's org or any org above refuses entries.
``ScoreAppeal`` — an objection during publication with the reviewer's answer; a period with open appeals cannot lock.

Writes (``orgwork.core.scoring.services``; keyword-only, one transaction, audit event)
-------------------------------------------------------------------------------------
    install(actor=, spec=) -> IndicatorSet          a set + version + indicators from a dict (idempotent by code/version)
    define_set(actor=, code=, name=, purpose=, subject_type=, org_id=None, is_default=False, description="")
    add_version(actor=, set_id=, version=, effective_from=, source=, grades=None) -> draft copying the latest version
    put_indicator(actor=, version_id=, code=, **fields) / publish_version(actor=, version_id=)   (drafts only)
    submit(actor=, set_code=, indicator_code=, subject=, occurred_on=, units=1, points=None, note="", files=(),
           today=None) -> ScoreEntry      (points: a reviewer's score for source=reviewer indicators, 0..indicator points)
    approve(actor=, entry_id=) / return_entry(actor=, entry_id=, reason=) / correct(actor=, entry_id=, points=, reason=)
    open_period(actor=, set_code=, org_id=, kind=, starts_on=, ends_on=, label=) / publish_period(actor=, period_id=,
           until=None) / lock_period(actor=, period_id=)
    file_appeal(actor=, period_id=, subject=, content=, entry_id=None) / answer_appeal(actor=, appeal_id=, upheld=, answer=)
    refresh_automatic(start=, end=, set_code=None, only=None) -> RefreshReport   (the nightly job calls it)

Errors (ServiceError, API 400 with the code): ``cap_reached`` (the error's ``left`` says how many points are left
today / this month / this year), ``evidence_required``, ``self_approval``, ``no_rule_in_force``, ``period_locked``,
``automatic_only``, ``not_pending``, ``open_appeals``, ``version_in_force``.

Reads (``orgwork.core.scoring.selectors``; scoped through core.scope)
--------------------------------------------------------------------
    get_set(code), version_on(indicator_set, day), indicators_on(set_code, day, source=None)
    entries(actor, set_code=None, state=None, under=None, subject=None), pending(actor, set_code=None, under=None)
    total(set_code, subject, bucket) -> Decimal, totals_for(set_code, subject) -> {bucket: ScoreTotal}
    ranking(actor, set_code=, bucket=, under=None, page=1, page_size=50) -> Ranking(count, rows[rank, total, …])
    grade_for(version, total) -> str, breakdown(set_code, subject, start, end) -> [(area, indicator, points)]
    periods(actor, set_code=None, under=None), locked_period(indicator_set, org, day), appeals(actor, …)
    bucket_year(d) / bucket_month(d) / bucket_quarter(d)

Automatic indicators
--------------------
An indicator with source ``automatic`` names a ``provider``; an app registers the provider in ``ready()``::

    from orgwork.core import scoring

    @scoring.automatic("meetings.attendance")
    def attendance(start, end):                       # yields one Fact per scored record in [start, end]
        for a in Attendance.objects.filter(...):
            yield scoring.Fact(subject=a.member, org_id=a.member.org_id, occurred_on=a.meeting.held_on, units=1,
                               key=f"attendance:{a.pk}", evidence_type="meetings.meeting", evidence_id=a.meeting_id,
                               evidence_label=a.meeting.title, evidence_url=f"/meetings/{a.meeting_id}/")

``refresh_automatic`` compares each fact with the net of the automatic entries already recorded under the same
key and writes the difference as a new approved entry linked to its evidence (a record changed → a correction; a
record gone → the points taken back), skipping dates in locked periods. Caps apply to self-reported and reviewer
entries; automatic entries score what the records say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Fact:
    """What an automatic provider found: one record that scores `units` for a subject on a day."""

    subject_type: str
    subject_id: int
    subject_label: str
    org_id: int
    occurred_on: dt.date
    units: Decimal | int = 1
    key: str = ""
    evidence_type: str = ""
    evidence_id: str = ""
    evidence_label: str = ""
    evidence_url: str = ""

    @classmethod
    def of(cls, *, subject, org_id=None, occurred_on, units=1, key, label=None, evidence_type="", evidence_id="", evidence_label="", evidence_url="") -> Fact:
        return cls(
            subject_type=subject._meta.label_lower,
            subject_id=subject.pk,
            subject_label=label if label is not None else str(subject),
            org_id=org_id if org_id is not None else _subject_org_id(subject),
            occurred_on=occurred_on,
            units=units,
            key=key,
            evidence_type=evidence_type,
            evidence_id=str(evidence_id or ""),
            evidence_label=str(evidence_label or "")[:200],
            evidence_url=evidence_url or "",
        )


def _subject_org_id(subject) -> int:
    if subject._meta.label_lower == "orgs.org":
        return subject.pk
    return subject.org_id


Provider = Callable[[dt.date, dt.date], Iterable[Fact]]
_PROVIDERS: dict[str, Provider] = {}
_PROVIDER_LABELS: dict[str, str] = {}


def register_provider(code: str, fn: Provider, *, label: str = "") -> Provider:
    _PROVIDERS[code] = fn
    _PROVIDER_LABELS[code] = label or code
    return fn


def automatic(code: str, *, label: str = ""):
    """Decorator: register `fn(start, end) -> Iterable[Fact]` as the provider named `code`."""

    def deco(fn: Provider) -> Provider:
        return register_provider(code, fn, label=label)

    return deco


def provider(code: str) -> Provider | None:
    return _PROVIDERS.get(code)


def providers() -> dict[str, str]:
    """{code: label} of every registered provider (for the indicator editor)."""
    return dict(_PROVIDER_LABELS)


def __getattr__(name):  # the services and selectors, imported lazily (core.models imports this package)
    import importlib

    if name.startswith("_") or name in ("models", "calc", "services", "selectors"):
        return importlib.import_module(f"{__name__}.{name}") if not name.startswith("_") else _missing(name)
    for mod in ("services", "selectors"):
        module = importlib.import_module(f"{__name__}.{mod}")
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)


def _missing(name):
    raise AttributeError(name)
