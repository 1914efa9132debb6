"""Console forms for party-affairs staff: appoint and end (typed, bounded; the services validate the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class ActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["appoint", "end"], default="appoint")


class AppointForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    name = cf.TextField(label=_("姓名"), max_length=60)
    member = cf.IdField(label=_("党员"))
    post = cf.TextField(label=_("岗位"), max_length=60)
    full_time = cf.FlagField(label=_("专职"))
    started_on = cf.DateField(label=_("任职日期"), required=True)


class EndForm(cf.ConsoleForm):
    staff = cf.IdField(label=_("党务工作者"))
    ended_on = cf.DateField(label=_("离岗日期"), required=True)
    reason = cf.TextField(label=_("离岗原因"), max_length=200)
