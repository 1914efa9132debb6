"""Console forms: typed, bounded fields with the same parsing, bounds, codes and messages as `core.params`.

Every console POST goes through a Django form (`orgwork/core/tests/test_forms_only.py` fails on a view that reads
the posted data by hand, key by key). The fields here delegate to the `params.to_*` parsers, so a
form answers exactly what the hand parsing answered before: a missing required value is `required`, a wrong type
`invalid_parameter`, a value outside its bounds `out_of_range`, each message naming the field's Chinese label.

    class StartForm(ConsoleForm):
        member = IdField(label=_("党员"), required=True)
        on = DateField(label=_("日期"), default=TODAY)
        reason = TextField(label=_("原因"), max_length=500)

    form = StartForm(request.POST)
    d = form.values()          # the cleaned values, or FormInvalid (a ParamError: a 400 when it escapes the view)

`FormInvalid` carries every field's error in `.errors` (FieldError list), so a view that shows a service's errors
shows the form's too; `form.errors` keeps them per field for templates that render errors beside the field.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import params
from .errors import FieldError
from .params import ParamError


def TODAY():  # a default evaluated when the form is cleaned
    return dt.date.today()


class FormInvalid(ParamError):
    """A console form that did not validate; `.errors` lists every field's error (the first one names the 400)."""

    def __init__(self, errors: list[FieldError], labels: dict[str, str]):
        errors = list(errors) or [FieldError("form", "invalid_parameter", _("请检查填写的内容"))]
        first = errors[0]
        super().__init__(first.field, first.code, first.message, label=labels.get(first.field, first.field))
        self.errors = list(errors)


class ConsoleForm(forms.Form):
    """A form whose `values()` returns cleaned data or raises `FormInvalid` naming each field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, ParamField):
                field.param_name = self.add_prefix(name)

    def field_errors(self) -> list[FieldError]:
        out = []
        for name, errs in self.errors.as_data().items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            for e in errs:
                for message in e.messages:
                    message = str(message)
                    if label and label not in message:
                        message = _("%(label)s：%(message)s") % {"label": label, "message": message}
                    out.append(FieldError(name if name != "__all__" else "form", e.code or "invalid_parameter", message))
        return out

    def choice(self, name: str, fallback=None):
        """One cleaned value when the whole form is valid, else `fallback` (for the button that picks an action)."""
        return self.cleaned_data[name] if self.is_valid() else fallback

    def values(self) -> dict:
        if not self.is_bound:  # `Form(request.POST or None)` with an empty POST: read it as the empty form it is
            from django.utils.datastructures import MultiValueDict

            self.is_bound, self.data, self._errors = True, MultiValueDict(), None
        if self.is_valid():
            return self.cleaned_data
        labels = {name: str(f.label or name) for name, f in self.fields.items()}
        raise FormInvalid(self.field_errors(), labels)


class ParamField(forms.Field):
    """A form field parsed by a `core.params` parser (required and default are the parser's, not Django's)."""

    widget = forms.TextInput

    def __init__(self, *, label, required: bool = False, default=None, help_text: str = "", widget=None, **opts):
        super().__init__(label=label, required=False, help_text=help_text, widget=widget)
        self.param_required = required
        self.default = default
        self.opts = opts
        self.param_name = ""

    def _default(self):
        return self.default() if callable(self.default) else self.default

    def parse(self, value):  # pragma: no cover — every subclass parses
        raise NotImplementedError

    def clean(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(_("含有不允许的控制字符"), code="invalid_parameter")
        if isinstance(value, (list, tuple)) and not isinstance(self, IdListField):
            raise ValidationError(_("只能填写一个值"), code="invalid_parameter")
        try:
            return self.parse(value)
        except ParamError as exc:
            raise ValidationError(exc.message, code=exc.code) from None


class TextField(ParamField):
    """Text, stripped, at most max_length characters (longer is out_of_range, never cut)."""

    def __init__(self, *, label, max_length: int = 200, default: str = "", textarea: bool = False, **kw):
        widget = forms.Textarea(attrs={"rows": 3, "maxlength": max_length}) if textarea else forms.TextInput(attrs={"maxlength": max_length})
        super().__init__(label=label, default=default, widget=widget, **kw)
        self.max_length = max_length

    def parse(self, value):
        return params.text({self.param_name: value}, self.param_name, label=str(self.label), default=self._default(), required=self.param_required, max_length=self.max_length)


class IntField(ParamField):
    def __init__(self, *, label, min_value: int | None = None, max_value: int | None = params.INT_MAX, **kw):
        super().__init__(label=label, **kw)
        self.min_value, self.max_value = min_value, max_value

    def parse(self, value):
        return params.to_int(value, field=self.param_name, label=str(self.label), default=self._default(), required=self.param_required, min_value=self.min_value, max_value=self.max_value)


class YearField(IntField):
    def __init__(self, *, label=None, **kw):
        super().__init__(label=gettext_lazy("年份") if label is None else label, min_value=params.YEAR_MIN, max_value=params.YEAR_MAX, **kw)


class IdField(ParamField):
    """A database id (a picker's hidden value): a positive integer the database can hold."""

    widget = forms.HiddenInput

    def parse(self, value):
        return params.to_id(value, field=self.param_name, label=str(self.label), default=self._default(), required=self.param_required)


class IdListField(ParamField):
    """Ids from repeated parameters and/or comma- or space-separated text, at most max_items."""

    widget = forms.SelectMultiple

    def __init__(self, *, label, max_items: int = 5000, **kw):
        super().__init__(label=label, **kw)
        self.max_items = max_items

    def parse(self, value):
        from django.utils.datastructures import MultiValueDict

        return params.id_list(MultiValueDict({self.param_name: list(value or [])}), self.param_name, label=str(self.label), max_items=self.max_items)


class DateField(ParamField):
    """A date (ISO or the forms people type in China) within DATE_MIN..DATE_MAX; default may be TODAY."""

    def __init__(self, *, label, allow_month: bool = False, **kw):
        kw.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(label=label, **kw)
        self.allow_month = allow_month

    def parse(self, value):
        return params.to_date(value, field=self.param_name, label=str(self.label), default=self._default(), required=self.param_required, allow_month=self.allow_month)


class DecimalField(ParamField):
    def __init__(self, *, label, max_digits: int = 12, decimal_places: int = 2, min_value=None, max_value=None, **kw):
        super().__init__(label=label, **kw)
        self.bounds = {"max_digits": max_digits, "decimal_places": decimal_places, "min_value": min_value, "max_value": max_value}

    def parse(self, value):
        return params.to_decimal(value, field=self.param_name, label=str(self.label), default=self._default(), required=self.param_required, **self.bounds)


class ChoiceField(ParamField):
    """One of the choices (values or Django (value, label) pairs); empty is the default ("" unless given)."""

    def __init__(self, *, label, choices, default="", **kw):
        super().__init__(label=label, default=default, **kw)
        self.choices = list(choices)

    def parse(self, value):
        return params.choice({self.param_name: value}, self.param_name, label=str(self.label), choices=self.choices, default=self._default(), required=self.param_required)


class _RawCheckbox(forms.CheckboxInput):
    """A check box that hands the posted text to the parser ("0" stays false, unlike Django's CheckboxInput)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(ParamField):
    """A check box or a 1/0 switch: "1", "true", "on", "yes" are true; empty is the default."""

    widget = _RawCheckbox

    def __init__(self, *, label="", default: bool = False, **kw):
        super().__init__(label=label, default=default, **kw)

    def parse(self, value):
        if isinstance(value, bool):
            return value
        return params.flag({self.param_name: value}, self.param_name, default=self._default())


class _KeyedWidget(forms.Widget):
    """Reads every posted `<prefix><key>` into {key: value} (a list of values with multi). It renders nothing: the
    page draws its own table of inputs, and a hidden field is left out of the form's visible fields."""

    input_type = "hidden"
    is_hidden = True

    def __init__(self, prefix: str, multi: bool = False):
        super().__init__()
        self.prefix, self.multi = prefix, multi

    def value_from_datadict(self, data, files, name):
        keys = [k for k in data if k.startswith(self.prefix)]
        if self.multi and hasattr(data, "getlist"):
            return {k[len(self.prefix):]: data.getlist(k) for k in keys}
        return {k[len(self.prefix):]: data.get(k) for k in keys}

    def value_omitted_from_data(self, data, files, name):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        return ""


_KEY_RE = re.compile(r"^[A-Za-z0-9_]{1,60}$")


class KeyedField(ParamField):
    """Values posted under `<prefix><key>` (one per row of a table: `reason_17`, `vote_3`; or per step field:
    `f_passed_on`): {key: value}.

    Keys are database ids (ids=True) or plain names; each value is parsed by `value` (a ParamField); with multi,
    repeated values are joined with ","; empty values are left out unless keep_empty. At most max_items keys.
    """

    def __init__(self, *, label, prefix: str, value: ParamField, ids: bool = True, multi: bool = False, keep_empty: bool = False, max_items: int = 5000, **kw):
        super().__init__(label=label, widget=_KeyedWidget(prefix, multi), **kw)
        self.prefix, self.value, self.ids, self.multi, self.keep_empty, self.max_items = prefix, value, ids, multi, keep_empty, max_items

    def clean(self, value):
        value = value or {}
        if len(value) > self.max_items:
            raise ValidationError(_("%(label)s最多 %(max_items)s 项") % {"label": self.label, "max_items": self.max_items}, code="out_of_range")
        out = {}
        for suffix, raw in value.items():
            key = f"{self.prefix}{suffix}"
            if isinstance(raw, list):
                if len(raw) > self.max_items:
                    raise ValidationError(_("%(label)s最多 %(max_items)s 项") % {"label": self.label, "max_items": self.max_items}, code="out_of_range")
                raw = ",".join(str(v) for v in raw) if len(raw) > 1 else (raw[0] if raw else "")
            if isinstance(raw, str) and "\x00" in raw:
                raise ValidationError(_("含有不允许的控制字符"), code="invalid_parameter")
            try:
                if self.ids:
                    k = params.to_id(suffix, field=key, label=str(self.label), required=True)
                elif _KEY_RE.match(suffix):
                    k = suffix
                else:
                    raise ParamError(key, "invalid_parameter", _("%(label)s的名称无效") % {"label": self.label}, label=str(self.label))
                self.value.param_name = key
                parsed = self.value.parse(raw)
            except ParamError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
            if parsed in (None, "") and not self.keep_empty:
                continue
            out[k] = parsed
        return out


STEP_TEXT_MAX = 5000  # one value of a procedure step (the engine cleans it by the step's field type)


def step_form(fields, data=None, *, done_on_label=None, done_on_required: bool = False, done_on_default=None, comment_label=None, prefix=None, extra: dict | None = None) -> ConsoleForm:
    """The form of one procedure step: its fields as bounded text (the engine cleans them by type), the day it was
    done and a comment. `extra` adds more fields (name → field)."""
    attrs: dict = {f.name: TextField(label=f.label, max_length=STEP_TEXT_MAX) for f in fields}
    attrs.setdefault("done_on", DateField(label=_("办理日期") if done_on_label is None else done_on_label, required=done_on_required, default=done_on_default))
    attrs.setdefault("comment", TextField(label=_("办理意见") if comment_label is None else comment_label, max_length=2000, textarea=True))
    attrs.update(extra or {})
    cls = type("StepForm", (ConsoleForm,), attrs)
    return cls(data, prefix=prefix)


def step_values(form: ConsoleForm, fields) -> dict:
    """The step's own values out of a validated step form (done_on and comment aside)."""
    d = form.values()
    return {f.name: d[f.name] for f in fields}


def required_error(field) -> ValidationError:
    """The `required` error of a field that is required only in some cases (decided in the form's clean())."""
    return ValidationError(_("请填写%(label)s") % {"label": field.label}, code="required")


def apply_service_errors(form: forms.Form, exc, aliases: dict | None = None) -> None:
    """Put each FieldError on its form field (or above the form when no field matches)."""
    aliases = aliases or {}
    for e in exc.errors:
        name = aliases.get(e.field, e.field)
        form.add_error(name if name in form.fields else None, str(e.message))
