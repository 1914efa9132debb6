"""The preferences form: quiet hours, the SMS number, and which channels per category of messages."""

from __future__ import annotations

from django import forms
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
