"""The workload's fields, in one table: name, type, unit, label, help text, group and example.

``WorkloadValues`` is the table: one annotated attribute per field, its type the engine's own and
its words in a ``Spec``. It is also the typed value that services take to create or edit a
workload. Everything else reads it: the workload form and the API serializer build their fields
from it, the model takes its validators and database CHECK constraints from it, the row→engine
mapping copies the fields it lists, the workload page and docs/api.md show its labels and units.

Bounds are not written here: the engine owns them (``procurement.engine.bounds``), and
``closed_range()`` turns each into the smallest and largest value a field can store. Adding an
optional field means a line here, a model field (and its migration) and an engine input field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint, CheckConstraint, Q
from django.utils.dateformat import format as format_date
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procurement import engine, labels
from procurement.engine import bounds
from procurement.engine.numbers import format_indian
from procurement.engine.packs import pack_data
from procurement.labels import Labels

Words = str | Promise
Kind = Literal["text", "choice", "choices", "int", "decimal", "date", "bool"]

WHAT, VOLUME, QUALITY, DATA, CONTRACT, FILE = (
    _("What the AI does"),
    _("Volume"),
    _("Quality and speed"),
    _("Data classification"),
    _("Contract"),
    _("The file note (what only the department knows)"),
)
GROUP_ORDER: tuple[Words, ...] = (WHAT, VOLUME, QUALITY, DATA, CONTRACT, FILE)

# The dates a department's own record may carry (the engine bounds only its inputs).
RECORD_DATES = bounds.DateRange(dt.date(2000, 1, 1), dt.date(2099, 12, 31))


@dataclass(frozen=True, slots=True)
class Spec:
    """The words and presentation of one field.

    ``help`` and ``out_of_range`` may name the engine's bounds as ``{low}`` and ``{high}``;
    ``example`` is shown after the help ("e.g. 20,000") and used in the API's examples (None:
    no example). ``labels`` names a choice field's values; ``places`` is the decimals stored.
    ``engine``: whether the field is an input of the engine (the title and description are not).
    ``bound``: the range of a field the engine does not read (the engine's bounds its own);
    ``multiline``: a text written in sentences, given a text area.
    """

    label: Words
    group: Words
    help: Words = ""
    unit: Words = ""
    example: object = None
    places: int = 0
    out_of_range: Words = ""
    labels: Labels | None = None
    engine: bool = True
    bound: bounds.Bound | None = None
    multiline: bool = False


def _default(name: str) -> Any:
    """The engine's default for one of its workload fields."""
    field = engine.Workload.__dataclass_fields__[name]
    return field.default


@dataclass(frozen=True, kw_only=True)
class WorkloadValues:
    """Everything a department says about a workload: the table of its fields."""

    title: Annotated[
        str,
        Spec(
            _("Name of the workload"),
            WHAT,
            example=_("Hindi and English patient helpline"),
            engine=False,
        ),
    ]
    description: Annotated[
        str,
        Spec(
            _("What the AI will do, in a few sentences"),
            WHAT,
            example=_("Answers questions about schemes in Hindi and English."),
            engine=False,
            multiline=True,
        ),
    ] = ""
    use_case: Annotated[
        engine.UseCase,
        Spec(
            _("What is it for?"),
            WHAT,
            help=_("Quality is judged on evaluations for this use case."),
            example="citizen_services",
            labels=labels.USE_CASE,
        ),
    ]
    languages: Annotated[
        tuple[str, ...],
        Spec(
            _("Languages it must work in"),
            WHAT,
            help=_("Every language must be supported and evaluated."),
            example=("en", "hi"),
            out_of_range=_("Choose from {low} to {high} languages."),
        ),
    ]
    requests_per_day: Annotated[
        int,
        Spec(
            _("Requests per day in year 1"),
            VOLUME,
            help=_("One request is one question and its answer."),
            unit=_("requests a day"),
            example=50_000,
            out_of_range=_("Enter from {low} to {high} requests a day."),
        ),
    ]
    mean_input_tokens: Annotated[
        Decimal,
        Spec(
            _("Average input per request (tokens)"),
            VOLUME,
            help=_("A token is about ¾ of an English word; a question with some context."),
            unit=_("tokens"),
            example=Decimal(800),
            places=2,
            out_of_range=_("Enter from {low} to {high} tokens."),
        ),
    ]
    mean_output_tokens: Annotated[
        Decimal,
        Spec(
            _("Average answer per request (tokens)"),
            VOLUME,
            help=_("A short paragraph is about 300."),
            unit=_("tokens"),
            example=Decimal(300),
            places=2,
            out_of_range=_("Enter from {low} to {high} tokens."),
        ),
    ]
    cached_input_share_pct: Annotated[
        Decimal,
        Spec(
            _("Share of input served from a prompt cache (%)"),
            VOLUME,
            help=_("Repeated instructions can be cached and cost less. Leave 0 if unsure."),
            unit="%",
            example=Decimal(20),
            places=2,
            out_of_range=_("A share is from {low} to {high} per cent."),
        ),
    ] = _default("cached_input_share_pct")
    annual_growth_pct: Annotated[
        Decimal,
        Spec(
            _("Growth in requests per year (%)"),
            VOLUME,
            help=_("How much use grows each year; a fall is negative."),
            unit="%",
            example=Decimal(15),
            places=2,
            out_of_range=_("Enter a yearly change from {low} to {high} per cent."),
        ),
    ] = _default("annual_growth_pct")
    peak_to_average: Annotated[
        Decimal,
        Spec(
            _("Busiest hour compared with the average"),
            VOLUME,
            help=_("Sizes dedicated capacity: 3 if the busiest hour sees three times the average."),
            unit=_("times the average"),
            example=Decimal(3),
            places=2,
            out_of_range=_("The busiest hour is {low} to {high} times the average."),
        ),
    ] = _default("peak_to_average")
    max_p95_latency_ms: Annotated[
        int | None,
        Spec(
            _("Slowest acceptable answer, 95th percentile (ms)"),
            QUALITY,
            help=_("3000 suits a chat service. Leave empty for no limit."),
            unit="ms",
            example=3000,
            out_of_range=_("Enter from {low} to {high} milliseconds."),
        ),
    ] = None
    min_availability_pct: Annotated[
        Decimal | None,
        Spec(
            _("Minimum availability (%)"),
            QUALITY,
            help=_("Leave empty for no requirement."),
            unit="%",
            example=Decimal("99.5"),
            places=3,
            out_of_range=_("Availability is from {low} to {high} per cent."),
        ),
    ] = None
    data_classification: Annotated[
        tuple[engine.DataClassification, ...],
        Spec(
            _("What data will it see?"),
            DATA,
            help=_("Tick every kind that applies: the strictest decides where it may be hosted."),
            example=("personal",),
            labels=labels.DATA_CLASSIFICATION,
            out_of_range=_("Tick from {low} to {high} kinds of data."),
        ),
    ]
    term_years: Annotated[
        int,
        Spec(
            _("Contract term (years)"),
            CONTRACT,
            help=_("Between {low} and {high}."),
            unit=_("years"),
            example=3,
            out_of_range=_("The product plans contracts of {low} to {high} years."),
        ),
    ]
    start_date: Annotated[
        dt.date,
        Spec(
            _("Contract start"),
            CONTRACT,
            help=_("The first day of the contract, e.g. the first day of a financial year."),
            example=dt.date(2027, 4, 1),
            out_of_range=_("Enter a date from {low} to {high}."),
        ),
    ]
    estimated_value_inr: Annotated[
        Decimal | None,
        Spec(
            _("Estimated contract value (₹), if known"),
            CONTRACT,
            help=_(
                "Decides the Make-in-India exemption, the local-content certificate and the "
                "global-tender gate. Leave empty and the product derives it and says how."
            ),
            unit="₹",
            places=2,
            out_of_range=_("Enter an amount from ₹{low} to ₹{high}."),
        ),
    ] = None
    procurement_category: Annotated[
        engine.ProcurementCategory,
        Spec(
            _("Kind of procurement"),
            CONTRACT,
            help=_("An API or GPU-hour contract is a non-consultancy service."),
            example="non_consultancy",
            labels=labels.PROCUREMENT_CATEGORY,
        ),
    ] = _default("procurement_category")
    evaluation_method: Annotated[
        engine.EvaluationMethod | None,
        Spec(
            _("Evaluation method"),
            CONTRACT,
            help=_("Leave as the policy's default unless the tender says otherwise."),
            labels=labels.EVALUATION_METHOD,
        ),
    ] = None
    qcbs_technical_weight_pct: Annotated[
        Decimal | None,
        Spec(
            _("QCBS technical weight (%)"),
            CONTRACT,
            help=_("Only for QCBS; leave empty for the policy's weight."),
            unit="%",
            places=2,
            out_of_range=_("Enter a weight from {low} to {high} per cent."),
        ),
    ] = None
    quality_oriented_procurement_declared: Annotated[
        bool,
        Spec(
            _("The competent authority has declared a quality-oriented procurement"),
            CONTRACT,
        ),
    ] = False
    global_tender_approved: Annotated[
        bool,
        Spec(
            _("A global tender enquiry is approved"),
            CONTRACT,
            help=_(
                "Up to and including ₹200 crore, foreign (non-local) suppliers may bid only in "
                "a global tender enquiry approved by Secretary (Coordination), Cabinet "
                "Secretariat (GFR Rule 161(iv)(b)). Tick only when that approval is recorded."
            ),
        ),
    ] = False
    buyer_gst_registered_business_use: Annotated[
        bool,
        Spec(_("We are GST-registered and use it for taxable business"), CONTRACT),
    ] = False

    # The file note's particulars: known only to the department, never read by the engine.
    # All optional; the note marks each one missing "to be filled".
    file_number: Annotated[
        str,
        Spec(_("File number"), FILE, example=_("F.No. 12/4/2026-eHealth"), engine=False),
    ] = ""
    file_subject: Annotated[
        str,
        Spec(
            _("Subject of the file"),
            FILE,
            help=_("Leave empty to use the workload's name."),
            engine=False,
        ),
    ] = ""
    division: Annotated[
        str,
        Spec(_("Division or section"), FILE, example=_("eHealth Division"), engine=False),
    ] = ""
    indenter: Annotated[
        str,
        Spec(
            _("Indenter (who raised the need), with designation"),
            FILE,
            example=_("Deputy Secretary (eHealth)"),
            engine=False,
        ),
    ] = ""
    budget_head: Annotated[
        str,
        Spec(
            _("Budget: Demand No. and head of account"),
            FILE,
            example=_("Demand No. 46, 3601.06.101"),
            engine=False,
        ),
    ] = ""
    budget_provision_inr: Annotated[
        Decimal | None,
        Spec(
            _("Budget provision this year (₹)"),
            FILE,
            help=_("The Budget Estimate available for this purchase in the current year."),
            unit="₹",
            places=2,
            out_of_range=_("Enter an amount from ₹{low} to ₹{high}."),
            engine=False,
            bound=bounds.Range(Decimal(0), bounds.MAX_MONEY),
        ),
    ] = None
    estimate_basis: Annotated[
        str,
        Spec(
            _("Basis of the estimate"),
            FILE,
            help=_(
                "Where the estimated value comes from: published price lists, GeM past "
                "transactions, quotations. Leave empty and the note offers the market "
                "survey's figure as a suggestion."
            ),
            engine=False,
            multiline=True,
        ),
    ] = ""
    estimate_prepared_by: Annotated[
        str,
        Spec(
            _("Estimate prepared by (name and designation, or committee)"),
            FILE,
            engine=False,
        ),
    ] = ""
    estimate_prepared_on: Annotated[
        dt.date | None,
        Spec(
            _("Estimate prepared on"),
            FILE,
            out_of_range=_("Enter a date from {low} to {high}."),
            engine=False,
            bound=RECORD_DATES,
        ),
    ] = None
    gem_reference: Annotated[
        str,
        Spec(
            _("GeM category, or GeMAR&PTS ID where the service is not on GeM"),
            FILE,
            help=_(
                "Buying outside GeM needs a GeM Availability Report and Past Transaction "
                "Summary (GFR Rule 149)."
            ),
            engine=False,
        ),
    ] = ""
    competent_authority: Annotated[
        str,
        Spec(
            _("Competent financial authority"),
            FILE,
            help=_("Who accords the sanction at this value, under the Ministry's delegation."),
            example=_("Secretary, with the concurrence of the Integrated Finance Division"),
            engine=False,
        ),
    ] = ""
    aaes_status: Annotated[
        str,
        Spec(
            _("Administrative approval and expenditure sanction (AA&ES)"),
            FILE,
            help=_("Sought in this note, or accorded: the order's number and date."),
            engine=False,
        ),
    ] = ""
    committees: Annotated[
        str,
        Spec(
            _("Committees proposed (tender opening, technical evaluation)"),
            FILE,
            help=_("Each committee with its members' designations."),
            engine=False,
            multiline=True,
        ),
    ] = ""


@dataclass(frozen=True, slots=True)
class Field:
    """One row of the table, with what the engine says about it."""

    name: str
    type: Any
    spec: Spec
    kind: Kind
    optional: bool
    required: bool
    default: Any
    bound: bounds.Bound | None

    @property
    def label(self) -> str:
        return str(self.spec.label)


def _kind(tp: Any) -> tuple[Kind, bool]:
    """(kind, optional) of a field type."""
    optional = False
    if get_origin(tp) in (Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        optional = len(members) < len(get_args(tp))
        tp = members[0]
    if get_origin(tp) is tuple:
        return "choices", optional
    if get_origin(tp) is Literal:
        return "choice", optional
    kinds: dict[Any, Kind] = {
        str: "text",
        int: "int",
        Decimal: "decimal",
        dt.date: "date",
        bool: "bool",
    }
    return kinds[tp], optional


@cache
def fields() -> tuple[Field, ...]:
    """Every field of the table, in its order."""
    hints = get_type_hints(WorkloadValues, include_extras=True)
    rows = []
    for item in dataclasses.fields(WorkloadValues):
        annotated = hints[item.name]
        tp, spec = get_args(annotated)
        kind, optional = _kind(tp)
        required = item.default is dataclasses.MISSING
        rows.append(
            Field(
                name=item.name,
                type=tp,
                spec=spec,
                kind=kind,
                optional=optional,
                required=required,
                default=None if required else item.default,
                bound=spec.bound or bounds.WORKLOAD.get(item.name),
            )
        )
    return tuple(rows)


def field(name: str) -> Field:
    for row in fields():
        if row.name == name:
            return row
    raise KeyError(name)


def default(name: str) -> Any:
    """The value a field takes when none is given (for the model's column default)."""
    return field(name).default


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(WorkloadValues))


def groups() -> list[tuple[Words, list[Field]]]:
    """The fields by group, in the order a person fills them in."""
    return [(title, [f for f in fields() if f.spec.group == title]) for title in GROUP_ORDER]


# Bounds at the precision a field stores ------------------------------------------------------


def closed_range(row: Field) -> tuple[Any, Any] | None:
    """The smallest and largest value the field may store, from the engine's bound.

    Whole-number fields give ints, dates give dates, lists give item counts.
    """
    bound = row.bound
    if bound is None:
        return None
    if isinstance(bound, bounds.DateRange):
        return bound.earliest, bound.latest
    if isinstance(bound, bounds.ItemsRange):
        return bound.fewest, bound.most
    if row.kind == "int":
        return int(bound.low), int(bound.high)
    step = Decimal(1).scaleb(-row.spec.places)
    return bound.low.quantize(step), bound.high.quantize(step)


def max_digits(row: Field) -> int:
    """The digits a decimal field needs to store its whole range."""
    limits = closed_range(row)
    assert limits is not None, row.name
    return max(len(str(abs(int(limit)))) for limit in limits) + row.spec.places


def display(row: Field, value: Any) -> str:
    """A value of the field in plain words: Indian digit grouping, dates as "1 April 2027"."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.date):
        return format_date(value, "j F Y")  # the month's name in the reader's language
    if isinstance(value, tuple | list):
        if row.spec.labels is not None:
            return ", ".join(row.spec.labels.label(item) for item in value)
        return labels.languages(tuple(value)) if row.name == "languages" else ", ".join(value)
    if isinstance(value, int | Decimal):
        return number(value)
    if row.spec.labels is not None:
        return row.spec.labels.label(value)
    return str(value)


def shown(values: WorkloadValues) -> list[tuple[Words, list[tuple[Field, str]]]]:
    """Every field with its value in plain words, by group: what the workload page shows."""
    return [
        (title, [(row, _with_unit(row, getattr(values, row.name))) for row in rows])
        for title, rows in groups()
    ]


def _with_unit(row: Field, value: Any) -> str:
    text = display(row, value)
    unit = str(row.spec.unit)
    if value is None or not unit:
        return text
    return f"₹{text}" if unit == "₹" else f"{text} {unit}"


def number(value: int | Decimal) -> str:
    """A number with Indian digit grouping, trailing zeros dropped: 1000000000 → 1,00,00,00,000."""
    return format_indian(value)


def _words(template: Words, row: Field) -> str:
    limits = closed_range(row)
    if limits is None:
        return str(template)
    low, high = (display(row, limit) for limit in limits)
    return str(template).format(low=low, high=high)


def range_message(row: Field) -> str:
    """What a person is told when a value is outside the field's range."""
    template = row.spec.out_of_range or _("Enter a value from {low} to {high}.")
    return _words(template, row)


def help_text(row: Field) -> str:
    """The help under a field: its help words, then an example."""
    text = _words(row.spec.help, row) if row.spec.help else ""
    if row.spec.example is not None and row.kind not in ("choice", "choices", "bool"):
        example = str(_("e.g. %(example)s")) % {"example": display(row, row.spec.example)}
        text = f"{text} {example}".strip()
    return text


def choices(row: Field) -> list[tuple[str, Words]]:
    """The choices of a choice field, from the engine's enumeration and its labels."""
    assert row.spec.labels is not None, row.name
    return row.spec.labels.choices


def within(row: Field, value: Any) -> bool:
    """Whether ``value`` lies in the field's range (None is for optional fields to refuse)."""
    limits = closed_range(row)
    if limits is None or value is None:
        return True
    low, high = limits
    if row.kind == "choices":
        return bool(low <= len(value) <= high)
    return bool(low <= value <= high)


@deconstructible
class InRange:
    """A validator refusing a value outside one workload field's range, with its message.

    It names the field only, so the migrations that record it stay the same when a bound or
    its words change; the database CHECK constraints carry the numbers.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: Any) -> None:
        row = field(self.name)
        if not within(row, value):
            raise ValidationError(range_message(row), code="out_of_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InRange) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def check_constraints(prefix: str) -> list[BaseConstraint]:
    """The database's CHECK constraints for every bounded or enumerated column of the table."""
    constraints: list[BaseConstraint] = []
    for row in fields():
        condition: Q | None = None
        limits = closed_range(row)
        if limits is not None and row.kind in ("int", "decimal", "date"):
            low, high = limits
            condition = Q(**{f"{row.name}__gte": low}) & Q(**{f"{row.name}__lte": high})
            name = f"{prefix}_{row.name}_range"
        elif row.kind == "choice":
            condition = Q(**{f"{row.name}__in": choices_codes(row)})
            name = f"{prefix}_{row.name}_known"
        if condition is None:
            continue
        if row.optional:
            blank = (
                Q(**{row.name: ""}) if row.kind == "choice" else Q(**{f"{row.name}__isnull": True})
            )
            condition = blank | condition
        constraints.append(CheckConstraint(condition=condition, name=name))
    return constraints


def choices_codes(row: Field) -> list[str]:
    assert row.spec.labels is not None, row.name
    return list(row.spec.labels.codes)


# Values in and out ----------------------------------------------------------------------------


def values_from(data: Mapping[str, Any], *, base: WorkloadValues | None = None) -> WorkloadValues:
    """Typed values from what a form or serializer cleaned (lists become tuples, a blank choice
    None); fields missing from ``data`` keep ``base``'s value, or the table's default."""
    kwargs: dict[str, Any] = {}
    for row in fields():
        if row.name in data:
            kwargs[row.name] = _typed(row, data[row.name])
        elif base is not None:
            kwargs[row.name] = getattr(base, row.name)
    return WorkloadValues(**kwargs)


def _typed(row: Field, value: Any) -> Any:
    if row.kind == "decimal" and value is not None and not isinstance(value, Decimal):
        return Decimal(str(value))
    if row.kind == "choices":
        return tuple(value)
    if row.kind == "choice" and row.optional and value == "":
        return None
    if row.kind == "text" and value is None:
        return ""
    return value


def values_of(workload: Any) -> WorkloadValues:
    """The values stored on a workload row."""
    return values_from({row.name: getattr(workload, row.name) for row in fields()})


def store(workload: Any, values: WorkloadValues) -> None:
    """Set a workload row's fields from ``values`` (tuples as lists, no choice as blank)."""
    for row in fields():
        value = getattr(values, row.name)
        if row.kind == "choices":
            value = list(value)
        elif row.kind == "choice" and value is None:
            value = ""
        setattr(workload, row.name, value)


def as_dict(values: WorkloadValues) -> dict[str, Any]:
    """Every field by name, for audit payloads and diffs."""
    return {row.name: getattr(values, row.name) for row in fields()}


def example() -> dict[str, Any]:
    """A workload as a JSON request body, from the table's examples (for the API's docs)."""
    body: dict[str, Any] = {}
    for row in fields():
        value = row.spec.example
        if value is None:
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Promise):
            value = str(value)
        body[row.name] = value
    return body


def qcbs_cap() -> str:
    """The India pack's cap on the QCBS technical weight, as the table states it."""
    policy = engine.load_policy(pack_data("india-default"))
    return f"{policy.evaluation.qcbs.max_technical_weight_pct.normalize():f}"


def markdown_table() -> str:
    """The fields as docs/api.md lists them (a test keeps that page equal to this)."""
    lines = [
        "| field | type | unit | range | required | label |",
        "|---|---|---|---|---|---|",
    ]
    types = {
        "text": "text",
        "choice": "one of the values below",
        "choices": "list",
        "int": "whole number",
        "decimal": "decimal string",
        "date": "date, YYYY-MM-DD",
        "bool": "true or false",
    }
    for row in fields():
        kind = types[row.kind]
        if row.kind == "decimal":
            kind += f", {row.spec.places} places"
        if row.spec.labels is not None:
            kind = ("list of: " if row.kind == "choices" else "") + ", ".join(
                f"`{code}`" for code in row.spec.labels.codes
            )
        elif row.name == "languages":
            kind = "list of ISO 639-1 codes"
        limits = closed_range(row)
        span = ""
        if limits is not None:
            span = f"{display(row, limits[0])} – {display(row, limits[1])}"
            if row.kind == "choices":
                span += " items"
        if row.name == "qcbs_technical_weight_pct":
            span += f"; at most {qcbs_cap()} under the India pack (GFR Rule 192)"
        required = "yes" if row.required else "no" if row.optional else "no (default)"
        lines.append(
            f"| `{row.name}` | {kind} | {row.spec.unit} | {span} | {required} | {row.label} |"
        )
    return "\n".join(lines) + "\n"


def engine_fields() -> Sequence[Field]:
    """The fields that are inputs of the engine, in the table's order."""
    return [row for row in fields() if row.spec.engine]
