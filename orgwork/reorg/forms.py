"""Console forms for collective moves: the preview reads the same fields the write does."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
