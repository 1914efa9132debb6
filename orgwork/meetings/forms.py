"""Console forms for organizational life: plans, records, sign-in, appraisal (typed, bounded; the services
validate the rest and answer per field)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import THEME_DAY_PARTS

TEXT_LONG = 20_000  # minutes and resolutions


class MeetingForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    kind = cf.TextField(label=_("类别"), max_length=40)
    topic = cf.TextField(label=_("主题"), max_length=200)
    planned_on = cf.DateField(label=_("计划日期"))
    place = cf.TextField(label=_("地点"), max_length=200)
    host = cf.TextField(label=_("主持人"), max_length=60)
    recorder = cf.TextField(label=_("记录人"), max_length=60)
    custom_kind = cf.TextField(label=_("自定义类别"), max_length=60)
    speaker = cf.IdField(label=_("讲课人"))
    attendees = cf.IdListField(label=_("应到人员"))


class RecordForm(cf.ConsoleForm):
    held_on = cf.DateField(label=_("召开日期"))
    present = cf.IdListField(label=_("实到人员"))
    absent = cf.KeyedField(label=_("缺席人员"), prefix="reason_", value=cf.TextField(label=_("缺席原因"), max_length=200), keep_empty=True)
    host = cf.TextField(label=_("主持人"), max_length=60)
    recorder = cf.TextField(label=_("记录人"), max_length=60)
    place = cf.TextField(label=_("地点"), max_length=200)
    minutes = cf.TextField(label=_("会议记录"), max_length=TEXT_LONG, textarea=True)
    resolutions = cf.TextField(label=_("决议事项"), max_length=TEXT_LONG, textarea=True)
    minutes_published = cf.FlagField(label=_("向党员公开会议记录"))


class UpdateForm(cf.ConsoleForm):
    topic = cf.TextField(label=_("主题"), max_length=200)
    place = cf.TextField(label=_("地点"), max_length=200)
    host = cf.TextField(label=_("主持人"), max_length=60)
    recorder = cf.TextField(label=_("记录人"), max_length=60)
    minutes = cf.TextField(label=_("会议记录"), max_length=TEXT_LONG, textarea=True)
    resolutions = cf.TextField(label=_("决议事项"), max_length=TEXT_LONG, textarea=True)


class ChecklistForm(cf.ConsoleForm):
    parts = forms.MultipleChoiceField(label=_("固定内容"), required=False, choices=list(THEME_DAY_PARTS.items()))


class CancelForm(cf.ConsoleForm):
    reason = cf.TextField(label=_("取消原因"), max_length=500)


class SignInForm(cf.ConsoleForm):
    code = cf.TextField(label=_("签到码"), max_length=20)


class StartRoundForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    year = cf.YearField(label=_("年度"), default=lambda: dt.date.today().year)


class AppraisalActionForm(cf.ConsoleForm):
    action = cf.TextField(label=_("操作"), max_length=20)


def _count(label):
    return cf.IntField(label=label, min_value=0, max_value=100_000, default=0)


class SelfForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    text = cf.TextField(label=_("个人总结"), max_length=5000, textarea=True)
    grade = cf.TextField(label=_("自评等次"), max_length=20)


class MutualForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    comments = cf.TextField(label=_("互评意见"), max_length=5000, textarea=True)


class RatingForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    voters = _count(_("参加测评人数"))
    excellent = _count(_("优秀票数"))
    qualified = _count(_("合格票数"))
    basic = _count(_("基本合格票数"))
    unqualified = _count(_("不合格票数"))


class DecideForm(cf.ConsoleForm):
    grade = cf.KeyedField(label=_("党员"), prefix="grade_", value=cf.TextField(label=_("评定等次"), max_length=20), keep_empty=True)
    reason = cf.KeyedField(label=_("党员"), prefix="reason_", value=cf.TextField(label=_("说明"), max_length=500), keep_empty=True)

    def grades(self) -> dict[int, tuple[str, str]]:
        d = self.values()
        return {pk: (grade, d["reason"].get(pk, "")) for pk, grade in d["grade"].items()}


class HandOverForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    reference = cf.TextField(label=_("处置情况"), max_length=500)
