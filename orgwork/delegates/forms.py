"""Delegate forms (console and the public question form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import Occupation, Satisfaction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CongressForm(forms.Form):
    org = forms.IntegerField(label=_("召集党委"), widget=forms.HiddenInput)
    name = forms.CharField(label=_("大会名称"), max_length=120)
    term_start = forms.DateField(label=_("届期开始"), widget=DATE)
    term_end = forms.DateField(label=_("届期结束"), widget=DATE)


class DelegateForm(forms.Form):
    congress = forms.IntegerField(widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("所在党组织"), widget=forms.HiddenInput)
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名（未选党员时填写）"), max_length=60, required=False)
    female = forms.BooleanField(label=_("女性"), required=False)
    birth_date = forms.DateField(label=_("出生日期（未选党员时填写）"), required=False, widget=DATE)
    occupation = forms.ChoiceField(label=_("身份"), choices=Occupation.choices)


class OfficeForm(forms.Form):
    org = forms.IntegerField(label=_("所在党组织"), widget=forms.HiddenInput)
    name = forms.CharField(label=_("工作室名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class ScheduleForm(forms.Form):
    office = forms.TypedChoiceField(label=_("工作室"), coerce=int)
    day = forms.DateField(label=_("接待日期（留空为下一个周五）"), required=False, widget=DATE)
    delegates = forms.TypedMultipleChoiceField(label=_("接待代表"), coerce=int, widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, offices=(), delegates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.pk, f"{o.name}（{o.org.name}）") for o in offices]
        self.fields["delegates"].choices = [(d.pk, f"{d.name}（{d.org.name}）") for d in delegates]


class RecordForm(forms.Form):
    reception = forms.IntegerField(widget=forms.HiddenInput)
    visitors = forms.IntegerField(label=_("接待人次"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("情况记录"), max_length=500, required=False)


class OpinionForm(forms.Form):
    org = forms.IntegerField(label=_("所在党组织"), widget=forms.HiddenInput)
    delegate = forms.TypedChoiceField(label=_("收集代表"), coerce=int, required=False, empty_value=None)
    from_name = forms.CharField(label=_("反映人"), max_length=60, required=False)
    content = forms.CharField(label=_("意见建议"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("收集日期"), required=False, widget=DATE)

    def __init__(self, *args, delegates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].choices = [("", "—"), *((d.pk, d.name) for d in delegates)]


class AdvanceForm(forms.Form):
    unit = forms.CharField(label=_("承办单位"), max_length=120, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    answer = forms.CharField(label=_("答复"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=200)
    content = forms.CharField(label=_("内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


class ProposalActForm(forms.Form):
    unit = forms.CharField(label=_("承办单位"), max_length=120, required=False)
    reply = forms.CharField(label=_("办理答复"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    satisfaction = forms.ChoiceField(label=_("提案人满意度"), required=False, choices=[("", "—"), *Satisfaction.choices])


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class AskForm(forms.Form):
    asker_name = forms.CharField(label=_("称呼（可不填）"), max_length=60, required=False)
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("问题"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class OrgSearchForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), max_length=60, required=False)


class ActionForm(cf.ConsoleForm):
    action = cf.TextField(label=_("操作"), max_length=20)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
