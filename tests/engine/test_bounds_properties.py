"""Bounded arithmetic as properties over the whole input space (issue 10, defect 7).

Every numeric bound in procurement/engine/bounds.py is drawn at both ends, inside, at powers of
ten, as a vanishingly small positive value and now and then just outside, non-finite or 10^60.
Whatever is drawn, ``compare`` returns a result whose every exact money figure is finite and
within the cost ceiling, or raises EngineValidationError naming each input; never anything else.
The command line and ``replay`` keep their documented exit codes on the same inputs and on
hostile JSON.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from procurement.engine import (
    Citation,
    ComparisonResult,
    EngineValidationError,
    EvaluationMethod,
    FxRate,
    MatchReply,
    Offer,
    Policy,
    SensitivityConfig,
    Workload,
    bounds,
    build_snapshot,
    compare,
)
from procurement.engine.__main__ import EXIT_INVALID, EXIT_MISMATCH, EXIT_OK, main
from procurement.engine.bounds import Range
from procurement.engine.codec import field_types, to_jsonable
from procurement.engine.policy import PriceEvaluationFactorPreference, TieBandPreference
from tests.engine.builders import (
    DECISION,
    INDIA,
    STATE,
    USD,
    dedicated_price,
    foreign_offer,
    offer,
    workload,
)

D = Decimal
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOTS = ("decision_date", "workload", "offers[", "fx_rates[", "policy", "sensitivity")


def _powers(bound: Range) -> list[Decimal]:
    return [D(10) ** k for k in range(-6, 13) if bound.contains(D(10) ** k)]


@st.composite
def number(draw: st.DrawFn, bound: Range, whole: bool, outside: bool) -> Decimal | int:
    """A value for one bound: inside it (either end, a power of ten, anything between, a
    vanishingly small positive value), or, when ``outside``, beyond it or not finite."""
    if outside:
        beyond: list[Any] = [bound.low - 1, bound.high + 1, D(10) ** 60]
        if not whole:
            beyond += [D("NaN"), D("-Infinity"), bound.low - D("1E-42")]
        value = draw(st.sampled_from(beyond))
    else:
        roll = draw(st.integers(0, 99))
        if roll < 25:
            value = draw(st.sampled_from([bound.low, bound.high]))
        elif roll < 45:
            value = draw(st.sampled_from(_powers(bound) or [bound.low]))
        elif roll < 50 and not whole and bound.contains(D("1E-42")):
            value = D("1E-42")
        elif whole:
            value = draw(st.integers(int(bound.low), int(bound.high)))
        else:
            value = draw(st.decimals(min_value=bound.low, max_value=bound.high, places=4))
    return int(value) if whole and Decimal(value).is_finite() else value


def replace_at(node: Any, path: str, value: Callable[[Any], object]) -> Any:
    """``node`` with the field at ``path`` ("price.gpu_hour_price", "taxes.rules[].rate_pct")
    set to ``value(parent)``, called once for every item below a "[]" that has the field; a
    None parent is left alone."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        name = head[:-2]
        items = tuple(
            replace_at(item, rest, value) if _has(item, rest) else item
            for item in getattr(node, name)
        )
        return dataclasses.replace(node, **{name: items})
    if not rest:
        return dataclasses.replace(node, **{head: value(node)})
    child = getattr(node, head)
    if child is None:
        return node
    return dataclasses.replace(node, **{head: replace_at(child, rest, value)})


def _has(node: Any, path: str) -> bool:
    head = path.partition(".")[0].removesuffix("[]")
    return hasattr(node, head)


def _is_whole(parent: object, name: str) -> bool:
    hint = field_types(type(parent))[name]
    return hint is int or int in get_args(hint)


@st.composite
def with_bounds(
    draw: st.DrawFn,
    base: Any,
    table: Mapping[str, Range],
    prefix: str,
    target: str | None,
    eligibility: bool = True,
) -> Any:
    """``base`` with every field of ``table`` drawn from its bound; the one named ``target``
    (``prefix`` + its path), if any, drawn outside it; with ``eligibility`` False, the fields
    of ELIGIBILITY are left as they are."""
    for path, bound in table.items():
        if not eligibility and prefix + path in ELIGIBILITY:
            continue
        outside = prefix + path == target

        def value(parent: Any, bound: Range = bound, path: str = path, out: bool = outside) -> Any:
            return draw(number(bound, _is_whole(parent, path.rpartition(".")[2]), out))

        base = replace_at(base, path, value)
    return base


WORKLOAD_TABLE = {k: b for k, b in bounds.WORKLOAD.items() if isinstance(b, Range)}
TABLES: dict[str, Mapping[str, Range]] = {
    "workload.": WORKLOAD_TABLE,
    "offers.": bounds.OFFER,
    "policy.": bounds.POLICY,
    "sensitivity.": bounds.SENSITIVITY,
    "fx.": {"rate_to_inr": bounds.FX_RATE_TO_INR},
}
# Bounds that decide eligibility rather than arithmetic: left at the builders' passing values
# in half the examples, so that awards, preferences and QCBS meet extreme figures too.
ELIGIBILITY = {
    "workload.max_p95_latency_ms",
    "workload.min_availability_pct",
    "offers.context_window",
    "offers.p95_latency_ms",
    "offers.sla_availability_pct",
    "offers.retention_days",
    "offers.deprecation_notice_days",
    "offers.evaluations[].score",
    "policy.quality.bars[].min_score",
    "policy.contract_terms.max_retention.limit_days",
    "policy.contract_terms.min_deprecation_notice.limit_days",
    "policy.evaluation.qcbs.min_technical_score",
}
# Every bound; an example takes at most one value outside its bound (in a third of them).
TARGETS = st.one_of(
    st.none(), st.none(), st.sampled_from([p + k for p, t in TABLES.items() for k in t])
)


@st.composite
def workloads(draw: st.DrawFn, target: str | None, eligibility: bool) -> Workload:
    w: Workload = draw(with_bounds(workload(), WORKLOAD_TABLE, "workload.", target, eligibility))
    if target is None and w.mean_input_tokens + w.mean_output_tokens < 1:
        w = dataclasses.replace(w, mean_output_tokens=D(1))
    if draw(st.booleans()):
        w = dataclasses.replace(w, qcbs_technical_weight_pct=None)
    if draw(st.booleans()):
        w = dataclasses.replace(w, estimated_value_inr=None)
    method: EvaluationMethod | None = draw(st.sampled_from([None, "l1", "qcbs"]))
    return dataclasses.replace(
        w,
        evaluation_method=method,
        start_date=draw(
            st.sampled_from([bounds.PLANNING_DATES.earliest, bounds.PLANNING_DATES.latest])
        ),
        buyer_gst_registered_business_use=draw(st.booleans()),
    )


@st.composite
def offers(draw: st.DrawFn, target: str | None, eligibility: bool) -> list[Offer]:
    found = []
    for i in range(draw(st.integers(1, 3))):
        base = offer(f"o{i}") if draw(st.booleans()) else foreign_offer(f"o{i}")
        if draw(st.booleans()):
            currency = base.price.currency
            base = dataclasses.replace(
                base, pricing_mode="dedicated", price=dedicated_price(currency=currency)
            )
        table = dict(bounds.OFFER)
        if draw(st.booleans()):
            # Catalogue-like prices in half the examples, so results are reached often.
            for name in ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"):
                table[f"price.{name}"] = Range(D(0), D(1000))
            table["price.gpu_hour_price"] = Range(D(0), D(1000))
        if not eligibility:
            base = dataclasses.replace(base, context_window=10**9)
        found.append(draw(with_bounds(base, table, "offers.", target, eligibility)))
    if draw(st.booleans()):
        # One price for every offer: ties and near-ties, where Make in India's match and the
        # domestic bands decide the award.
        first = found[0]
        found = [
            dataclasses.replace(o, pricing_mode=first.pricing_mode, price=first.price)
            for o in found
        ]
    return found


def _cited(kind: str) -> dict[str, Any]:
    return {"kind": kind, "citation": Citation("property test", "bounds"), "confidence": "A"}


@st.composite
def policies(draw: st.DrawFn, target: str | None, eligibility: bool) -> Policy:
    # The central pack (premium a policy scenario) or the demo state's (premium empowered).
    preferences = list(draw(st.sampled_from([INDIA, STATE])).preferences)
    if draw(st.booleans()):
        factor = PriceEvaluationFactorPreference(
            factor_pct=D(20), **_cited("price_evaluation_factor")
        )
        preferences.insert(1, factor)  # the first of the authority's own, after the statute
    if draw(st.booleans()):
        preferences.append(TieBandPreference(band_pct=D(3), **_cited("tie_band")))
    shipped_with = dataclasses.replace(INDIA, preferences=tuple(preferences))
    policy: Policy = draw(with_bounds(shipped_with, bounds.POLICY, "policy.", target, eligibility))
    assert policy.mii is not None
    # What the bounds alone do not say, unless a value of it is the one outside its bound:
    # rising procurement limits, Class-II below Class-I, the pack's technical weight within its
    # cap.
    shipped = INDIA.procurement_modes  # the last mode has no upper limit
    if target != "policy.procurement_modes[].up_to_inr":
        rising = sorted(m.up_to_inr for m in policy.procurement_modes[:-1] if m.up_to_inr)
        if len(rising) != len(shipped) - 1 or any(
            a >= b for a, b in zip(rising, rising[1:], strict=False)
        ):
            rising = [m.up_to_inr for m in shipped[:-1] if m.up_to_inr is not None]
        limits = [*rising, None]
        modes = [dataclasses.replace(m, up_to_inr=limits[i]) for i, m in enumerate(shipped)]
        policy = dataclasses.replace(policy, procurement_modes=tuple(modes))
    mii = policy.mii
    assert mii is not None
    if target not in ("policy.mii.class_i_min_lc_pct", "policy.mii.class_ii_min_lc_pct_exclusive"):
        low, high = sorted((mii.class_ii_min_lc_pct_exclusive, mii.class_i_min_lc_pct))
        high = max(high, D(1))
        low = min(low, high - 1)
        mii = dataclasses.replace(mii, class_ii_min_lc_pct_exclusive=low, class_i_min_lc_pct=high)
        policy = dataclasses.replace(policy, mii=mii)
    qcbs = policy.evaluation.qcbs
    weights = ("technical_weight_pct", "max_technical_weight_pct")
    if target not in {f"policy.evaluation.qcbs.{name}" for name in weights}:
        weight, cap = sorted((qcbs.technical_weight_pct, qcbs.max_technical_weight_pct))
        qcbs = dataclasses.replace(qcbs, technical_weight_pct=weight, max_technical_weight_pct=cap)
        evaluation = dataclasses.replace(policy.evaluation, qcbs=qcbs)
        policy = dataclasses.replace(policy, evaluation=evaluation)
    return policy


@st.composite
def sensitivities(draw: st.DrawFn, target: str | None) -> SensitivityConfig | None:
    if draw(st.booleans()):
        return None
    table = dict(bounds.SENSITIVITY)
    # Scenario counts that keep the run short; the bound's far end is its own test.
    table["scenarios"] = Range(D(1), D(200))
    config: SensitivityConfig = draw(
        with_bounds(SensitivityConfig(), table, "sensitivity.", target)
    )
    return config


@st.composite
def rates(draw: st.DrawFn, target: str | None) -> list[FxRate]:
    rate = D(draw(number(bounds.FX_RATE_TO_INR, False, target == "fx.rate_to_inr")))
    return [dataclasses.replace(USD, rate_to_inr=rate)]


@st.composite
def comparisons(draw: st.DrawFn) -> tuple[Any, ...]:
    """Every input of a comparison, from every bound; at most one value outside its bound."""
    target = draw(TARGETS)
    eligibility = draw(st.booleans())
    w, p = draw(workloads(target, eligibility)), draw(policies(target, eligibility))
    sens = draw(sensitivities(target))
    if target is None:
        # Within the pack's cap, and spreads that keep growth and the rupee above -100 %.
        cap = p.evaluation.qcbs.max_technical_weight_pct
        if w.qcbs_technical_weight_pct is not None and w.qcbs_technical_weight_pct > cap:
            w = dataclasses.replace(w, qcbs_technical_weight_pct=cap)
        if sens is not None:
            depreciation = p.finance.expected_inr_depreciation_pct
            sens = dataclasses.replace(
                sens,
                growth_spread_pct=min(sens.growth_spread_pct, w.annual_growth_pct + 99),
                fx_depreciation_spread_pct=min(sens.fx_depreciation_spread_pct, depreciation + 99),
            )
    return w, draw(offers(target, eligibility)), p, draw(rates(target)), sens


def money(node: object, name: str = "") -> Iterator[tuple[str, object]]:
    """Every rupee figure of a result (fields whose name says INR), with its field name."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from money(getattr(node, f.name), f.name)
    elif isinstance(node, tuple):
        for item in node:
            yield from money(item, name)
    elif "inr" in name and isinstance(node, Decimal | int) and not isinstance(node, bool):
        yield name, node


def assert_bounded(result: ComparisonResult) -> None:
    for name, amount in money(result):
        if isinstance(amount, Decimal):
            assert amount.is_finite(), name
            assert abs(amount) <= bounds.COST_CEILING_INR, (name, amount)


def assert_named(error: EngineValidationError) -> None:
    assert error.errors
    for e in error.errors:
        assert e.path.startswith(ROOTS) and e.message, e


@PROPERTY
@given(inputs=comparisons(), accepts=st.booleans())
def test_compare_gives_a_bounded_result_or_field_errors_and_nothing_else(
    inputs: tuple[Any, ...], accepts: bool
) -> None:
    """Defect 7: inputs inside the ranges crashed (InvalidOperation, DivisionImpossible) or gave
    ₹1.7×10^46 awards. Over every bound: a result within the ceiling, or named field errors."""
    w, o, p, fx, sens = inputs
    try:
        replies = [MatchReply(offer.offer_id, accepts) for offer in o]
        result = compare(w, o, p, fx, DECISION, match_replies=replies, sensitivity=sens)
    except EngineValidationError as error:
        assert_named(error)
        ceiling = all("cost ceiling" in e.message for e in error.errors)
        event("refused by the cost ceiling" if ceiling else "refused by a bound")
    else:
        assert_bounded(result)
        event(f"a result (award: {result.recommendation.award.mechanism})")


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def _inputs_document(
    w: Workload, o: list[Offer], p: Policy, fx: list[FxRate], sens: SensitivityConfig | None
) -> str:
    document = {
        "decision_date": DECISION.isoformat(),
        "workload": to_jsonable(w),
        "offers": to_jsonable(tuple(o)),
        "policy": to_jsonable(p),
        "fx_rates": to_jsonable(tuple(fx)),
        "options": {"sensitivity": to_jsonable(sens)},
    }
    return json.dumps(document)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=comparisons())
def test_the_command_line_exits_0_or_2_and_what_it_writes_replays(inputs: tuple[Any, ...]) -> None:
    """The same input space through ``run`` (exit 0 with a snapshot, or 2: not valid inputs),
    and every snapshot it writes through ``replay`` (exit 0)."""
    try:
        text = _inputs_document(*inputs)
    except ValueError:  # a NaN or an infinity has no JSON text: nothing to run
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inputs.json"
        path.write_text(text, encoding="utf-8")
        code, out = _cli("run", str(path))
        assert code in (EXIT_OK, EXIT_INVALID)
        if code == EXIT_OK:
            snapshot = Path(folder) / "snapshot.json"
            snapshot.write_text(out, encoding="utf-8")
            assert _cli("replay", str(snapshot))[0] == EXIT_OK


BASE_SNAPSHOT = json.loads(
    json.dumps(build_snapshot(workload(), [offer("a"), foreign_offer("b")], INDIA, [USD], DECISION))
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["1E+999999", "-0", "0.000000000000000000000000000000000000000001", "[{"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


ALL_PATHS = [p for p in _paths(BASE_SNAPSHOT) if p]


@st.composite
def hostile_documents(draw: st.DrawFn) -> tuple[bytes, bool]:
    """JSON text that is not the base snapshot (and whether it is the base snapshot unchanged):
    random JSON, raw bytes, nesting up to 200 000 deep (closed or not), huge integers, or the
    base snapshot with one value anywhere in it replaced by random JSON."""
    kind = draw(st.sampled_from(["random", "bytes", "deep", "huge", "mutated"]))
    if kind == "random":
        return json.dumps(draw(JSON_VALUES)).encode(), False
    if kind == "bytes":
        return draw(st.binary(max_size=200)), False
    if kind == "deep":
        depth = draw(st.integers(1, 200_000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        tail = closer * depth if draw(st.booleans()) else ""
        return (opener * depth + "1" + tail).encode(), False
    if kind == "huge":
        document = copy.deepcopy(BASE_SNAPSHOT)
        version = f'"snapshot_version": {document["snapshot_version"]}'
        text = json.dumps(document).replace(version, version + "0" * 5000)
        return text.encode(), False
    document = copy.deepcopy(BASE_SNAPSHOT)
    path = draw(st.sampled_from(ALL_PATHS))
    value = draw(JSON_VALUES)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    text = json.dumps(document, sort_keys=True)
    return text.encode(), text == json.dumps(BASE_SNAPSHOT, sort_keys=True)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=hostile_documents())
def test_replay_on_hostile_json_exits_2_for_anything_it_cannot_read(
    document: tuple[bytes, bool],
) -> None:
    """Defect 7: deep JSON raised RecursionError and `replay` exited with the mismatch code 1.
    Anything that is not a readable, valid snapshot exits 2; a valid snapshot whose content
    changed exits 1 (never 0); the untouched snapshot exits 0."""
    text, unchanged = document
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.json"
        path.write_bytes(text)
        code, _ = _cli("replay", str(path))
    if unchanged:
        assert code == EXIT_OK
    else:
        assert code in (EXIT_MISMATCH, EXIT_INVALID)
        if code == EXIT_MISMATCH:
            assert json.loads(text)["inputs"] is not None  # it was read: only a mismatch is 1


def test_the_base_snapshot_replays() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "snapshot.json"
        path.write_text(json.dumps(BASE_SNAPSHOT), encoding="utf-8")
        assert _cli("replay", str(path))[0] == EXIT_OK
