"""Console forms for dues: payments, bases, relief and the branch's quarterly collection (typed, bounded; amounts
are parsed by the services, which answer per field)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import Method, Payer

AMOUNT_MAX = 40  # the text of an amount; the services parse it as a bounded decimal


class LedgerActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["pay", "quarterly"], default="pay")


class PaymentForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    from_month = cf.DateField(label=_("所属月份"), allow_month=True)
    months = cf.IntField(label=_("月数"), default=1, min_value=1, max_value=120)
    paid_on = cf.DateField(label=_("交纳日期"), default=cf.TODAY)
    payer = cf.TextField(label=_("交纳人"), max_length=20, default=Payer.SELF)
    proxy_name = cf.TextField(label=_("代交人姓名"), max_length=60)
    method = cf.TextField(label=_("交纳方式"), max_length=20, default=Method.CASH)
    receipt_no = cf.TextField(label=_("收据号"), max_length=60)
    amount = cf.TextField(label=_("金额"), max_length=AMOUNT_MAX)
    base_category = cf.TextField(label=_("人员类别"), max_length=40)
    base = cf.TextField(label=_("交纳基数"), max_length=AMOUNT_MAX)
    base_amount = cf.TextField(label=_("月交纳额"), max_length=AMOUNT_MAX)
    income1 = cf.TextField(label=_("第一个月收入"), max_length=AMOUNT_MAX)
    income2 = cf.TextField(label=_("第二个月收入"), max_length=AMOUNT_MAX)
    income3 = cf.TextField(label=_("第三个月收入"), max_length=AMOUNT_MAX)

    def incomes(self, category_field: str):
        d = self.cleaned_data
        if d[category_field] == "self_employed" and d["income1"]:
            return [d["income1"] or None, d["income2"] or None, d["income3"] or None]
        return None


class QuarterlyForm(cf.ConsoleForm):
    allowed = cf.FlagField(label=_("允许按季度交纳"))
    note = cf.TextField(label=_("说明"), max_length=500)


class MemberActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["base", "relief"])


class BaseForm(cf.ConsoleForm):
    category = cf.TextField(label=_("人员类别"), max_length=40)
    declared_on = cf.DateField(label=_("申报日期"), default=cf.TODAY)
    base = cf.TextField(label=_("交纳基数"), max_length=AMOUNT_MAX)
    amount = cf.TextField(label=_("月交纳额"), max_length=AMOUNT_MAX)
    income1 = cf.TextField(label=_("第一个月收入"), max_length=AMOUNT_MAX)
    income2 = cf.TextField(label=_("第二个月收入"), max_length=AMOUNT_MAX)
    income3 = cf.TextField(label=_("第三个月收入"), max_length=AMOUNT_MAX)
    note = cf.TextField(label=_("说明"), max_length=500)

    incomes = PaymentForm.incomes


class ReliefForm(cf.ConsoleForm):
    kind = cf.TextField(label=_("减免类别"), max_length=40)
    monthly_amount = cf.TextField(label=_("每月交纳额"), max_length=AMOUNT_MAX)
    from_month = cf.DateField(label=_("起始月份"), allow_month=True)
    to_month = cf.DateField(label=_("截止月份"), allow_month=True)
    reason = cf.TextField(label=_("原因"), max_length=500)
    branch_decided_on = cf.DateField(label=_("支部决定日期"))


class DecideReliefForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["decide"], required=True)
    relief = cf.IdField(label=_("减免申请"), required=True)
    approve = cf.FlagField(label=_("同意"))
    comment = cf.TextField(label=_("审批意见"), max_length=500)


class PayNotifyForm(cf.ConsoleForm):
    """A provider's signed callback (the fields the interface signs; the provider verifies them)."""

    notify_id = cf.TextField(label=_("通知编号"), max_length=64)
    order_no = cf.TextField(label=_("订单号"), max_length=40)
    trade_no = cf.TextField(label=_("支付流水号"), max_length=64)
    amount = cf.TextField(label=_("金额"), max_length=AMOUNT_MAX)
    status = cf.TextField(label=_("状态"), max_length=20)
    paid_at = cf.TextField(label=_("支付时间"), max_length=20)
    timestamp = cf.TextField(label=_("时间戳"), max_length=20)
    sign = cf.TextField(label=_("签名"), max_length=128)


class FakeCashierForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["pay", "cancel"], required=True)
