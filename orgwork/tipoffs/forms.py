"""Forms of the public 12380 page and of the console; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Channel, KeyRole, Outcome
from .rules import DECISIONS, METHODS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultiFileField, self).clean(d, initial) for d in items]


class TipoffForm(forms.Form):
    category = forms.ChoiceField(label=_("举报类别"), choices=Category.choices, widget=forms.RadioSelect)
    person_name = forms.CharField(label=_("被举报人姓名"), max_length=60, required=False)
    person_unit = forms.CharField(label=_("被举报人单位"), max_length=120, required=False)
    person_post = forms.CharField(label=_("被举报人职务"), max_length=60, required=False)
    text = forms.CharField(label=_("举报内容"), required=False, widget=forms.Textarea(attrs={"rows": 8, "maxlength": 1000}))
    anonymous = forms.TypedChoiceField(
        label=_("举报方式"), choices=[("0", _("实名举报")), ("1", _("匿名举报"))], coerce=lambda v: v == "1", initial="0", widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(label=_("举报人姓名"), max_length=60, required=False)
    reporter_id_number = forms.CharField(label=_("公民身份号码"), max_length=30, required=False)
    reporter_phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    files = MultiFileField(label=_("附件"), required=False)


class OfflineForm(TipoffForm):
    channel = forms.ChoiceField(label=_("举报渠道"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(label=_("登记日期"), widget=DATE)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("回执码"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class AddInformationForm(forms.Form):
    receipt = forms.CharField(max_length=40, widget=forms.HiddenInput)
    text = forms.CharField(label=_("补充内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}))
    files = MultiFileField(label=_("附件"), required=False)


class UnlockForm(forms.Form):
    password = forms.CharField(label=_("登录密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OfficeForm(forms.Form):
    org = forms.IntegerField(label=_("所属党组织"), widget=forms.Select)
    name = forms.CharField(label=_("受理机构名称"), max_length=120)
    password = forms.CharField(label=_("您的登录密码（用于生成和保管密钥）"), widget=forms.PasswordInput)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("人员用户名"), max_length=150)
    role = forms.ChoiceField(label=_("职责"), choices=KeyRole.choices)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("受理意见"), choices=DECISIONS)
    forward_to = forms.CharField(label=_("转办机关"), max_length=120, required=False)
    reason = forms.CharField(label=_("理由（告知举报人）"), max_length=500, required=False)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("承办单位/承办人"), max_length=120)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label=_("查核方式"), choices=METHODS)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("查核结论"), choices=Outcome.choices)
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("答复内容（举报人凭回执码查看）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    on = forms.DateField(label=_("办理日期"), widget=DATE)


class CloseForm(forms.Form):
    on = forms.DateField(label=_("结案日期"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class IdentityDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(label=_("决定"), choices=[("1", _("同意")), ("0", _("拒绝"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ForwardingForm(forms.Form):
    acknowledged_on = forms.DateField(label=_("对方签收日期"), required=False, widget=DATE)
    result_on = forms.DateField(label=_("对方反馈结果日期"), required=False, widget=DATE)


class ActionForm(forms.Form):
    """The pressed button and the ids it carries (hidden inputs) on console pages with several forms."""

    action = forms.CharField(max_length=40, required=False)
    extension = forms.IntegerField(required=False, min_value=1)
    office = forms.IntegerField(required=False, min_value=1)
    grant = forms.IntegerField(required=False, min_value=1)
    request = forms.IntegerField(required=False, min_value=1)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))
