"""Forms for the officer's pages: plain words, an example for every field, per-field errors.

The workload form is built from the table of the workload's fields
(``procurement.workload_fields``): labels, help, groups, choices, ranges and their messages all
come from there, and the ranges from the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput

from procurement import engine, workload_fields
from procurement.models import Workload
from procurement.workload_fields import Field, InRange
from providers.models import Language


class EngineJSONField(forms.JSONField):
    """A JSON document for the engine (a policy pack): its nesting is checked against the
    engine's limit before Django parses it, so a deep document is a message, not a 500."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                engine.check_json_depth(value)
            except engine.EngineValidationError as exc:
                raise ValidationError(exc.errors[0].message, code="too_deep") from None
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Shown again after an error: never parsed when it is too deep to parse.
        if isinstance(data, str):
            try:
                engine.check_json_depth(data)
            except engine.EngineValidationError:
                return InvalidJSONInput(data)
        return super().bound_data(data, initial)


def _escape(message: str) -> str:
    """A message Django formats with ``%`` parameters, with its own ``%`` signs kept."""
    return message.replace("%", "%%")


def workload_form_field(row: Field, *, max_length: int | None = None) -> forms.Field:
    """The form field of one row of the table (``max_length``: the model column's, for text)."""
    common: dict[str, Any] = {
        "label": row.label,
        "help_text": workload_fields.help_text(row),
        "required": row.required and row.kind != "bool",
    }
    message = workload_fields.range_message(row)
    limits = workload_fields.closed_range(row)
    if row.kind in ("int", "decimal") and limits is not None:
        low, high = limits
        common["min_value"], common["max_value"] = low, high
        keys = ("min_value", "max_value", "max_digits", "max_whole_digits")
        common["error_messages"] = dict.fromkeys(keys, _escape(message))
    if row.kind == "int":
        return forms.IntegerField(**common)
    if row.kind == "decimal":
        return forms.DecimalField(
            max_digits=workload_fields.max_digits(row), decimal_places=row.spec.places, **common
        )
    if row.kind == "date":
        assert limits is not None
        widget = forms.DateInput(
            attrs={"type": "date", "min": limits[0].isoformat(), "max": limits[1].isoformat()},
            format="%Y-%m-%d",
        )
        return forms.DateField(widget=widget, validators=[InRange(row.name)], **common)
    if row.kind == "bool":
        return forms.BooleanField(**common)
    if row.kind == "choice":
        choices = workload_fields.choices(row)
        if row.optional:
            choices = [("", "The policy's default"), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if row.kind == "choices":
        return forms.MultipleChoiceField(
            choices=workload_fields.choices(row) if row.spec.labels else [],
            widget=forms.CheckboxSelectMultiple,
            validators=[InRange(row.name)],
            error_messages={
                "required": message,
                "invalid_choice": "“%(value)s” is not a choice this product knows.",
            },
            **common,
        )
    if row.spec.multiline:
        textarea = forms.Textarea(attrs={"rows": 3})
        return forms.CharField(widget=textarea, max_length=max_length, **common)
    return forms.CharField(max_length=max_length, **common)


class BootstrapMixin(forms.BaseForm):
    """Bootstrap classes on every widget; invalid fields marked for screen readers too."""

    def style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            # Only once validated: reading self.errors would validate a bound form now.
            errors = getattr(self, "_errors", None)
            if errors is not None and name in errors:
                css += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = css


class WorkloadForm(BootstrapMixin, forms.ModelForm[Workload]):
    """Every field of the table, in its groups. A bound form's ``values()`` are what the
    services take."""

    class Meta:
        model = Workload
        fields = list(workload_fields.FIELD_NAMES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in workload_fields.fields():
            column = Workload._meta.get_field(row.name)
            self.fields[row.name] = workload_form_field(
                row, max_length=getattr(column, "max_length", None)
            )
        languages = self.fields["languages"]
        assert isinstance(languages, forms.MultipleChoiceField)
        languages.choices = [(lang.code, lang.name) for lang in Language.objects.all()]
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("start_date", dt.date.today() + dt.timedelta(days=90))
            for row in workload_fields.fields():
                if row.default is not None:
                    self.initial.setdefault(row.name, row.default)
        self.style()

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(title), [self[row.name] for row in rows])
            for title, rows in workload_fields.groups()
        ]

    def values(self) -> workload_fields.WorkloadValues:
        """The cleaned values, typed (call after ``is_valid()``)."""
        return workload_fields.values_from(self.cleaned_data)

    def full_clean(self) -> None:
        super().full_clean()
        self.style()  # mark the fields that failed


class DecisionProposeForm(BootstrapMixin, forms.Form):
    offer_id = forms.ChoiceField(label="Award to")
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the award departs from the recommendation; it goes on file.",
    )

    def __init__(self, *args: Any, offers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer = self.fields["offer_id"]
        assert isinstance(offer, forms.ChoiceField)
        offer.choices = offers
        self.style()


class DecisionReviewForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you return the proposal.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
