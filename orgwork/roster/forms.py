"""Console forms for roster imports: the upload's options and the retry button."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import ImportKind


class ImportForm(cf.ConsoleForm):
    kind = cf.ChoiceField(label=_("导入内容"), choices=ImportKind.choices, default=ImportKind.MEMBERS)
    partial = cf.FlagField(label=_("只导入无误的行"))
    update = cf.FlagField(label=_("更新已有记录"))


class JobActForm(forms.Form):
    act = forms.ChoiceField(label=_("操作"), choices=[("retry", _("重试"))])
