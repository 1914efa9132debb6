"""Console forms of selections, honours, model sites and talents."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import ModelKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HIDDEN = forms.HiddenInput()


class SelectionForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    kind = forms.ChoiceField(label=_("评选类别"), choices=[])
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


class EntryForm(forms.Form):
    member = forms.IntegerField(widget=HIDDEN, required=False)
    nominee_org = forms.IntegerField(widget=HIDDEN, required=False)
    category = forms.ChoiceField(label=_("奖项"), choices=[])
    summary = forms.CharField(label=_("主要事迹"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories


class JudgeForm(forms.Form):
    user = forms.ChoiceField(label=_("评委"), choices=[])

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = users


class AdvanceForm(forms.Form):
    keep = forms.MultipleChoiceField(label=_("进入下一环节"), required=False, widget=forms.CheckboxSelectMultiple, choices=[])
    comment = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = entries


class CommendForm(forms.Form):
    on = forms.DateField(label=_("表彰日期"), required=False, widget=DATE)


class ScoreForm(forms.Form):
    entry = forms.IntegerField(widget=HIDDEN)
    value = forms.DecimalField(label=_("评分"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    comment = forms.CharField(label=_("评语"), max_length=500, required=False)


class ConflictForm(forms.Form):
    judge = forms.IntegerField(widget=HIDDEN)
    entry = forms.IntegerField(widget=HIDDEN)
    reason = forms.CharField(label=_("回避事由"), max_length=200, required=False)


class HonourActionForm(forms.Form):
    ids = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, choices=[])
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    issued_by = forms.CharField(label=_("颁发人"), max_length=120, required=False)

    def __init__(self, *args, ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(i), str(i)) for i in ids]


class DesignateForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    member = forms.IntegerField(widget=HIDDEN, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=ModelKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120, required=False)
    stars = forms.IntegerField(label=_("标准化建设星级（示范点）"), min_value=0, max_value=5, required=False)
    points = forms.IntegerField(label=_("年度积分（示范岗）"), min_value=0, max_value=1000, required=False)


class RecheckForm(forms.Form):
    site = forms.IntegerField(widget=HIDDEN)
    stars = forms.IntegerField(min_value=0, max_value=5, required=False)
    points = forms.IntegerField(min_value=0, max_value=1000, required=False)


class TalentForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    member = forms.IntegerField(widget=HIDDEN, required=False)
    name = forms.CharField(label=_("姓名（未选党员时填写）"), max_length=60, required=False)

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        for f in (category.fields if category else []):
            if f["type"] == "choice":
                self.fields[f"f_{f['key']}"] = forms.ChoiceField(label=f["label"], required=False, choices=[("", "—"), *[(c, c) for c in f.get("choices", [])]])
            else:
                self.fields[f"f_{f['key']}"] = forms.CharField(label=f["label"], required=False, max_length=200, widget=DATE if f["type"] == "date" else None)

    def data_values(self) -> dict:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("f_") and v not in ("", None)}


class CategoryForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    name = forms.CharField(label=_("类别名称"), max_length=60, required=False)
    fields_text = forms.CharField(
        label=_("信息项（每行一项：名称，类型为 文本/整数/日期/选项:甲|乙）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    TYPES = {"文本": "text", "整数": "int", "日期": "date", "text": "text", "int": "int", "date": "date"}  # the English words the English label names

    def field_list(self) -> list[dict]:
        out = []
        for i, line in enumerate((self.cleaned_data.get("fields_text") or "").splitlines()):
            if not line.strip():
                continue
            label, _sep, typ = line.replace("，", ",").partition(",")
            typ = typ.strip() or "文本"
            if typ.startswith("选项") or typ.lower().startswith("choice"):
                out.append({"key": f"f{i + 1}", "label": label.strip(), "type": "choice", "choices": [c.strip() for c in typ.partition(":")[2].replace("：", ":").split("|") if c.strip()]})
            else:
                out.append({"key": f"f{i + 1}", "label": label.strip(), "type": self.TYPES.get(typ, "bad")})
        return out


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        visible = e.field in form.fields and not form.fields[e.field].widget.is_hidden
        form.add_error(e.field if visible else None, str(e.message))


class ActForm(cf.ConsoleForm):
    """Which form of the page was posted."""

    act = cf.TextField(label=_("操作"), max_length=20)
