import datetime as dt

import pytest

from orgwork.meetings import services


@pytest.fixture
def hold(system):
    """Plan and record a meeting in one go (theme days with their fixed parts ticked)."""

    def _hold(org, kind, day: dt.date, *, topic="学习", speaker=None, attendees=None, present=None, **kw):
        m = services.plan_meeting(actor=system, org_id=org.pk, kind=kind, topic=topic, planned_on=day, speaker_id=speaker.pk if speaker else None, attendee_ids=attendees, **kw)
        if kind == "theme_day":
            services.set_checklist(actor=system, meeting_id=m.pk, parts={"study": True, "dues": True, "spirit": True})
        ids = [a.member_id for a in m.attendance.all()]
        return services.record_meeting(actor=system, meeting_id=m.pk, held_on=day, present_ids=present if present is not None else ids, today=dt.date(2030, 1, 1))

    return _hold
