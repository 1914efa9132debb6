"""The voting page's forms (public: a one-time code is the only credential)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(label=_("投票码"), max_length=20)
    stage = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)  # "vote" once the ballot is shown


class VoteForm(forms.Form):
    """A recommendation ballot: one choose-k question; at most k ticked (the engine refuses more)."""

    def __init__(self, *args, ballot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = ballot.questions.order_by("seq").first()
        self.fields["choice"] = forms.TypedMultipleChoiceField(
            label=self.question.text, coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(o.seq, o.label) for o in self.question.options.order_by("seq")],
        )

    def answers(self) -> dict:
        return {str(self.question.seq): self.cleaned_data["choice"]}
