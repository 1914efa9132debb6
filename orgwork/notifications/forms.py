"""The preferences form: quiet hours, the SMS number, and which channels per category of messages."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from orgwork.core import sms

from .models import CATEGORIES, DEFAULT_CHANNELS


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
