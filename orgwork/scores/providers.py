"""Automatic indicators of the branch rubric computed from the org registry: 支部书记空缺超过半年 (seed 003) and
任期届满未按期换届 (the term recorded on the org has ended and no new term has started).

(Meeting and dues indicators are registered by the meetings and dues apps themselves: no arrow from scores.)
"""

from __future__ import annotations

import datetime as dt

from orgwork.core import scoring
from orgwork.core.normalize import add_months
from orgwork.orgs.models import BRANCH_KINDS, OfficerPost, Org, OrgOfficer

from .rules import STARS


def vacancies(today: dt.date | None = None):
    """(org, vacant since) of every active branch without a secretary in post; since = the last secretary's end,
    or the founding date when it never had one (None when neither is known)."""
    today = today or dt.date.today()
    in_post = set(OrgOfficer.objects.filter(post=OfficerPost.SECRETARY, ended_on__isnull=True).values_list("org_id", flat=True))
    last_end: dict[int, dt.date] = {}
    for org_id, ended in OrgOfficer.objects.filter(post=OfficerPost.SECRETARY, ended_on__isnull=False).values_list("org_id", "ended_on"):
        if ended > last_end.get(org_id, dt.date.min):
            last_end[org_id] = ended
    for org in Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True).only("pk", "name", "path", "founded_on").iterator(chunk_size=2000):
        if org.pk in in_post:
            continue
        yield org, last_end.get(org.pk) or org.founded_on


def vacancy_spells(today: dt.date | None = None):
    """(org, vacant from, vacant until or None) for every gap between secretaries of active branches, past or current:
    the history of the officers' record, so a vacancy filled later still counts for the year it ran past half a year."""
    today = today or dt.date.today()
    posts: dict[int, list[tuple]] = {}
    for org_id, started, ended in OrgOfficer.objects.filter(post=OfficerPost.SECRETARY).values_list("org_id", "started_on", "ended_on"):
        posts.setdefault(org_id, []).append((started or dt.date.min, ended))
    for org in Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True).only("pk", "name", "path", "founded_on").iterator(chunk_size=2000):
        spans = sorted(posts.get(org.pk, []))
        cursor = org.founded_on  # vacant from founding until the first secretary (when the founding date is known)
        for started, ended in spans:
            if cursor is not None and started > cursor:
                yield org, cursor, started
            if ended is None:
                cursor = None
                break
            cursor = max(cursor or ended, ended)
        if cursor is not None and cursor <= today and (not spans or spans[-1][1] is not None):
            yield org, cursor, None


@scoring.automatic("orgs.secretary_vacant", label="支部书记空缺超过半年（班子成员记录）")
def secretary_vacant(start: dt.date, end: dt.date):
    today = dt.date.today()
    months = STARS.get("secretary_vacancy_months", 6)
    for org, since, until in vacancy_spells(today):
        crossed = add_months(since, months)
        if crossed > today or (until is not None and until <= crossed) or not (start <= crossed <= end):
            continue
        yield scoring.Fact(
            subject_type="orgs.org", subject_id=org.pk, subject_label=org.name, org_id=org.pk, occurred_on=crossed, units=1,
            key=f"{org.pk}:{since}", evidence_type="orgs.org", evidence_id=str(org.pk),
            evidence_label=f"书记自{since:%Y-%m-%d}起空缺，{crossed:%Y-%m-%d}满{months}个月", evidence_url=f"/orgs/{org.pk}/",
        )  # fmt: skip


@scoring.automatic("orgs.term_overdue", label="任期届满未按期换届（党组织任期记录）")
def term_overdue(start: dt.date, end: dt.date):
    """One deduction per term that ended inside [start, end] without a new term recorded since (a new term moves
    `term_started_on`, and the fact's key names the old term, so a later election does not take back the past one)."""
    today = dt.date.today()
    for org in Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True, term_started_on__isnull=False).only(
        "pk", "name", "path", "kind", "sector", "term_started_on", "term_years"
    ).iterator(chunk_size=2000):
        ends = org.term_ends_on()
        if ends is None or ends >= today or not (start <= ends <= end):
            continue
        yield scoring.Fact(
            subject_type="orgs.org", subject_id=org.pk, subject_label=org.name, org_id=org.pk, occurred_on=ends, units=1,
            key=f"{org.pk}:{org.term_started_on}", evidence_type="orgs.org", evidence_id=str(org.pk),
            evidence_label=f"本届任期自{org.term_started_on:%Y-%m-%d}起，{ends:%Y-%m-%d}届满，尚未换届", evidence_url=f"/orgs/{org.pk}/",
        )  # fmt: skip
