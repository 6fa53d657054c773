"""Forms for the officer's pages: plain words, an example for every field, per-field errors.

The workload form is built from the table of the workload's fields
(``procurement.workload_fields``): labels, help, groups, choices, ranges and their messages all
come from there, and the ranges from the engine.

Every message a person reads names the field's label and, where the field has one, its allowed
range (``BootstrapMixin.add_error`` puts the label first, whatever raised the error: a field, the
form or a service); the template lists them in a summary at the top, each a link to its field
(``error_summary``), and marks each field ``aria-invalid`` and ``aria-describedby`` its message.
₹ fields (``RupeeField``) take Indian grouping ("₹ 1,50,00,000", "1.5 crore") and echo the
amount in lakh and crore under the field; the API takes numbers only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.auth.models import User as Account
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.forms.utils import ErrorDict
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from procurement import engine, labels, national, usage, workload_fields
from procurement.community import DomainNoteValues, EvaluationValues, MeasurementValues
from procurement.engine import codes
from procurement.engine.codec import to_jsonable
from procurement.engine.numbers import (
    CRORE,
    LAKH,
    format_count,
    format_indian,
    format_lakh_crore,
    format_num,
)
from procurement.models import Benchmark, Bid, EvaluationSubmission, Tender, Workload
from procurement.selectors import Criterion
from procurement.tendering import TenderValues
from procurement.workload_fields import Field, InRange
from providers.evidence import MAX_EVIDENCE_BYTES, EvidenceRefused, evidence_check
from providers.models import Language, Offering


class EngineJSONField(forms.JSONField):
    """A JSON document for the engine (a policy pack): its nesting is checked against the
    engine's limit before Django parses it, so a deep document is a message, not a 500."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                with labels.engine_in_reader_language():
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


# "1,50,00,000", "₹ 1,50,00,000", "150,00,000", "Rs. 1500000.50", "1.5 crore", "50 lakh": the
# commas may group digits any way (they are dropped); a unit multiplies exactly.
_RUPEES = re.compile(
    r"(?:₹|rs\.?|inr)?\s*(?P<number>\d+(?:,\d+)*(?:\.\d*)?|\.\d+)\s*(?P<unit>lakhs?|lacs?|crores?)?",
    re.IGNORECASE,
)
_UNITS = {"lakh": LAKH, "lac": LAKH, "crore": CRORE}


def parse_rupees(text: str) -> Decimal | None:
    """An amount of rupees as a person writes it, exactly; None when it is not one."""
    match = _RUPEES.fullmatch(text.strip())
    if match is None:
        return None
    try:
        amount = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    unit = (match["unit"] or "").lower().rstrip("s")
    return amount * _UNITS[unit] if unit else amount


class RupeeInput(forms.TextInput):
    """A ₹ amount in a text box (a number box refuses commas), shown in Indian grouping; a
    small script (static/js/forms.js) echoes it in lakh and crore as the officer types."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "decimal", "autocomplete": "off", "data-rupees": ""}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_indian(value)
        shown: str | None = super().format_value(value)
        return shown


class RupeeBoundField(forms.BoundField):
    @property
    def rupees_echo(self) -> str:
        """What the field holds, read in lakh and crore: "= ₹1.5 crore"."""
        value = self.value()
        return rupees_echo(parse_rupees(value) if isinstance(value, str) else value)


class RupeeField(forms.DecimalField):
    """A ₹ amount: Indian grouping and lakh/crore words accepted, then the usual checks."""

    widget = RupeeInput

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        return RupeeBoundField(form, self, field_name)

    # django-stubs gives DecimalField IntegerField's to_python (int | None).
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip():
            parsed = parse_rupees(value)
            if parsed is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = str(parsed)
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step: they belong to a number box, and this is a text box.
        return {
            key: value
            for key, value in super().widget_attrs(widget).items()
            if key not in ("min", "max", "step")
        }


def rupees_echo(value: object) -> str:
    """The reading shown under a ₹ field: "= ₹1.5 crore" (empty for no amount)."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return ""
    return f"= {format_lakh_crore(Decimal(value), None)}"


def _error_messages(row: Field, message: str) -> dict[str, str]:
    """Plain words for every way a value of ``row`` can be refused (the label is put first by
    ``BootstrapMixin``): what to enter, and the allowed range where it has one."""
    limits = workload_fields.closed_range(row)
    ranged = _escape(message) if limits is not None else ""
    kind = row.kind if row.kind in ("int", "decimal", "date", "choice", "choices") else "text"
    if row.kind == "bool":
        what = ""
    elif row.kind == "decimal" and str(row.spec.unit) == "₹":
        what = gettext("Enter an amount in rupees, e.g. 1,50,00,000 or 1.5 crore.")
    elif row.kind == "date":
        what = gettext("Enter a date as day, month and year.")
    else:
        what = {
            "int": gettext("Enter a whole number."),
            "decimal": gettext("Enter a number."),
            "choice": gettext("Choose one of the options."),
            "choices": gettext("Tick at least one."),
            "text": gettext("Fill this in."),
        }[kind]
    places = row.spec.places
    return {
        "required": ranged or what,
        "invalid": f"{what} {ranged}".strip(),
        "invalid_choice": gettext(
            "“%(value)s” is not one of the options: choose one from the list."
        ),
        "max_decimal_places": ngettext(
            "Use at most %(places)s decimal place.",
            "Use at most %(places)s decimal places.",
            places,
        )
        % {"places": places}
        if row.kind == "decimal"
        else "",
        "max_length": gettext("Use at most %(limit_value)d characters (this has %(show_value)d)."),
    }


def workload_form_field(row: Field, *, max_length: int | None = None) -> forms.Field:
    """The form field of one row of the table (``max_length``: the model column's, for text)."""
    common: dict[str, Any] = {
        "label": row.label,
        "help_text": workload_fields.help_text(row),
        "required": row.required and row.kind != "bool",
    }
    message = workload_fields.range_message(row)
    limits = workload_fields.closed_range(row)
    common["error_messages"] = {
        key: text for key, text in _error_messages(row, message).items() if text
    }
    if row.kind in ("int", "decimal") and limits is not None:
        low, high = limits
        common["min_value"], common["max_value"] = low, high
        keys = ("min_value", "max_value", "max_digits", "max_whole_digits")
        common["error_messages"].update(dict.fromkeys(keys, _escape(message)))
    if row.kind == "int":
        return forms.IntegerField(**common)
    if row.kind == "decimal":
        field_class = RupeeField if str(row.spec.unit) == "₹" else forms.DecimalField
        return field_class(
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
            choices = [("", gettext("The policy's default")), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if row.kind == "choices":
        return forms.MultipleChoiceField(
            choices=workload_fields.choices(row) if row.spec.labels else [],
            widget=forms.CheckboxSelectMultiple,
            validators=[InRange(row.name)],
            **common,
        )
    if row.spec.multiline:
        textarea = forms.Textarea(attrs={"rows": 3})
        return forms.CharField(widget=textarea, max_length=max_length, **common)
    return forms.CharField(max_length=max_length, **common)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class BootstrapMixin(forms.BaseForm):
    """Bootstrap classes on every widget; every error message names its field; invalid fields
    marked for screen readers and described by their message; an error summary for the top of
    the form."""

    # Django's: None until the form is validated (django-stubs does not declare it).
    _errors: ErrorDict | None

    def style(self) -> None:
        # Only once validated: reading self.errors would validate a bound form now.
        errors: ErrorDict | dict[str, Any] = self._errors or {}
        for name, field in self.fields.items():
            widget = field.widget
            bound = self[name]
            described = [f"{bound.auto_id}_help"] if field.help_text else []
            if isinstance(widget, RupeeInput):
                described.append(f"{bound.auto_id}_echo")
            if name in errors:
                described.insert(0, f"{bound.auto_id}_error")
                widget.attrs["aria-invalid"] = "true"
            else:
                widget.attrs.pop("aria-invalid", None)
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css + (" is-invalid" if name in errors else "")

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def add_error(self, field: str | None, error: ValidationError | str | Any) -> None:
        """Django's, then the field's label put before each of its messages (once), whoever
        raised it ("Contract term (years): The product plans contracts of 1 to 10 years."), and
        the same message said once."""
        super().add_error(field, error)
        errors = self._errors
        assert errors is not None  # add_error validates the form first
        for name in list(errors):
            if name not in self.fields:
                continue
            label = str(self.fields[name].label or name)
            # "Contract term (years): …", but "What is it for? Choose …".
            if label.endswith("?"):
                template = pgettext("a field's label, then its error", "%(label)s %(message)s")
            else:
                template = pgettext("a field's label, then its error", "%(label)s: %(message)s")
            head = template % {"label": label, "message": ""}
            kept: list[ValidationError] = []
            seen: set[str] = set()
            for problem in errors[name].as_data():
                for text in problem.messages:
                    worded = (
                        text
                        if text.startswith(head)
                        else template % {"label": label, "message": text}
                    )
                    if worded not in seen:
                        seen.add(worded)
                        kept.append(ValidationError(worded, code=problem.code))
            errors[name] = self.error_class(kept, renderer=self.renderer)
        self.style()  # mark the fields that failed, a service's refusal included

    def error_summary(self) -> list[tuple[str, str]]:
        """Every message, as (the id of the element to link to, the message): the field's input
        (a group of boxes: its first box), or "" for a message of the whole form."""
        summary = [("", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            target = bound.auto_id
            if isinstance(bound.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                target = f"{target}_0"
            summary += [(target, str(message)) for message in bound.errors]
        return summary


# A tender takes months: the form proposes the first financial year (1 April) that starts at
# least this long from today, and its hint gives the same date.
START_LEAD = dt.timedelta(days=90)


def financial_year_start_after(day: dt.date) -> dt.date:
    """The first 1 April on or after ``day``: the start of an Indian financial year."""
    start = dt.date(day.year, 4, 1)
    return start if start >= day else dt.date(day.year + 1, 4, 1)


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
        start = self.fields["start_date"]
        default_start = financial_year_start_after(dt.date.today() + START_LEAD)
        row = workload_fields.field("start_date")
        proposed = gettext(
            "Proposed: %(date)s, the first financial year that starts at least three months "
            "from today."
        ) % {"date": workload_fields.display(row, default_start)}
        start.help_text = f"{row.spec.help} {proposed}"
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("start_date", default_start)
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
    offer_id = forms.ChoiceField(
        label=_("Award to"),
        error_messages={
            "required": _("Choose the offer to award the contract to."),
            "invalid_choice": _(
                "“%(value)s” is not an offer of this comparison: choose one from the list."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the award departs from the recommendation; it goes on file."),
    )
    restricted = forms.BooleanField(
        label=_("Restricted: count this award in the national totals only (e.g. security)"),
        required=False,
        help_text=_(
            "A restricted award is never shown by sector, use case, buyer type or "
            "ministry on the public figures. Checked by default for defence and security."
        ),
    )

    def __init__(self, *args: Any, offers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer = self.fields["offer_id"]
        assert isinstance(offer, forms.ChoiceField)
        offer.choices = offers
        self.style()


class DecisionReviewForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you return the proposal."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class WholePercentField(forms.IntegerField):
    """A whole number written in digits: Django's IntegerField also takes "10.0", which the
    API's schema (an integer) does not."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not re.fullmatch("[0-9]+", str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ScenarioForm(forms.Form):
    """The transparency page's policy scenario (and the API's ``scenario`` query string): the
    quarter since which every award would have applied a transition premium, and the premium in
    whole percent."""

    DEFAULT_PREMIUM = 10
    since = forms.CharField(
        label=_("Awards decided since"),
        max_length=7,
        error_messages={"required": _("Give the quarter as YYYY-Qn, for example 2026-Q3.")},
    )
    premium = WholePercentField(
        label=_("Transition premium (%)"),
        min_value=0,
        max_value=national.PREMIUM_MAX,
        error_messages={
            "required": _("Give the premium as a whole percent from 0 to 100."),
            "invalid": _("Give the premium as a whole percent from 0 to 100."),
            "min_value": _("Give the premium as a whole percent from 0 to 100."),
            "max_value": _("Give the premium as a whole percent from 0 to 100."),
        },
    )

    def __init__(self, *args: Any, quarters: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if quarters:  # the page offers the quarters with awards; the API takes any quarter
            self.fields["since"].widget = forms.Select(choices=quarters)

    def clean_since(self) -> str:
        since = str(self.cleaned_data["since"]).strip()
        if national.parse_quarter(since) is None:
            raise ValidationError(gettext("Give the quarter as YYYY-Qn, for example 2026-Q3."))
        return since


class UsageUploadForm(BootstrapMixin, forms.Form):
    """A CSV file of usage reports; its rows are read by ``usage.parse_csv`` and checked, all or
    none, by ``services.usage_upload``."""

    file = forms.FileField(
        label=_("CSV file"),
        error_messages={
            "required": _("Choose the CSV file to upload (at most 10 MB)."),
            "empty": _("The file is empty: start from the template."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Its limits are numbers in the words: put together in the reader's language.
        self.fields["file"].help_text = gettext(
            "Columns award, quarter, requests, input_tokens, output_tokens, invoiced_inr and "
            "note (a header row first, as in the template). Numbers may be grouped (2,00,000). "
            "At most %(megabytes)s MB and %(rows)s rows."
        ) % {
            "megabytes": usage.MAX_UPLOAD_BYTES // (1024 * 1024),
            "rows": format_count(usage.MAX_ROWS),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > usage.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext(
                    "The file is larger than %(megabytes)s MB: split it into files of at most "
                    "%(rows)s rows."
                )
                % {
                    "megabytes": usage.MAX_UPLOAD_BYTES // (1024 * 1024),
                    "rows": format_count(usage.MAX_ROWS),
                }
            )
        return upload


# The community's submissions ----------------------------------------------------------------


class EvidenceFileField(forms.FileField):
    """An evidence file (PDF, CSV or JSON, at most 10 MB), checked by ``providers.evidence``
    before anything is stored: the cleaned value is the checked ``Evidence``."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            megabytes = Decimal(upload.size) / (1024 * 1024)
            raise ValidationError(
                gettext("%(name)s is %(megabytes)s MB: evidence files are limited to 10 MB.")
                % {"name": upload.name, "megabytes": f"{megabytes:.1f}"}
            )
        try:
            return evidence_check(upload.name or "", upload.read())
        except EvidenceRefused as refused:
            raise ValidationError(str(refused)) from None


class ItemResultsField(forms.FileField):
    """The per-item results (JSON Lines, at most 10 MB): the cleaned value is the bytes, which
    ``community.evaluation_submit`` reads to recompute the score."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is None:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(gettext("The per-item results are limited to 10 MB."))
        return upload.read()


class BenchmarkForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Benchmark name"), max_length=120)
    version = forms.CharField(label=_("Version"), max_length=40, help_text=_("For example 2026.1."))
    description = forms.CharField(
        label=_("What it tests"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages covered"), widget=forms.CheckboxSelectMultiple
    )
    items = forms.IntegerField(label=_("Number of test items"), min_value=1, max_value=10_000_000)
    licence = forms.CharField(
        label=_("Licence"), max_length=120, help_text=_("For example CC BY 4.0.")
    )
    url = forms.URLField(
        label=_("Where it is published"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The benchmark's card: how it was built, by whom, and how to obtain it."),
    )
    held_out = forms.BooleanField(
        label=_("The test set is held out of public training data"),
        required=False,
        help_text=_(
            "Tick only if the items are not published in full anywhere a model could "
            "have been trained on them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("languages", [(lang.code, lang.name) for lang in Language.objects.all()])
        self.style()


class EvaluationForm(BootstrapMixin, forms.Form):
    offering = forms.ChoiceField(label=_("Offer evaluated"))
    model_snapshot = forms.CharField(
        label=_("Model version"),
        max_length=120,
        help_text=_(
            "The model snapshot as the provider names it, for example "
            "llama-3.1-70b-instruct-2024-07-23."
        ),
    )
    use_case = forms.ChoiceField(label=_("Use case"), choices=labels.USE_CASE.choices)
    language = forms.ChoiceField(label=_("Language"))
    benchmark = forms.ChoiceField(
        label=_("Benchmark"), help_text=_("Only benchmarks a catalogue steward has accepted.")
    )
    method = forms.ChoiceField(
        label=_("Scoring method"), choices=EvaluationSubmission.Method.choices
    )
    judge_model = forms.CharField(
        label=_("Judge model and version"),
        max_length=120,
        required=False,
        help_text=_("Only for a judge model, for example gpt-4o-2024-08-06."),
    )
    judge_prompt = forms.CharField(
        label=_("Judge prompt"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    settings = forms.CharField(
        label=_("Prompts and settings"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("System prompt, number of examples shown, temperature, maximum output tokens."),
    )
    score = forms.DecimalField(
        label=_("Score (0–100)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    run_on = forms.DateField(label=_("Run date"), widget=forms.DateInput(attrs={"type": "date"}))
    has_ties = forms.BooleanField(
        label=_("My organisation has ties to this provider"),
        required=False,
        help_text=_("Funding, contracts, shared staff or ownership in the last three years."),
    )
    ties = forms.CharField(
        label=_("The ties"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = EvidenceFileField(
        label=_("Evidence file"),
        help_text=_("The evaluation report: PDF, CSV or JSON, at most 10 MB."),
        error_messages={
            "required": _("Choose the evaluation report: a PDF, CSV or JSON file of at most 10 MB.")
        },
    )
    item_results = ItemResultsField(
        label=_("Per-item results (JSON Lines)"),
        error_messages={
            "required": _("Choose the per-item results: a JSON Lines file of at most 10 MB.")
        },
        help_text=_(
            # xgettext:no-python-format
            'One line per test item: {"id": "q-001", "score": 1}, a score from 0 to 1. '
            "The product recomputes the score and its 95 % interval from them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offerings = {
            o.slug: o for o in Offering.objects.select_related("provider").order_by("name")
        }
        self._choices(
            "offering",
            [(slug, f"{o.provider.name} — {o.name}") for slug, o in self.offerings.items()],
        )
        self._choices("language", [(lang.code, lang.name) for lang in Language.objects.all()])
        self.benchmarks = {
            str(b.pk): b for b in Benchmark.objects.filter(review__outcome="accepted")
        }
        names = dict(Language.objects.values_list("code", "name"))
        self._choices(
            "benchmark",
            [
                (pk, f"{b} ({', '.join(names.get(code, code) for code in b.languages)})")
                for pk, b in self.benchmarks.items()
            ],
        )
        self.style()

    def values(self) -> EvaluationValues:
        data = self.cleaned_data
        return EvaluationValues(
            offering=self.offerings[data["offering"]],
            model_snapshot=data["model_snapshot"],
            use_case=data["use_case"],
            language=data["language"],
            benchmark=self.benchmarks[data["benchmark"]],
            method=data["method"],
            judge_model=data["judge_model"],
            judge_prompt=data["judge_prompt"],
            settings=data["settings"],
            score=data["score"],
            run_on=data["run_on"],
            has_ties=data["has_ties"],
            ties=data["ties"],
        )


class ReviewForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to return it: say what the evaluator must change."),
    )


class ProviderChangeForm(BootstrapMixin, forms.Form):
    """A provider's change to its own record, as a catalogue-file fragment (docs/catalogue.md)."""

    summary = forms.CharField(
        label=_("What changes and why"),
        max_length=500,
        help_text=_("For example: a new price from 1 January, as on our public price page."),
    )
    catalogue = forms.CharField(
        label=_("The change, in the catalogue format"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
        help_text=_(
            "Your provider's record with the offers it changes, each price with its "
            "source and the date it takes effect (today or later); earlier prices stay on file. "
            "New regions with their operator; certifications with their evidence."
        ),
    )
    evidence = EvidenceFileField(
        label=_("Evidence file (optional)"),
        required=False,
        help_text=_("A certificate or a price sheet: PDF, CSV or JSON, at most 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class MeasurementForm(BootstrapMixin, forms.Form):
    """A practitioner's measurement of an offer in use: at least one measure."""

    offering = forms.ChoiceField(label=_("Offer measured"))
    period_start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("First day.")
    )
    period_end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Last day.")
    )
    requests = forms.IntegerField(
        label=_("Requests measured"), min_value=1, max_value=4_000_000_000
    )
    p50_latency_ms = forms.IntegerField(
        label=_("Median latency (p50), milliseconds"), required=False, min_value=1
    )
    p95_latency_ms = forms.IntegerField(
        label=_("p95 latency, milliseconds"),
        required=False,
        min_value=1,
        help_text=_("95 in 100 requests answered within this time, end to end."),
    )
    tokens_per_second = forms.DecimalField(
        label=_("Output tokens a second"), required=False, max_digits=9, decimal_places=1
    )
    availability_pct = forms.DecimalField(
        label=_("Availability over the period (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
    )
    observed_inr_per_mtok = forms.DecimalField(
        label=_("Price paid, ₹ per million tokens"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Input and output tokens together, from your invoices, before GST."),
    )
    method = forms.CharField(
        label=_("How you measured"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the client ran, the region called, the request mix, the tools used."),
    )
    evidence = EvidenceFileField(
        label=_("Evidence file"),
        help_text=_("Your measurement log or report: PDF, CSV or JSON, at most 10 MB."),
        error_messages={
            "required": _("Choose the evidence: a PDF, CSV or JSON file of at most 10 MB.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offerings = {
            o.slug: o for o in Offering.objects.select_related("provider").order_by("name")
        }
        self._choices(
            "offering",
            [(slug, f"{o.provider.name} — {o.name}") for slug, o in self.offerings.items()],
        )
        self.style()

    def values(self) -> MeasurementValues:
        data = self.cleaned_data
        return MeasurementValues(
            offering=self.offerings[data["offering"]],
            period_start=data["period_start"],
            period_end=data["period_end"],
            requests=data["requests"],
            p50_latency_ms=data["p50_latency_ms"],
            p95_latency_ms=data["p95_latency_ms"],
            tokens_per_second=data["tokens_per_second"],
            availability_pct=data["availability_pct"],
            observed_inr_per_mtok=data["observed_inr_per_mtok"],
            method=data["method"],
        )


class DomainNoteForm(BootstrapMixin, forms.Form):
    """A domain expert's note on a use case, with its sources (one a line: title, then the
    web address)."""

    use_case = forms.ChoiceField(label=_("Use case"), choices=labels.USE_CASE.choices)
    rule = forms.ChoiceField(
        label=_("The rule it bears on (optional)"),
        required=False,
        help_text=_("For example data residency, or the quality bar."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("The note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why this use case needs domestic inference or a quality bar: the risks, the "
            "law, the evidence. Officers read it beside their comparison."
        ),
    )
    sources = forms.CharField(
        label=_("Sources"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: the title, a space, then its web address, for example "
            "“Digital Personal Data Protection Act, 2023 https://www.meity.gov.in/…”."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = sorted((code, labels.rule(code)) for code in codes.OFFER_RULES)
        none = pgettext("no rule", "None")
        self._choices("rule", [("", none), *sorted(rules, key=lambda choice: choice[1])])
        self.style()

    def clean_sources(self) -> list[dict[str, str]]:
        sources = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _, url = line.strip().rpartition(" ")
            if not title.strip():
                raise ValidationError(
                    gettext("Line %(number)s: give the title, a space, then the web address.")
                    % {"number": number}
                )
            sources.append({"title": title.strip(), "url": url})
        return sources

    def values(self) -> DomainNoteValues:
        data = self.cleaned_data
        return DomainNoteValues(
            use_case=data["use_case"],
            rule=data["rule"],
            title=data["title"],
            body=data["body"],
            sources=data["sources"],
        )


class TenderForm(BootstrapMixin, forms.Form):
    """The particulars of a tender published from an approved planning decision."""

    reference = forms.CharField(
        label=_("Tender number"),
        max_length=120,
        help_text=_("As on the file, e.g. DOH/IT/2026/17."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    bid_deadline = forms.DateTimeField(
        label=_("Bids due by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("At least three weeks from today (GFR 2017 Rule 161(iii))."),
    )
    opening_at = forms.DateTimeField(
        label=_("Bids opened at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("At or after the deadline, within a week."),
    )
    benchmark_description = forms.CharField(
        label=_("The buyer's test set"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it holds, its size and languages; kept from bidders until the test."),
    )
    benchmark_rubric = forms.CharField(
        label=_("How answers are scored"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark (0–100)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    price_basis = forms.ChoiceField(label=_("Prices quoted as"), choices=Tender.PriceBasis.choices)
    reference_tokeniser = forms.CharField(
        label=_("Reference tokeniser"),
        max_length=120,
        required=False,
        help_text=_(
            "Only when prices are per million tokens, e.g. the tokeniser's name and version."
        ),
    )
    bid_security = forms.ChoiceField(label=_("Bid security"), choices=Tender.BidSecurity.choices)
    emd_pct = forms.DecimalField(
        # xgettext:no-python-format
        label=_("EMD, % of the estimate"),
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text=_("2 % to 5 % (GFR 2017 Rule 170(i)); MSEs and startups are exempt."),
    )
    performance_security_pct = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Performance security, % of the contract value"),
        max_digits=4,
        decimal_places=2,
        initial=Decimal(5),
        help_text=_("3 % to 5 % (GFR 2017 Rule 171)."),
    )
    integrity_pact = forms.BooleanField(
        label=_("The Integrity Pact applies"),
        required=False,
        help_text=_("Where your ministry has adopted it, above its threshold."),
    )
    price_revision_cap_pct = forms.DecimalField(
        label=_("Yearly price revision cap (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(5),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def values(self) -> TenderValues:
        data = self.cleaned_data
        return TenderValues(
            reference=data["reference"],
            title=data["title"],
            bid_deadline=data["bid_deadline"],
            opening_at=data["opening_at"],
            benchmark_description=data["benchmark_description"],
            benchmark_rubric=data["benchmark_rubric"],
            pass_mark=data["pass_mark"],
            price_basis=data["price_basis"],
            reference_tokeniser=data["reference_tokeniser"],
            bid_security=data["bid_security"],
            emd_pct=data["emd_pct"],
            performance_security_pct=data["performance_security_pct"],
            integrity_pact=data["integrity_pact"],
            price_revision_cap_pct=data["price_revision_cap_pct"],
        )


class BidForm(BootstrapMixin, forms.Form):
    """A bid received, for one of the offers of the planning comparison's market survey (the
    API takes any offer's terms): the bid's prices in rupees replace the surveyed ones."""

    bidder_name = forms.CharField(label=_("Bidder"), max_length=200)
    offer = forms.ChoiceField(
        label=_("The offer bid"),
        help_text=_("As surveyed for the estimate: its regions, terms and certifications."),
    )
    input_per_mtok = forms.DecimalField(
        label=_("₹ per million input tokens"), required=False, min_value=0, decimal_places=4
    )
    output_per_mtok = forms.DecimalField(
        label=_("₹ per million output tokens"), required=False, min_value=0, decimal_places=4
    )
    gpu_hour_price = forms.DecimalField(
        label=_("₹ per GPU-hour (dedicated capacity)"),
        required=False,
        min_value=0,
        decimal_places=4,
    )
    local_content_pct = forms.DecimalField(
        label=_("Local content (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    local_content_certificate = forms.ChoiceField(
        label=_("Local content certified by"), choices=Bid.Certificate.choices
    )
    local_content_location = forms.CharField(
        label=_("Where the value is added"),
        max_length=200,
        help_text=_("Make in India, para 9(a)."),
    )
    mse = forms.BooleanField(label=_("A micro or small enterprise"), required=False)
    udyam_number = forms.CharField(
        label=_("Udyam registration number"), max_length=40, required=False
    )
    startup = forms.BooleanField(label=_("A startup recognised by DPIIT"), required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, offers: list[engine.Offer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offers = {offer.offer_id: offer for offer in offers}
        self._choices("offer", [(o.offer_id, o.name) for o in offers])
        self.style()

    def offer_terms(self) -> dict[str, Any]:
        """The surveyed offer with the bid's prices, in rupees, as the engine reads it."""
        data = self.cleaned_data
        offer = self.offers[data["offer"]]
        price = dataclasses.replace(
            offer.price,
            currency="INR",
            source_url=f"The bid of {data['bidder_name']}",
            checked_on=data["received_at"].date(),
            input_per_mtok=data["input_per_mtok"],
            cached_input_per_mtok=None,
            output_per_mtok=data["output_per_mtok"],
            gpu_hour_price=data["gpu_hour_price"],
            is_demo=False,
        )
        terms = to_jsonable(dataclasses.replace(offer, price=price), normalise=True)
        assert isinstance(terms, dict)
        return terms


# The technical stage of a tender's evaluation ---------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of persons, each by their name (their user name if they have none)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class CommitteeForm(BootstrapMixin, forms.Form):
    """An officer appoints a member of the tender's evaluation committee."""

    member = PersonChoiceField(
        label=_("Member"),
        queryset=Account.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("A person of your department who holds the tender evaluation committee role."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        self.style()


MET_CHOICES = [("yes", _("Met")), ("no", _("Not met"))]


# The notes that stand as an item's remark until the member changes it: an exemption or a
# relaxation the bid claims, an item that does not apply. Read from the notes in English (in
# another language a note starts with other words): ``prefilled_notes``.
PREFILLED_NOTES = ("Exempt", "Relaxed", "Not applicable")


def prefilled_notes(english_notes: dict[str, str]) -> set[str]:
    """The items whose note is the remark's first words, from the notes written in English."""
    return {key for key, note in english_notes.items() if note.startswith(PREFILLED_NOTES)}


class TechnicalResultForm(BootstrapMixin, forms.Form):
    """A bid's technical result: the benchmark score and each compliance item met or not. The
    ranges and the checklist's rules are the service's (``evaluation.technical_result_record``).
    ``notes``: what the bid says about an item, in the reader's language; ``prefilled``: the
    items whose note is also the remark's first words (``prefilled_notes``)."""

    benchmark_score = forms.DecimalField(
        label=_("Benchmark score (0–100)"),
        help_text=_("The bid's score on the buyer's benchmark, to two decimals at most."),
    )

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        notes: dict[str, str],
        prefilled: set[str] | frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for key, label in items:
            note = notes.get(key, "")
            self.fields[f"met-{key}"] = forms.ChoiceField(
                label=label,
                choices=MET_CHOICES,
                widget=forms.RadioSelect,
                help_text=note,
                error_messages={"required": _("Say whether it is met.")},
            )
            self.fields[f"remark-{key}"] = forms.CharField(
                label=gettext("Remark on: %(item)s") % {"item": label},
                max_length=500,
                required=False,
                initial=note if key in prefilled else "",
            )
        self.fields["remark"] = forms.CharField(
            label=_("Remark on the bid"),
            max_length=4000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.style()

    def checklist(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"item": key, "met": data[f"met-{key}"] == "yes", "remark": data[f"remark-{key}"]}
            for key, _ in self.items
        ]


class MarksForm(BootstrapMixin, forms.Form):
    """A committee member's marks: every technically qualified bid on every criterion. The
    ranges are the service's (``evaluation.marks_submit``), whose messages name the bidder and
    the criterion as these fields' labels do."""

    def __init__(
        self, *args: Any, bids: list[Bid], criteria: list[Criterion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bids = bids
        self.criteria = criteria
        for bid in bids:
            for criterion in criteria:
                self.fields[self.name_of(bid.pk, criterion.criterion_id)] = forms.DecimalField(
                    label=f"{bid.bidder_name}, {criterion.name}",
                    required=False,
                    help_text=gettext("0 to %(most)s marks.")
                    % {"most": format_num(criterion.max_marks)},
                )
        self.style()

    @staticmethod
    def name_of(bid_pk: int, criterion_id: str) -> str:
        return f"mark-{bid_pk}-{criterion_id}"

    def rows(self) -> list[tuple[Bid, list[tuple[Criterion, forms.BoundField]]]]:
        """The fields by bid, each with its criterion, for the page's tables."""
        return [
            (bid, [(c, self[self.name_of(bid.pk, c.criterion_id)]) for c in self.criteria])
            for bid in self.bids
        ]

    def marks(self) -> dict[str, dict[str, Decimal | None]]:
        data = self.cleaned_data
        return {
            str(bid.pk): {
                c.criterion_id: data[self.name_of(bid.pk, c.criterion_id)] for c in self.criteria
            }
            for bid in self.bids
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors on their fields: ``marks.<bid>.<criterion>`` is a mark's."""
        fields = {
            f"marks.{bid.pk}.{c.criterion_id}": self.name_of(bid.pk, c.criterion_id)
            for bid in self.bids
            for c in self.criteria
        }
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(fields.get(name), messages)


REPLY_CHOICES = [("accepts", _("Accepts to match L1")), ("declines", _("Declines"))]


class InvitationReplyForm(BootstrapMixin, forms.Form):
    """A bidder's reply to an invitation to match L1, as received (``awarding``)."""

    answer = forms.ChoiceField(
        label=_("Reply"), choices=REPLY_CHOICES, widget=forms.RadioSelect, required=True
    )
    replied_on = forms.DateField(
        label=_("Date of the reply"),
        help_text=_("The date on the bidder's letter or e-mail, not later than today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class AwardProposalForm(BootstrapMixin, forms.Form):
    """The officer proposes the evaluation's award, or another eligible bid with a reason."""

    offer_id = forms.ChoiceField(label=_("Award to"), required=True)
    reason = forms.CharField(
        label=_("Reason, if the award departs from the evaluation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed only when you choose a bid other than the evaluation's; it goes on file."
        ),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["offer_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.style()


class ContractForm(BootstrapMixin, forms.Form):
    """The contract signed with the awarded bidder."""

    reference = forms.CharField(label=_("Contract number"), max_length=120)
    signed_on = forms.DateField(
        label=_("Signed on"),
        help_text=_("On or after the award's approval, not later than today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
