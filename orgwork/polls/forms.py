"""Poll forms: the builder (console), and the answer sheet built from the questionnaire (members, codes, public)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import Audience, QuestionKind
from .rules import poll_rules


class PollForm(forms.Form):
    org = forms.IntegerField(label=_("发起党组织"), widget=forms.HiddenInput)
    title = forms.CharField(label=_("调查名称"), max_length=200)
    description = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    audience = forms.ChoiceField(label=_("调查对象"), choices=Audience.choices, widget=forms.RadioSelect)
    closes_at = forms.DateTimeField(label=_("截止时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=500)
    options = forms.CharField(label=_("选项（每行一个）"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    max_choices = forms.IntegerField(label=_("多选题最多选几项"), required=False, min_value=1, max_value=50)
    required = forms.BooleanField(label=_("必答"), required=False)


class OpenForm(forms.Form):
    codes = forms.IntegerField(label=_("发放投票码数量"), required=False, min_value=1, max_value=5000)


class ActionForm(cf.ConsoleForm):
    action = cf.TextField(label=_("操作"), max_length=20)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("投票码"), max_length=20)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号码"), max_length=20)


class AnswerForm(forms.Form):
    """One field per question, named q<seq>; `answers()` gives the engine's shape."""

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q{q.seq}"
            label = f"{q.seq}. {q.text}"
            if q.kind == QuestionKind.SINGLE:
                self.fields[name] = forms.TypedChoiceField(label=label, required=q.required, coerce=int, empty_value=None, choices=[(i, o) for i, o in enumerate(q.options, 1)], widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.TypedMultipleChoiceField(label=label, required=q.required, coerce=int, choices=[(i, o) for i, o in enumerate(q.options, 1)], widget=forms.CheckboxSelectMultiple,
                                                                   help_text=_("最多选 %(n)s 项") % {"n": q.max_choices})  # fmt: skip
            elif q.kind == QuestionKind.RATING:
                self.fields[name] = forms.ChoiceField(label=label, required=q.required, choices=[(str(i), _("%(n)s分") % {"n": i}) for i in range(1, poll_rules()["rating_scale"] + 1)], widget=forms.RadioSelect(attrs={"class": "rating"}))
            else:
                self.fields[name] = forms.CharField(label=label, required=q.required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def answers(self) -> dict:
        out = {}
        for q in self.questions:
            v = self.cleaned_data.get(f"q{q.seq}")
            if v in (None, "", []):
                continue
            key = str(q.seq)
            if q.kind == QuestionKind.SINGLE:
                out[key] = [v]
            elif q.kind == QuestionKind.MULTIPLE:
                out[key] = list(v)
            elif q.kind == QuestionKind.RATING:
                out[key] = {"1": v}
            else:
                out[key] = v
        return out


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        field = e.field
        if field.startswith("answers."):
            field = f"q{field.split('.', 1)[1]}"
        form.add_error(field if field in form.fields else None, str(e.message))
