"""Every read of organizational life, scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.fields import subtree_q
from orgwork.core.scope import get_in_scope, scope
from orgwork.orgs.models import Org

from . import compliance
from .models import AppraisalEntry, AppraisalRound, AppraisalStage, Attendance, AttendanceStatus, Meeting, MeetingStatus


def meetings(actor: Actor) -> QuerySet[Meeting]:
    return scope(Meeting.objects.select_related("org"), actor)


def search_meetings(
    actor: Actor, *, under: Org | None = None, kind: str = "", status: str = "", year: int | None = None, month: int | None = None
) -> QuerySet[Meeting]:
    qs = meetings(actor).select_related("org__parent").annotate(
        n_expected=Count("attendance", filter=Q(attendance__expected=True), distinct=True),
        n_present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT), distinct=True),
    )
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(planned_on__year=year)
        if month:
            qs = qs.filter(planned_on__month=month)
    return qs.order_by("-planned_on", "-id")


def get_meeting(actor: Actor, meeting_id) -> Meeting:
    return get_in_scope(Meeting.objects.select_related("org", "speaker"), actor, pk=meeting_id)


def attendance(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendance.select_related("member").order_by("member__name_pinyin", "member_id")


def rounds(actor: Actor) -> QuerySet[AppraisalRound]:
    return scope(AppraisalRound.objects.select_related("org__parent"), actor).order_by("-year", "org__path")


def get_round(actor: Actor, round_id) -> AppraisalRound:
    return get_in_scope(AppraisalRound.objects.select_related("org"), actor, pk=round_id)


def round_entries(r: AppraisalRound) -> QuerySet[AppraisalEntry]:
    return r.entries.select_related("member").order_by("member__name_pinyin", "member_id")


def member_appraisals(actor: Actor, member_id: int) -> QuerySet[AppraisalEntry]:
    """A member's appraisal results over the years: the part of their file this module keeps."""
    return scope(AppraisalEntry.objects.filter(member_id=member_id, round__stage__in=["decided", "closed"]), actor).select_related("round").order_by("-round__year")


# --- the member's own (phone pages) -------------------------------------------------------------------
# A member reads the meetings they are expected at through their own attendance rows: the services write one row per
# person a meeting expects (default_expected: the branch roll, the party group's members, the committee's seats), so
# the question "am I expected?" is answered by the rows, not derived again here.
def _own_attendance(actor: Actor) -> QuerySet[Attendance]:
    if not actor.self_member_ids:
        return Attendance.objects.none()
    return scope(Attendance.objects.filter(member_id__in=actor.self_member_ids), actor).select_related("meeting", "meeting__org")


def own_upcoming_meetings(actor: Actor, *, today: dt.date | None = None) -> QuerySet[Attendance]:
    """Planned meetings from today on that expect the member (their attendance rows, soonest first)."""
    today = today or dt.date.today()
    return (
        _own_attendance(actor)
        .filter(expected=True, meeting__status=MeetingStatus.PLANNED, meeting__planned_on__gte=today)
        .order_by("meeting__planned_on", "meeting_id")
    )


def own_past_meetings(actor: Actor) -> QuerySet[Attendance]:
    """Held meetings the member was expected at or signed in to, newest first, with their own attendance."""
    return _own_attendance(actor).filter(meeting__status=MeetingStatus.HELD).order_by("-meeting__held_on", "-meeting_id")


def own_meeting(actor: Actor, meeting_id) -> Attendance:
    """One meeting of the member's (their attendance row with the meeting); NotFound for any other meeting."""
    try:
        return _own_attendance(actor).get(meeting_id=meeting_id)
    except (Attendance.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def published_minutes(meeting: Meeting) -> tuple[str, str] | None:
    """(minutes, resolutions) of a held meeting whose minutes the branch published to its members; None otherwise."""
    if meeting.status != MeetingStatus.HELD or not meeting.minutes_published:
        return None
    return meeting.minutes, meeting.resolutions


def own_appraisals(actor: Actor) -> QuerySet[AppraisalEntry]:
    """The member's own appraisal entries, every stage, newest year first (what a member may read of them is the
    template's business: stage, their self-assessment, and the grade with its reason once the branch decided)."""
    if not actor.self_member_ids:
        return AppraisalEntry.objects.none()
    qs = scope(AppraisalEntry.objects.filter(member_id__in=actor.self_member_ids), actor)
    return qs.select_related("round", "round__org").order_by("-round__year", "-pk")


def own_appraisal(actor: Actor, entry_id) -> AppraisalEntry:
    try:
        return own_appraisals(actor).get(pk=entry_id)
    except (AppraisalEntry.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


DECIDED_STAGES = (AppraisalStage.DECIDED, AppraisalStage.CLOSED)


# --- compliance -----------------------------------------------------------------------------------
def scope_paths(actor: Actor, under: Org | None = None) -> list[str] | None:
    """The subtrees a compliance scan covers for this actor (None: everything)."""
    if under is not None:
        return [under.path]
    if actor.unrestricted:
        return None
    return actor.subtree_paths()


def monthly_check(actor: Actor, *, year: int, month: int, under: Org | None = None, as_of: dt.date | None = None):
    return compliance.monthly_check(year=year, month=month, as_of=as_of, paths=scope_paths(actor, under))


def quarterly_report(actor: Actor, *, year: int, quarter: int, under: Org | None = None, as_of: dt.date | None = None):
    return compliance.quarterly_report(year=year, quarter=quarter, as_of=as_of, paths=scope_paths(actor, under))


def late_orgs(actor: Actor, *, under: Org | None = None, as_of: dt.date | None = None, cached: bool = False):
    paths = scope_paths(actor, under)
    if paths == []:
        return []
    as_of = as_of or dt.date.today()
    if not cached:
        return compliance.late_orgs(as_of=as_of, paths=paths)
    key = f"meetings.late:{as_of}:{','.join(paths) if paths is not None else '*'}"[:240]
    out = cache.get(key)
    if out is None:
        out = compliance.late_orgs(as_of=as_of, paths=paths)
        cache.set(key, out, 600)
    return out


def grid_children(actor: Actor, under: Org | None) -> list[Org]:
    """The sub-orgs a grid shows: the children of the chosen org, or the actor's top orgs' children."""
    from orgwork.orgs import selectors as org_selectors

    if under is None:
        tops = list(org_selectors.top_orgs(actor))
        if len(tops) != 1:
            return tops
        under = tops[0]
    return list(org_selectors.children(actor, under).exclude(kind="group"))


def member_attendance(actor: Actor, member_id: int, *, limit: int = 200) -> QuerySet[Attendance]:
    """A member's meetings (present or absent), newest first: their organizational-life record."""
    return (
        scope(Attendance.objects.filter(member_id=member_id), actor)
        .select_related("meeting", "meeting__org")
        .order_by("-meeting__planned_on", "-meeting_id")[:limit]
    )
