"""Console forms for the funds ledger: record, void, post the dues kept (typed, bounded; the services validate)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import ExpenseCategory, FundKind


class ActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["record", "void", "dues"], default="record")


class VoidForm(cf.ConsoleForm):
    entry = cf.IdField(label=_("账目"))
    reason = cf.TextField(label=_("作废原因"), max_length=500)


class EntryForm(cf.ConsoleForm):
    kind = cf.ChoiceField(label=_("经费类别"), choices=FundKind.values, required=True)
    amount = cf.TextField(label=_("金额"), max_length=40)
    on = cf.DateField(label=_("日期"), required=True)
    purpose = cf.TextField(label=_("事由"), max_length=200)
    category = cf.ChoiceField(label=_("支出用途"), choices=ExpenseCategory.values)
    voucher = cf.TextField(label=_("凭证号"), max_length=60)
    counterpart = cf.IdField(label=_("对方党组织"))
