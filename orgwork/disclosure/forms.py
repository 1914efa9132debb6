"""Disclosure forms (console, member and public): parse what was typed; the services validate per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import Audience, ItemState, RequestState
from .rules import AREAS, FREQUENCIES


class ProposeForm(forms.Form):
    org = forms.IntegerField(label=_("党组织"), widget=forms.HiddenInput)
    area = forms.ChoiceField(label=_("公开内容"), choices=AREAS)
    audience = forms.ChoiceField(label=_("公开范围"), choices=Audience.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("公开内容正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=[("approve", _("通过")), ("return", _("退回修改"))], widget=forms.RadioSelect)
    secrecy_checked = forms.BooleanField(label=_("保密审查：已核对，不含国家秘密、工作秘密和个人隐私"), required=False)
    comment = forms.CharField(label=_("审核意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("公开内容正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class EntryForm(forms.Form):
    area = forms.ChoiceField(label=_("公开内容"), choices=AREAS)
    title = forms.CharField(label=_("公开事项"), max_length=100)
    audience = forms.ChoiceField(label=_("公开范围"), choices=Audience.choices)
    frequency = forms.ChoiceField(label=_("例行公开周期"), required=False, choices=[("", _("不定期")), *FREQUENCIES.items()])


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("答复方式"), choices=[("answer", _("予以公开")), ("refuse", _("不予公开并说明理由"))], widget=forms.RadioSelect)
    answer = forms.CharField(label=_("答复内容"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    reason = forms.CharField(label=_("不予公开的理由"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    requester_name = forms.CharField(label=_("申请人姓名（可不填）"), max_length=60, required=False)
    question = forms.CharField(label=_("申请公开的内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("回执码"), max_length=40)


class OrgSearchForm(forms.Form):
    q = forms.CharField(label=_("党组织名称"), max_length=60, required=False)


class FilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ItemState.choices])


class RequestFilterForm(forms.Form):
    rstate = forms.ChoiceField(label=_("申请状态"), required=False, choices=[("", _("全部")), *RequestState.choices])


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class ActionForm(cf.ConsoleForm):
    """Which button of the page was pressed."""

    action = cf.TextField(label=_("操作"), max_length=20)
