"""Forms of the online petition hall and of the console."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Level, Satisfaction
from .rules import CATEGORIES, DECISIONS, RESULTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PetitionForm(forms.Form):
    category = forms.ChoiceField(label=_("信访类别"), choices=CATEGORIES)
    content = forms.CharField(label=_("信访内容"), required=False, widget=forms.Textarea(attrs={"rows": 8, "maxlength": 2000}))
    petitioner_name = forms.CharField(label=_("姓名（可不填，匿名）"), max_length=60, required=False)
    petitioner_phone = forms.CharField(label=_("手机号码（用于接收答复、查询和评价）"), max_length=20, required=False)


class OfflineForm(PetitionForm):
    channel = forms.ChoiceField(label=_("信访渠道"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(label=_("登记日期"), widget=DATE)


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("信访编号"), max_length=30)
    phone = forms.CharField(label=_("手机号码"), max_length=20)


class EvaluateForm(LookupForm):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("评价意见"), max_length=500, required=False)


class BookingForm(forms.Form):
    day = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    topic = forms.CharField(label=_("反映事项"), max_length=500)


class ActionForm(forms.Form):
    action = forms.CharField(max_length=40, required=False)
    item = forms.IntegerField(required=False, min_value=1)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("受理意见"), choices=DECISIONS)
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label=_("办理意见"), choices=RESULTS)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class CloseForm(forms.Form):
    on = forms.DateField(label=_("结案日期"), widget=DATE)


class RouteForm(forms.Form):
    org = forms.IntegerField(label=_("责任单位"), widget=forms.Select)
    reason = forms.CharField(label=_("交办说明"), max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class RepeatForm(forms.Form):
    previous_reference = forms.CharField(label=_("此前信访编号"), max_length=30)


class LeaderForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    post = forms.CharField(label=_("职务"), max_length=120)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)


class DayForm(forms.Form):
    leader = forms.IntegerField(label=_("接访领导"), widget=forms.Select)
    date = forms.DateField(label=_("接访日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=200)


class RecordForm(forms.Form):
    record = forms.CharField(label=_("接访记录"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("跟踪办理情况"), max_length=500)
    closed_on = forms.DateField(label=_("办结日期"), required=False, widget=DATE)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
