"""Console forms for the portal: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import Kind, State


class ArticleForm(forms.Form):
    column = forms.ChoiceField(label=_("站点 · 栏目"))
    org = forms.IntegerField(label=_("供稿党组织"), widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(label=_("正文"), max_length=30000, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = [(f"{c.site_id}:{c.pk}", f"{s.name} · {c.name}") for s in sites for c in s.columns.all()]


class EditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(label=_("正文"), max_length=30000, widget=forms.Textarea(attrs={"rows": 12}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=[("approve", _("通过")), ("return", _("退回修改"))], widget=forms.RadioSelect)
    secrecy_checked = forms.BooleanField(label=_("保密审查：已核对，不含国家秘密、工作秘密和个人隐私"), required=False)
    comment = forms.CharField(label=_("审核意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("附件或图片"))


class FilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *State.choices])
    q = forms.CharField(label=_("标题"), required=False, max_length=60)


class AssignForm(forms.Form):
    site = forms.IntegerField(widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("主管党组织"), widget=forms.HiddenInput)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class ActionForm(cf.ConsoleForm):
    """Which button of the article page was pressed."""

    action = cf.TextField(label=_("操作"), max_length=20)
