"""The preferences form: quiet hours, the SMS number, and which channels per category of messages."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core import sms

from .models import CATEGORIES, DEFAULT_CHANNELS, Audience, CampaignStatus, MessageStatus
from .models import Channel as _Channel


class PreferencesForm(forms.Form):
    quiet_enabled = forms.BooleanField(label=_("夜间免打扰（此时段不发邮件和短信，待时段结束后再发；站内消息照常）"), required=False)
    quiet_start = forms.TimeField(label=_("免打扰开始"), input_formats=["%H:%M"], widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))
    quiet_end = forms.TimeField(label=_("免打扰结束"), input_formats=["%H:%M"], widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))
    sms_phone = forms.CharField(
        label=_("接收短信的手机号"), required=False, max_length=20, help_text=_("不填则使用本人党员信息中的联系电话")
    )

    def __init__(self, *args, settings=None, saved=None, **kwargs):
        initial = {"quiet_enabled": True, "quiet_start": "22:00", "quiet_end": "07:00", "sms_phone": ""}
        if settings is not None:
            initial.update(quiet_enabled=settings.quiet_enabled, quiet_start=settings.quiet_start, quiet_end=settings.quiet_end, sms_phone=settings.sms_phone)
        saved = saved or {}
        for cat in CATEGORIES:
            email, text = saved.get(cat, (DEFAULT_CHANNELS["email"], DEFAULT_CHANNELS["sms"]))
            initial[f"{cat}_email"], initial[f"{cat}_sms"] = email, text
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for cat, label in CATEGORIES.items():
            self.fields[f"{cat}_email"] = forms.BooleanField(label=_("电子邮件"), required=False)
            self.fields[f"{cat}_sms"] = forms.BooleanField(label=_("短信"), required=False)
            self.fields[f"{cat}_email"].category_label = label

    def clean_sms_phone(self):
        phone = self.cleaned_data.get("sms_phone", "").strip()
        if not phone:
            return ""
        try:
            return sms.normalize_phone(phone)
        except sms.SmsError:
            raise forms.ValidationError(_("接收短信的手机号应为11位手机号码")) from None

    def rows(self):
        return [(label, self[f"{cat}_email"], self[f"{cat}_sms"]) for cat, label in CATEGORIES.items()]

    def channels(self) -> dict:
        return {cat: (self.cleaned_data[f"{cat}_email"], self.cleaned_data[f"{cat}_sms"]) for cat in CATEGORIES}


class EscalationForm(forms.Form):
    """A department's own period after which overdue work goes up a level (core.deadlines.set_escalation_days)."""

    org = forms.TypedChoiceField(label=_("适用党组织（含下级）"), coerce=int)
    working_days = forms.IntegerField(label=_("逾期多少个工作日后提请上级督办"), required=False)
    reset = forms.BooleanField(label=_("恢复系统默认值"), required=False)
    reason = forms.CharField(label=_("设定依据"), max_length=500, help_text=_("如本地文件名称和文号"))

    def __init__(self, *args, orgs=(), low=1, high=60, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(orgs)
        self.fields["working_days"].min_value = low
        self.fields["working_days"].max_value = high
        self.fields["working_days"].validators.append(MinValueValidator(low))
        self.fields["working_days"].validators.append(MaxValueValidator(high))
        self.fields["working_days"].widget.attrs.update(min=low, max=high)
        self.fields["working_days"].help_text = _("%(low)s至%(high)s之间的整数") % {"low": low, "high": high}

    def clean(self):
        data = super().clean()
        if not data.get("reset") and data.get("working_days") is None and "working_days" not in self.errors:
            self.add_error("working_days", _("请填写工作日数，或选择恢复系统默认值"))
        return data


# --- bulk SMS ----------------------------------------------------------------------------------------------------


class CampaignForm(cf.ConsoleForm):
    """A bulk send: scope, audience, text (from a template or typed), the send's variables, urgency, earliest time."""

    org = cf.IdField(label=_("发送范围（党组织及其下级）"), required=True)
    audience = cf.ChoiceField(label=_("接收人"), choices=Audience.choices, default=Audience.MEMBERS, widget=forms.Select(choices=Audience.choices))
    template = cf.IdField(label=_("短信模板"))
    title = cf.TextField(label=_("事由"), max_length=100, required=True)
    body = cf.TextField(label=_("短信内容"), max_length=500, textarea=True, required=True)
    variables = cf.KeyedField(label=_("变量取值"), prefix="var_", value=cf.TextField(label=_("变量取值"), max_length=60), ids=True, max_items=20)
    urgent = cf.FlagField(label=_("紧急通知（夜间也立即发送，且不受退订限制）"))
    send_after = forms.DateTimeField(
        label=_("发送时间不早于（不填则批准后即发）"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    action = cf.ChoiceField(label=_("操作"), choices=[("preview", _("预览人数和费用")), ("submit", _("提交审批"))], default="preview", widget=forms.HiddenInput)

    def values_by_name(self, names: list[str]) -> dict:
        """{variable name: value} from the posted var_1 … var_n (positions of the send's variables in the text)."""
        got = self.cleaned_data.get("variables") or {}
        return {name: got.get(i, "") for i, name in enumerate(names, start=1)}


class DecisionForm(cf.ConsoleForm):
    decision = cf.ChoiceField(label=_("审批"), choices=[("approve", _("批准发送")), ("reject", _("不批准")), ("cancel", _("撤回"))], required=True, widget=forms.HiddenInput)
    note = cf.TextField(label=_("审批意见"), max_length=300, textarea=True)
    confirm_cost_fen = cf.IntField(label=_("核对的费用（分）"), min_value=0, max_value=10**9, widget=forms.HiddenInput)


class TemplateForm(cf.ConsoleForm):
    org = cf.IdField(label=_("所属党组织"), required=True)
    name = cf.TextField(label=_("模板名称"), max_length=60, required=True)
    body = cf.TextField(
        label=_("模板内容"), max_length=500, textarea=True, required=True,
        help_text=_("变量写成{变量名}：{姓名}、{党组织}按每位接收人自动填写，其他变量（如{会议名称}{时间}{地点}）发送时填写一次"),
    )


class TariffForm(cf.ConsoleForm):
    org = forms.TypedChoiceField(label=_("组织部门"), coerce=int)
    price_fen = cf.IntField(label=_("单价（分/条）"), min_value=0, max_value=1000, required=True)
    effective_on = cf.DateField(label=_("起用日期"), required=True)
    reason = cf.TextField(label=_("依据（如合同名称和编号）"), max_length=200, required=True)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(orgs)


class LogFilterForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"))
    channel = cf.ChoiceField(label=_("渠道"), choices=_Channel.choices, widget=forms.Select(choices=[("", _("全部")), *_Channel.choices]))
    status = cf.ChoiceField(label=_("状态"), choices=MessageStatus.choices, widget=forms.Select(choices=[("", _("全部")), *MessageStatus.choices]))
    since = cf.DateField(label=_("起始日期"))
    until = cf.DateField(label=_("截止日期"))
    campaign = cf.IdField(label=_("批量短信"))


class CampaignFilterForm(cf.ConsoleForm):
    status = cf.ChoiceField(label=_("状态"), choices=CampaignStatus.choices, widget=forms.Select(choices=[("", _("全部")), *CampaignStatus.choices]))
