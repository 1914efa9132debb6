"""Console forms of the shell's own pages (account, password, tokens, calendar, scope switch)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core.forms import apply_service_errors  # noqa: F401 — the views' one import of it


class PasswordForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), help_text=_("至少8位，不能全是数字，不能是常见密码"))
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class TokenCodeForm(forms.Form):
    token = forms.CharField(label=_("6位验证码"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}))


class ApiTokenForm(forms.Form):
    """Issuing an API token: what it is for, read-only or not, how long — confirmed with the password."""

    name = forms.CharField(label=_("用途"), max_length=60, required=False, help_text=_("例如：统计报表脚本"))
    read_only = forms.BooleanField(label=_("只读（只能查询，不能修改数据）"), required=False, initial=True)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=3660)
    password = forms.CharField(label=_("当前密码"), widget=forms.PasswordInput, help_text=_("生成令牌前请再次输入密码确认身份"))


class CalendarForm(cf.ConsoleForm):
    year = cf.YearField(label=_("年份"), required=True)
    holidays = cf.TextField(label=_("放假日期"), max_length=20_000, textarea=True)
    workdays = cf.TextField(label=_("调休上班日期"), max_length=20_000, textarea=True)
    source = cf.TextField(label=_("依据"), max_length=500)


def _password_field(label):
    return forms.CharField(label=label, required=False, strip=False, max_length=4096, widget=forms.PasswordInput)


class UsernameForm(cf.ConsoleForm):
    username = cf.TextField(label=_("用户名"), max_length=150)


class ResetVerifyForm(cf.ConsoleForm):
    username = cf.TextField(label=_("用户名"), max_length=150)
    code = cf.TextField(label=_("验证码"), max_length=20)
    new_password1 = _password_field(_("新密码"))
    new_password2 = _password_field(_("再次输入新密码"))


class NextForm(cf.ConsoleForm):
    next = cf.TextField(label=_("返回地址"), max_length=2000)


class SwitchScopeForm(cf.ConsoleForm):
    grant = cf.TextField(label=_("管理范围"), max_length=30)


class RemoveTotpForm(cf.ConsoleForm):
    remove = cf.FlagField(label=_("停用两步验证"))


class RevokeTokenForm(cf.ConsoleForm):
    revoke = cf.IdField(label=_("令牌"))
