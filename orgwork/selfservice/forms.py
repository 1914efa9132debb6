"""Forms for the phone pages (typed, bounded; the services validate the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class PhoneForm(cf.ConsoleForm):
    phone = cf.TextField(label=_("手机号码"), max_length=20)


class CodeForm(cf.ConsoleForm):
    code = cf.TextField(label=_("验证码"), max_length=10)


class CorrectionForm(cf.ConsoleForm):
    text = cf.TextField(label=_("需要更正的内容"), max_length=1000, textarea=True)


class TransferForm(cf.ConsoleForm):
    destination = cf.TextField(label=_("转入单位或党组织"), max_length=200)
    text = cf.TextField(label=_("转接原因及联系方式"), max_length=1000, textarea=True)


class AwayForm(cf.ConsoleForm):
    left_on = cf.DateField(label=_("外出日期"), required=True)
    destination = cf.TextField(label=_("外出地点"), max_length=200)
    expected_return = cf.DateField(label=_("预计返回日期"))
    text = cf.TextField(label=_("外出事由及联系方式"), max_length=1000, textarea=True)


class CloseForm(cf.ConsoleForm):
    request = cf.IdField(label=_("申请"), required=True)


class DuesPayForm(cf.ConsoleForm):
    from_month = cf.DateField(label=_("起始月份"), allow_month=True, required=True)
    months = cf.IntField(label=_("月数"), min_value=1, max_value=12, default=1)
    channel = cf.ChoiceField(label=_("交纳方式"), choices=["online", "cash", "bank"], default="online")
    note = cf.TextField(label=_("说明"), max_length=200)


class OrderForm(cf.ConsoleForm):
    member_payment = cf.IdField(label=_("交纳记录"), required=True)


class PaymentDecisionForm(cf.ConsoleForm):
    member_payment = cf.IdField(label=_("交纳记录"), required=True)
    act = cf.ChoiceField(label=_("操作"), choices=["confirm", "reject"], required=True)
    reason = cf.TextField(label=_("未确认原因"), max_length=200)


class RegisterMobileForm(cf.ConsoleForm):
    request = cf.IdField(label=_("申请"), required=True)
    home_contact = cf.TextField(label=_("流出地联系人"), max_length=60)
    home_contact_phone = cf.TextField(label=_("联系人电话"), max_length=30)
    card_number = cf.TextField(label=_("流动党员活动证号"), max_length=40)
    workplace = cf.TextField(label=_("工作单位/务工地点"), max_length=200)


class ThoughtReportForm(cf.ConsoleForm):
    title = cf.TextField(label=_("标题"), max_length=100)
    text = cf.TextField(label=_("思想汇报内容"), max_length=20000, textarea=True)


class PasswordForm(cf.ConsoleForm):
    password = cf.TextField(label=_("新密码"), max_length=128)
    password2 = cf.TextField(label=_("再次输入新密码"), max_length=128)


class AccountsForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"))


class AssistSearchForm(cf.ConsoleForm):
    q = cf.TextField(label=_("姓名、拼音或身份证号后几位"), max_length=40)


class AssistActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("代办事项"), choices=["dues", "correction", "away", "points"], required=True)


class OwnSelfForm(cf.ConsoleForm):
    """My self-assessment in this year's democratic appraisal (民主评议党员)."""

    entry = cf.IdField(label=_("评议"), required=True)
    text = cf.TextField(label=_("个人自评"), max_length=5000, textarea=True)
    grade = cf.ChoiceField(label=_("自评等次"), choices=["excellent", "qualified", "basic", "unqualified"])
