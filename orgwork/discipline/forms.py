"""Console forms for discipline records: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SanctionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STATES = [("", _("全部")), ("in_force", _("生效中")), ("ended", _("期满解除")), ("revoked", _("已撤销"))]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("处分种类"), required=False, choices=[("", _("全部")), *SanctionKind.choices])
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATES)


class MemberSearchForm(forms.Form):
    find = forms.CharField(label=_("查找党员"), required=False, max_length=60)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("处分种类"), choices=SanctionKind.choices)
    probation_years = forms.TypedChoiceField(
        label=_("留党察看期限"), required=False, coerce=int, empty_value=None, choices=[("", "—"), (1, _("一年")), (2, _("二年"))],
        help_text=_("仅留党察看处分填写"),
    )
    decided_on = forms.DateField(label=_("决定日期"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("生效日期"), required=False, widget=DATE, help_text=_("留空则与决定日期相同"))
    decided_by = forms.CharField(label=_("作出决定的机关"), required=False, max_length=120)
    document = forms.CharField(label=_("处分决定文号"), required=False, max_length=120)
    reason = forms.CharField(label=_("违纪事实和依据"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ActionForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", "—"), ("extend", _("延长察看期")), ("revoke", _("撤销处分")), ("correct", _("更正记录"))])


class ExtendForm(forms.Form):
    decided_on = forms.DateField(label=_("延长决定日期"), required=False, widget=DATE)
    document = forms.CharField(label=_("延长决定文号"), required=False, max_length=120)
    reason = forms.CharField(label=_("延长理由"), required=False, max_length=500)


class RevokeForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), required=False, widget=DATE)
    document = forms.CharField(label=_("撤销决定文号"), required=False, max_length=120)
    reason = forms.CharField(label=_("撤销原因"), required=False, max_length=500)


class CorrectForm(forms.Form):
    decided_by = forms.CharField(label=_("作出决定的机关"), required=False, max_length=120)
    document = forms.CharField(label=_("处分决定文号"), required=False, max_length=120)
    reason = forms.CharField(label=_("违纪事实和依据"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    comment = forms.CharField(label=_("更正说明"), required=False, max_length=500)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
