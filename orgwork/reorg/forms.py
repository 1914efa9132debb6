"""Console forms for collective moves: the preview reads the same fields the write does."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(orgs):
    return [(o.pk, f"{'　' * max(0, o.depth - 1)}{o.name}") for o in orgs]


class MergeForm(forms.Form):
    sources = forms.TypedMultipleChoiceField(label=_("被合并的党组织"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    target = forms.TypedChoiceField(label=_("合并后的党组织"), coerce=int, required=False, empty_value=None)
    on = forms.DateField(label=_("合并日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    document = forms.CharField(label=_("批复文号"), required=False, max_length=120)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = _choices(orgs)
        self.fields["target"].choices = [("", "—"), *_choices(orgs)]


class BulkTransferForm(forms.Form):
    from_org = forms.TypedChoiceField(label=_("转出党支部"), coerce=int, required=False, empty_value=None)
    to_org = forms.TypedChoiceField(label=_("接收党支部"), coerce=int, required=False, empty_value=None)
    on = forms.DateField(label=_("转接日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    letter_no = forms.CharField(label=_("介绍信编号"), required=False, max_length=120)

    def __init__(self, *args, orgs=(), destinations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_org"].choices = [("", "—"), *_choices(orgs)]
        self.fields["to_org"].choices = [("", "—"), *_choices(destinations)]


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class SetupForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("上级党组织"), coerce=int, required=False, empty_value=None)
    name = forms.CharField(label=_("拟成立党组织名称"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("党组织类别"), required=False)
    sector = forms.ChoiceField(label=_("单位所属领域"), required=False)
    unit_name = forms.CharField(label=_("所在单位"), required=False, max_length=200)
    full_members = forms.IntegerField(label=_("正式党员人数"), required=False, min_value=0, max_value=100000)
    reason = forms.CharField(label=_("成立理由"), required=False, max_length=500)
    on = forms.DateField(label=_("请示日期"), required=False, widget=DATE)

    def __init__(self, *args, orgs=(), kinds=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—"), *_choices(orgs)]
        self.fields["kind"].choices = list(kinds)
        self.fields["sector"].choices = list(sectors)


class ByElectionForm(forms.Form):
    org = forms.TypedChoiceField(label=_("党组织"), coerce=int, required=False, empty_value=None)
    post = forms.ChoiceField(label=_("补选职务"), required=False)
    reason = forms.CharField(label=_("缺额原因"), required=False, max_length=500)
    on = forms.DateField(label=_("请示日期"), required=False, widget=DATE)

    def __init__(self, *args, orgs=(), posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—"), *_choices(orgs)]
        self.fields["post"].choices = list(posts)


class SplitForm(forms.Form):
    source = forms.TypedChoiceField(label=_("拆分的党组织"), coerce=int, required=False, empty_value=None)
    on = forms.DateField(label=_("拆分日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)
    document = forms.CharField(label=_("批复文号"), required=False, max_length=120)
    to = cf.KeyedField(label=_("去向党组织"), prefix="to_", value=cf.IdField(label=_("去向党组织")))  # to_<member id>: org id

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *_choices(orgs)]

    def clean(self):
        data = super().clean()
        for message in self._errors.pop("to", []):  # the destinations are a table, not one field: say it above the form
            self.add_error(None, message)
        return data


class ActionForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", "—"), ("setup", _("成立党组织审批")), ("by_election", _("届中补选"))])
