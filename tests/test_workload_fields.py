"""The table of the workload's fields is the one description of them: the form, the API
serializer, the model (validators and CHECK constraints) and the engine agree on every field's
type, choices and bounds — shown by probing each bound from both sides through all four — and
docs/api.md lists the table as it is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint

from procurement import engine, labels, workload_fields
from procurement.api.serializers import WorkloadSerializer
from procurement.engine import bounds
from procurement.forms import WorkloadForm
from procurement.mapping import workload_input
from procurement.models import Workload
from procurement.workload_fields import Field, InRange, closed_range, fields
from tests.conftest import workload_data, workload_values

pytestmark = pytest.mark.django_db

BOUNDED = [row for row in fields() if row.bound is not None]
CHOICE = [row for row in fields() if row.spec.labels is not None]


def _step(row: Field) -> Any:
    if row.kind == "date":
        return dt.timedelta(days=1)
    if row.kind == "decimal":
        return Decimal(1).scaleb(-row.spec.places)
    return 1


def _outside(row: Field) -> list[Any]:
    low, high = closed_range(row)  # type: ignore[misc]  # every row here is bounded
    return [low - _step(row), high + _step(row)]


def _inside(row: Field) -> list[Any]:
    low, high = closed_range(row)  # type: ignore[misc]  # every row here is bounded
    return [low, high]


# Two-letter codes enough to fill any list to its longest and beyond, all different.
LANGUAGES = ["en", "hi"] + [a + b for a in "pqrstu" for b in "abcdefghijklmnopqrstuvwxyz"]


def _as_items(row: Field, count: int) -> list[str]:
    """``count`` different values for a list field (more than there are repeat the last)."""
    codes = LANGUAGES if row.name == "languages" else list(labels.DATA_CLASSIFICATION.codes)
    return (codes + codes[-1:] * count)[:count]


def test_the_table_and_the_engines_workload_have_the_same_fields_and_types():
    hints = get_type_hints(engine.Workload)
    inputs = {row.name: row for row in fields() if row.spec.engine}
    assert set(inputs) == {f.name for f in dataclasses.fields(engine.Workload)}
    for name, row in inputs.items():
        assert row.type == hints[name], name
        default = engine.Workload.__dataclass_fields__[name].default
        assert row.required == (default is dataclasses.MISSING), name
        if not row.required:
            assert row.default == default, name
    assert set(bounds.WORKLOAD) <= {row.name for row in fields()}


@pytest.mark.parametrize("row", CHOICE, ids=lambda row: row.name)
def test_choices_come_from_the_engines_enumeration(row):
    enumeration = get_args(row.type)[0] if row.kind == "choices" else row.type
    if row.optional:  # Literal[...] | None
        (enumeration,) = [a for a in get_args(enumeration) if a is not type(None)]
    codes = set(row.spec.labels.codes)
    assert codes == set(get_args(enumeration))
    form_codes = {code for code, _ in WorkloadForm().fields[row.name].choices if code}
    assert form_codes == codes
    api = WorkloadSerializer().fields[row.name]
    api_codes = set((api.child if row.kind == "choices" else api).choices)
    assert api_codes - {""} == codes
    if row.kind == "choice":
        model_codes = {code for code, _ in Workload._meta.get_field(row.name).choices}
        assert model_codes == codes


@pytest.mark.parametrize("row", BOUNDED, ids=lambda row: row.name)
def test_form_serializer_model_and_engine_agree_on_the_bound(row):
    low, high = closed_range(row)
    form_field = WorkloadForm().fields[row.name]
    api_field = WorkloadSerializer().fields[row.name]
    column = Workload._meta.get_field(row.name)
    assert InRange(row.name) in column.validators
    if row.kind in ("int", "decimal"):
        assert (form_field.min_value, form_field.max_value) == (low, high)
        assert (api_field.min_value, api_field.max_value) == (low, high)
    if row.kind == "decimal":
        assert form_field.decimal_places == api_field.decimal_places == row.spec.places
        assert form_field.max_digits == api_field.max_digits == workload_fields.max_digits(row)
        assert column.decimal_places == row.spec.places
        assert column.max_digits >= workload_fields.max_digits(row)
    if row.kind == "choices":
        assert (api_field.min_length, api_field.max_length) == (low, high)
    if row.kind in ("int", "decimal", "date"):
        (check,) = [
            c
            for c in Workload._meta.constraints
            if isinstance(c, CheckConstraint) and c.name == f"workload_{row.name}_range"
        ]
        assert f"('{row.name}__gte', {low!r})" in str(check.condition)
        assert f"('{row.name}__lte', {high!r})" in str(check.condition)
    for value in _inside(row):
        assert _verdicts(row, value) == {"form": True, "api": True, "model": True, "engine": True}
    for value in _outside(row):
        if row.kind == "choices" and value < 1:
            value = 0
        assert _verdicts(row, value) == {
            "form": False,
            "api": False,
            "model": False,
            "engine": not row.spec.engine,  # a department's own record, unseen by the engine
        }, value


def _verdicts(row: Field, value: Any) -> dict[str, bool]:
    """Whether each of the four accepts ``value`` for the field (all else valid)."""
    if row.kind == "choices":
        value = _as_items(row, value)
    data = workload_data(**{row.name: value})
    post = {k: v for k, v in data.items() if v is not None}
    form = WorkloadForm({**post, "start_date": str(post["start_date"])})
    form.fields["languages"].choices = [(code, code) for code in LANGUAGES]
    api = WorkloadSerializer(data=_json(data))
    api.fields  # noqa: B018 - bind the fields before skipping the catalogue lookup
    api.validate_languages = lambda languages: languages  # the catalogue's languages aside
    values = workload_values(**{row.name: value})
    try:
        row_model = Workload(**data)
        row_model.clean_fields(exclude=["department", "created_by"])
        model_ok = True
    except ValidationError as error:
        model_ok = row.name not in error.message_dict
    problems = engine.validate_workload(workload_input(values))
    return {
        "form": form.is_valid() or row.name not in form.errors,
        "api": api.is_valid() or row.name not in api.errors,
        "model": model_ok,
        "engine": not any(p.path.startswith(f"workload.{row.name}") for p in problems),
    }


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: str(v) if isinstance(v, Decimal | dt.date) else v
        for k, v in data.items()
        if v is not None
    }


@pytest.mark.parametrize("row", [r for r in BOUNDED if r.kind != "choices"], ids=lambda r: r.name)
def test_the_database_refuses_a_value_outside_the_bound(alice, row):
    workload = Workload(department=alice.membership.department, created_by=alice)
    workload_fields.store(workload, workload_values())
    for value in _outside(row):
        setattr(workload, row.name, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            workload.save()


def test_docs_api_md_lists_the_table_as_it_is():
    page = (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    start = page.index("<!-- workload fields:")
    table = page[page.index("\n", start) + 1 : page.index("<!-- end of workload fields -->")]
    assert table == workload_fields.markdown_table(), (
        "docs/api.md's table of the workload's fields is out of date; replace it with:\n"
        + workload_fields.markdown_table()
    )
