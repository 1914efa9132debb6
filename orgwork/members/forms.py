"""Console forms of the member registry: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core.forms import apply_service_errors  # noqa: F401 — the views' one import of it
from orgwork.orgs.forms import OrgPickForm  # noqa: F401 — the member create page picks the org the same way
from orgwork.orgs.models import Sector

from .bands import AGE_BANDS, PARTY_AGE_BANDS
from .models import Category, Education, Gender, StatusAction
from .selectors import STATUS_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "—"), *list(choices)]


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("搜索"))
    status = forms.ChoiceField(required=False, label=_("党籍状态"), choices=list(STATUS_LABELS.items()))
    under = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sector = forms.ChoiceField(required=False, label=_("领域"), choices=_blank(Sector.choices))
    education = forms.ChoiceField(required=False, label=_("学历"), choices=_blank(Education.choices))
    gender = forms.ChoiceField(required=False, label=_("性别"), choices=_blank(Gender.choices))
    age_band = forms.ChoiceField(required=False, label=_("年龄"), choices=_blank((c, label) for c, label, *_r in AGE_BANDS))
    party_age_band = forms.ChoiceField(required=False, label=_("党龄"), choices=_blank((c, label) for c, label, *_r in PARTY_AGE_BANDS))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


class MemberForm(forms.Form):
    """The record's editable fields; category and standing change only through status actions."""

    name = forms.CharField(label=_("姓名"), required=False, max_length=60)
    id_number = forms.CharField(label=_("公民身份号码"), required=False, max_length=30, help_text=_("18位，末位X大小写均可；出生日期和性别由号码自动得出"))
    ethnicity = forms.CharField(label=_("民族"), required=False, max_length=30, initial="汉族")
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_blank(Education.choices))
    category = forms.ChoiceField(label=_("人员类别"), required=False, choices=_blank(Category.choices))
    joined_on = forms.CharField(label=_("入党日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    confirmed_on = forms.CharField(label=_("转为正式党员日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    job = forms.CharField(label=_("工作岗位"), required=False, max_length=100)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    address = forms.CharField(label=_("家庭住址"), required=False, max_length=200)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["category"]


class StatusForm(forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


STATUS_ACTIONS = dict(StatusAction.choices)


class PartyGroupForm(cf.ConsoleForm):
    party_group = cf.IdField(label=_("党小组"))
