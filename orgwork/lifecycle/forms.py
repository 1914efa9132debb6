"""Console forms for transfers, mobile members, entry and exit (typed, bounded; the services validate the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class TransferStartForm(cf.ConsoleForm):
    """One form for the three ways a transfer starts: within the county, a letter out, a letter received."""

    kind = cf.ChoiceField(label=_("转接类型"), choices=["within", "out", "in"], default="in")
    member = cf.IdField(label=_("党员"))
    to_org = cf.IdField(label=_("接收党组织"))
    to_org_name = cf.TextField(label=_("转往党组织名称"), max_length=200)
    reason = cf.TextField(label=_("转接原因"), max_length=500)
    on = cf.DateField(label=_("日期"), default=cf.TODAY)
    valid_days = cf.IntField(label=_("有效期天数"), min_value=1, max_value=366)
    validity_reason = cf.TextField(label=_("有效期说明"), max_length=500)
    letter_number = cf.TextField(label=_("介绍信编号"), max_length=60)
    from_org_name = cf.TextField(label=_("转出党组织名称"), max_length=200)
    letter_issued_on = cf.DateField(label=_("介绍信开具日期"))
    valid_until = cf.DateField(label=_("有效期至"))
    late_reason = cf.TextField(label=_("逾期原因"), max_length=500)
    name = cf.TextField(label=_("姓名"), max_length=60)
    id_number = cf.TextField(label=_("公民身份号码"), max_length=30)
    category = cf.TextField(label=_("人员类别"), max_length=40)
    joined_on = cf.TextField(label=_("入党日期"), max_length=40)
    confirmed_on = cf.TextField(label=_("转为正式党员日期"), max_length=40)
    phone = cf.TextField(label=_("联系电话"), max_length=30)

    PERSON = ("name", "id_number", "category", "joined_on", "confirmed_on", "phone")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("within", "out") and not data.get("member") and "member" not in self.errors:
            self.add_error("member", cf.required_error(self.fields["member"]))
        if kind in ("within", "in") and not data.get("to_org") and "to_org" not in self.errors:
            self.add_error("to_org", cf.required_error(self.fields["to_org"]))
        return data

    def person(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.PERSON}


class TransferRequestForm(cf.ConsoleForm):
    """The branch answers a member's request: accept (where to) or decline (why)."""

    act = cf.ChoiceField(label=_("操作"), choices=["accept", "decline"])
    destination = cf.ChoiceField(label=_("转往"), choices=["within", "out"], default="within")
    to_org = cf.IdField(label=_("转入党支部"))
    to_org_name = cf.TextField(label=_("接收党组织"), max_length=200)
    reason = cf.TextField(label=_("原因"), max_length=500)
    on = cf.DateField(label=_("日期"), default=cf.TODAY)
    valid_days = cf.IntField(label=_("有效期天数"), min_value=1, max_value=366)
    validity_reason = cf.TextField(label=_("有效期说明"), max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("act") == "accept" and data.get("destination") == "within" and not data.get("to_org") and "to_org" not in self.errors:
            self.add_error("to_org", cf.required_error(self.fields["to_org"]))
        if data.get("act") == "decline" and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", cf.required_error(self.fields["reason"]))
        return data


class TransferActForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["receive", "return", "resubmit", "cancel", "receipt", "approve"])
    on = cf.DateField(label=_("日期"), default=cf.TODAY)
    comment = cf.TextField(label=_("说明"), max_length=500)
    reason = cf.TextField(label=_("原因"), max_length=500)
    to_org = cf.IdField(label=_("接收党组织"))

    def clean(self):
        data = super().clean()
        if data.get("act") == "resubmit" and not data.get("to_org") and "to_org" not in self.errors:
            self.add_error("to_org", cf.required_error(self.fields["to_org"]))
        return data


class MobileForm(cf.ConsoleForm):
    act = cf.ChoiceField(label=_("操作"), choices=["register", "contact", "attach", "end", "propose"])
    member = cf.IdField(label=_("党员"))
    registration = cf.IdField(label=_("流动党员登记"))
    org = cf.IdField(label=_("流入地党组织"))
    on = cf.DateField(label=_("日期"), default=cf.TODAY)
    left_on = cf.DateField(label=_("外出日期"), default=cf.TODAY)
    destination = cf.TextField(label=_("外出地点"), max_length=200)
    workplace = cf.TextField(label=_("工作单位"), max_length=200)
    home_contact = cf.TextField(label=_("家庭联系人"), max_length=60)
    home_contact_phone = cf.TextField(label=_("家庭联系人电话"), max_length=30)
    member_phone = cf.TextField(label=_("本人电话"), max_length=30)
    card_number = cf.TextField(label=_("流动党员活动证编号"), max_length=60)
    expected_return = cf.DateField(label=_("预计返回日期"))
    channel = cf.TextField(label=_("联系方式"), max_length=60)
    note = cf.TextField(label=_("联系情况"), max_length=1000)
    status = cf.TextField(label=_("结束方式"), max_length=20)
    reason = cf.TextField(label=_("原因"), max_length=500)

    def clean(self):
        data = super().clean()
        need = {"register": "member", "attach": "org"}.get(data.get("act"))
        if need and not data.get(need) and need not in self.errors:
            self.add_error(need, cf.required_error(self.fields[need]))
        return data


class ExitStartForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    kind = cf.TextField(label=_("事项"), max_length=40)
    on = cf.DateField(label=_("日期"), default=cf.TODAY)
    source = cf.ChoiceField(label=_("来源"), choices=["dues_arrears"])
