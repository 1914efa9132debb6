"""Console forms of the org registry: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core.forms import apply_service_errors  # noqa: F401 — the views' one import of it

from .models import OfficerPost, OrgKind, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgForm(forms.Form):
    name = forms.CharField(label=_("党组织名称"), required=False, max_length=120)
    short_name = forms.CharField(label=_("简称"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("党组织类别"), choices=OrgKind.choices)
    sector = forms.ChoiceField(label=_("单位所属领域"), choices=Sector.choices, initial=Sector.OTHER)
    code = forms.CharField(label=_("组织代码"), required=False, max_length=40, help_text=_("留空则自动生成"))
    unit_name = forms.CharField(label=_("所在单位"), required=False, max_length=200)
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DATE)
    contact = forms.CharField(label=_("联系人"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=40)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    term_started_on = forms.DateField(label=_("本届任期开始"), required=False, widget=DATE)
    term_years = forms.IntegerField(label=_("任期年限"), required=False, min_value=1, max_value=10, help_text=_("留空按规定：党委5年，党总支、党支部3年"))


class OfficerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), required=False, max_length=60)
    post = forms.ChoiceField(label=_("职务"), choices=OfficerPost.choices)
    started_on = forms.DateField(label=_("任职日期"), required=False, widget=DATE)


class EndOfficerForm(forms.Form):
    on = forms.DateField(label=_("离任日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("离任原因"), required=False, max_length=200)


class MoveOrgForm(forms.Form):
    parent = forms.IntegerField(label=_("新的上级党组织"), required=False)


class AbolishOrgForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("撤销原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class OrgPickForm(cf.ConsoleForm):
    """The org chosen with the picker on a create page (`org`, or `parent_id` for a new org's parent)."""

    org = cf.IdField(label=_("党组织"))
    parent_id = cf.IdField(label=_("上级党组织"))


class PickedMemberForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"))
