"""Console forms: they parse what was typed; the services validate and answer in Chinese per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core.errors import ServiceError
from orgwork.members.bands import AGE_BANDS, PARTY_AGE_BANDS
from orgwork.members.models import Category, Education, Gender, StatusAction
from orgwork.members.selectors import STATUS_LABELS
from orgwork.orgs.models import OfficerPost, OrgKind, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_service_errors(form: forms.Form, exc: ServiceError, aliases: dict | None = None) -> None:
    """Put each FieldError on its form field (or above the form when no field matches)."""
    aliases = aliases or {}
    for e in exc.errors:
        name = aliases.get(e.field, e.field)
        form.add_error(name if name in form.fields else None, str(e.message))


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


class OrgForm(forms.Form):
    name = forms.CharField(label=_("党组织名称"), required=False, max_length=120)
    short_name = forms.CharField(label=_("简称"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("党组织类别"), choices=OrgKind.choices)
    sector = forms.ChoiceField(label=_("单位所属领域"), choices=Sector.choices, initial=Sector.OTHER)
    code = forms.CharField(label=_("组织代码"), required=False, max_length=40, help_text=_("留空则自动生成"))
    unit_name = forms.CharField(label=_("所在单位"), required=False, max_length=200)
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DATE)
    contact = forms.CharField(label=_("联系人"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=40)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    term_started_on = forms.DateField(label=_("本届任期开始"), required=False, widget=DATE)
    term_years = forms.IntegerField(label=_("任期年限"), required=False, min_value=1, max_value=10, help_text=_("留空按规定：党委5年，党总支、党支部3年"))


class OfficerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), required=False, max_length=60)
    post = forms.ChoiceField(label=_("职务"), choices=OfficerPost.choices)
    started_on = forms.DateField(label=_("任职日期"), required=False, widget=DATE)


class EndOfficerForm(forms.Form):
    on = forms.DateField(label=_("离任日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("离任原因"), required=False, max_length=200)


class MoveOrgForm(forms.Form):
    parent = forms.IntegerField(label=_("新的上级党组织"), required=False)


class AbolishOrgForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("撤销原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


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


# --- forms of the shell's own pages (calendar, password reset, scope switch, tokens) -----------------------------
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


class OrgPickForm(cf.ConsoleForm):
    """The org chosen with the picker on a create page (`org`, or `parent_id` for a new org's parent)."""

    org = cf.IdField(label=_("党组织"))
    parent_id = cf.IdField(label=_("上级党组织"))


class PickedMemberForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"))


class PartyGroupForm(cf.ConsoleForm):
    party_group = cf.IdField(label=_("党小组"))
