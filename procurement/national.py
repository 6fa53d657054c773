"""The national figures as the public dashboard, its CSV/JSON files and the comparison page
show them: read from the summary cells (procurement/summary.py writes them), suppressed where a
cell is built from fewer than three departments, every figure with its date and definition.

A *figure* is a table: named columns and rows of plain values (``Decimal``, ``int``, ``str``,
``None`` for a suppressed value). Pages format them; the API writes them as JSON or CSV.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_stubs_ext import StrOrPromise

from procurement import labels
from procurement.engine import ComparisonResult
from procurement.engine.national import DEFINITION
from procurement.models import (
    AwardFact,
    Decision,
    Department,
    ScenarioCell,
    ShareTarget,
    TransparencyCell,
    UsageCell,
)

NATIONAL = "national"
DIMENSIONS = ("sector", "use_case", "body_type", "ministry")
SCENARIO_DIMENSIONS = (NATIONAL, "sector")
PREMIUM_MAX = 100
MIN_DEPARTMENTS = 3
# The suppression rule and the scenario's definition are English (pages and tests quote them as
# they are); marked for translation here and translated where shown: ``gettext(SUPPRESSION_RULE)``.
SUPPRESSION_RULE = gettext_noop(
    "A figure built from fewer than 3 departments is not published (shown as “suppressed”), "
    "here and in every download, so that no department's contracts can be read off a total. "
    "Awards a department marks restricted (for example for security) count in the national "
    "totals only, never by sector, use case, buyer type or ministry."
)
USAGE_DEFINITION = gettext_lazy(
    "Projected requests are what the awarded contracts that reported expected to serve in the "
    "quarter (their contract year's projection, spread evenly over its days); actual requests, "
    "tokens and rupees invoiced are their departments' latest report for the quarter. A contract "
    "is in force in a quarter when any of its days falls in it; one that has not reported for a "
    "quarter that has ended is counted as not reported."
)
SCENARIO_DEFINITION = gettext_noop(
    "A policy scenario, never a change to any award: had every award decided since the quarter "
    "chosen applied a transition premium of p % (a domestic offer wins when it costs at most p % "
    "more than the award that stood), the awards whose smallest such premium is at most p % "
    "move to the cheapest eligible domestic offer of their stored comparison (the engine's flip "
    "premium, on the pack's cost basis); the extra rupees are the nominal difference over the "
    "contract. Awards the Make in India match decided do not move."
)
# The figure's name (its download's URL) for each dimension.
FIGURE_OF_DIMENSION = {
    "sector": "by-sector",
    "use_case": "by-use-case",
    "body_type": "by-buyer-type",
    "ministry": "by-ministry",
}
DIMENSION_TITLES = {
    "sector": gettext_lazy("By sector"),
    "use_case": gettext_lazy("By use case"),
    "body_type": gettext_lazy("By type of buyer"),
    "ministry": gettext_lazy("By ministry or parent body"),
}
ONE_HUNDRED = Decimal(100)
# The public dashboard's address, as the comparison page and the file note link to it.
PUBLIC_PAGE = "/transparency/"


# Quarters -------------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# A quarter as the API and the CSV files write it: a year of this century and the quarter's number.
QUARTER_PATTERN = r"^20[0-9]{2}-Q[1-4]$"


def parse_quarter(text: str) -> tuple[int, int] | None:
    """(year, quarter) of "2026-Q3", or None when ``text`` is not a quarter of the years 2000 to
    2099 (``QUARTER_PATTERN``): no contract of the product's falls outside them."""
    if re.fullmatch(QUARTER_PATTERN, text) is None:
        return None
    year, _sep, number = text.partition("-Q")
    return int(year), int(number)


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """The first day of the quarter and the first day after it."""
    parsed = parse_quarter(quarter)
    if parsed is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, number = parsed
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return start, end


def previous_quarter(quarter: str) -> str:
    start, _end = quarter_bounds(quarter)
    return quarter_of(start - dt.timedelta(days=1))


def quarters_between(first: dt.date, last: dt.date) -> list[str]:
    """Every quarter from the one holding ``first`` to the one holding ``last``."""
    quarters, day = [], first
    while day <= last:
        quarters.append(quarter_of(day))
        day = quarter_bounds(quarters[-1])[1]
    return quarters


def quarter_label(quarter: str) -> str:
    """ "Jul–Sep 2026" (the months, never a code), in the reader's language."""
    start, end = quarter_bounds(quarter)
    last = end - dt.timedelta(days=1)
    code = labels.reader_language()
    if code == "en":
        return f"{start:%b}–{last:%b} {start.year}"
    months = (format_date(day, "MMMM", locale=f"{code}_IN") for day in (start, last))
    return "{}–{} {}".format(*months, start.year)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def projected_in_quarter(start: dt.date, yearly: list[int], quarter: str) -> int:
    """Requests a contract projected for ``quarter``: each contract year's projection spread
    evenly over its days, summed over the days of the quarter it covers."""
    q_start, q_end = quarter_bounds(quarter)
    total = Decimal(0)
    for year, requests in enumerate(yearly):
        y_start, y_end = add_years(start, year), add_years(start, year + 1)
        overlap = (min(q_end, y_end) - max(q_start, y_start)).days
        if overlap > 0:
            total += Decimal(requests) * overlap / (y_end - y_start).days
    return int(total.quantize(Decimal(1), ROUND_HALF_UP))


# Figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise  # in the reader's language when read (module-level tables are lazy)
    kind: str  # "text", "count", "inr", "pct"


@dataclass(frozen=True)
class Figure:
    """One downloadable table: its name (the URL's), title, columns, rows and provenance."""

    name: str
    title: str
    definition: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    as_of: dt.datetime | None
    demo: bool
    suppression: str = field(default_factory=lambda: _(SUPPRESSION_RULE))
    notes: tuple[str, ...] = field(default=())


def is_suppressed(row: Mapping[str, Any], column: Column) -> bool:
    """Whether a row's value in ``column`` is withheld: the whole row (fewer than three
    departments built it) or this column alone (``suppressed_columns``: e.g. a quarter's use
    reported by fewer than three departments while enough have contracts in force)."""
    if column.kind == "text":
        return False
    return bool(row.get("suppressed")) or column.key in row.get("suppressed_columns", ())


def _pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * ONE_HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _total(cell: TransparencyCell) -> int:
    return cell.domestic_inferences + cell.foreign_in_india_inferences + cell.abroad_inferences


def _nominal(cell: TransparencyCell) -> Decimal:
    return cell.domestic_nominal_inr + cell.foreign_in_india_nominal_inr + cell.abroad_nominal_inr


SHARE_COLUMNS = (
    Column("awards", gettext_lazy("Awards"), "count"),
    Column("departments", gettext_lazy("Departments"), "count"),
    Column("domestic_pct", gettext_lazy("Share on domestic operators in India (%)"), "pct"),
    Column("foreign_in_india_pct", gettext_lazy("Share on foreign operators in India (%)"), "pct"),
    Column("abroad_pct", gettext_lazy("Share abroad (%)"), "pct"),
    Column("inferences", gettext_lazy("Inferences projected over the contracts"), "count"),
    Column("domestic_inferences", gettext_lazy("Of which on domestic operators in India"), "count"),
    Column("committed_inr", gettext_lazy("Rupees committed (nominal)"), "inr"),
    Column("committed_npv_inr", gettext_lazy("Rupees committed (present value)"), "inr"),
    Column(
        "domestic_committed_inr", gettext_lazy("Of which to domestic operators in India"), "inr"
    ),
    Column("premium_paid_inr", gettext_lazy("Premium paid for the domestic shift"), "inr"),
)


def _share_values(cell: TransparencyCell, departments: int) -> dict[str, Any]:
    """The share columns of one cell; every value None when too few departments built it."""
    if departments < MIN_DEPARTMENTS:
        return {column.key: None for column in SHARE_COLUMNS} | {"suppressed": True}
    total = _total(cell)
    return {
        "awards": cell.awards,
        "departments": departments,
        "domestic_pct": _pct(cell.domestic_inferences, total),
        "foreign_in_india_pct": _pct(cell.foreign_in_india_inferences, total),
        "abroad_pct": _pct(cell.abroad_inferences, total),
        "inferences": total,
        "domestic_inferences": cell.domestic_inferences,
        "committed_inr": _nominal(cell),
        "committed_npv_inr": cell.npv_inr,
        "domestic_committed_inr": cell.domestic_nominal_inr,
        "premium_paid_inr": cell.premium_paid_inr,
        "suppressed": False,
    }


def _as_of(cells: list[Any]) -> dt.datetime | None:
    return max((c.refreshed_at for c in cells), default=None)


class _Running:
    """Cumulative sums of a series' quarterly cells (sums add; departments do not, so the
    cell's own count of departments to date is used)."""

    FIELDS = (
        "awards",
        "domestic_inferences",
        "foreign_in_india_inferences",
        "abroad_inferences",
        "domestic_nominal_inr",
        "foreign_in_india_nominal_inr",
        "abroad_nominal_inr",
        "npv_inr",
        "premium_paid_inr",
    )

    def __init__(self) -> None:
        self.cell = TransparencyCell(**dict.fromkeys(self.FIELDS, 0))

    def add(self, cell: TransparencyCell) -> TransparencyCell:
        for name in self.FIELDS:
            setattr(self.cell, name, getattr(self.cell, name) + getattr(cell, name))
        return self.cell


def trend() -> Figure:
    """The national share by quarter of decision, cumulative since the first award."""
    cells = list(
        TransparencyCell.objects.filter(dimension=NATIONAL, key="")
        .exclude(quarter="")
        .order_by("quarter")
    )
    running = _Running()
    rows = []
    for cell in cells:
        to_date = running.add(cell)
        rows.append(
            {"quarter": cell.quarter, "label": quarter_label(cell.quarter)}
            | _share_values(to_date, cell.departments_to_date)
        )
    return Figure(
        name="trend",
        title=_("The national share, quarter by quarter"),
        definition=_(DEFINITION)
        + " "
        + _("Each quarter counts every award approved up to the end of that quarter."),
        columns=(Column("label", _("Quarter of decision"), "text"), *SHARE_COLUMNS),
        rows=rows,
        as_of=_as_of(cells),
        demo=any(c.is_demo for c in cells),
    )


def spending() -> Figure:
    """Rupees committed and premium paid by the awards of each quarter (not cumulative)."""
    cells = list(
        TransparencyCell.objects.filter(dimension=NATIONAL, key="")
        .exclude(quarter="")
        .order_by("quarter")
    )
    rows = [
        {"quarter": cell.quarter, "label": quarter_label(cell.quarter)}
        | _share_values(cell, cell.departments)
        for cell in cells
    ]
    return Figure(
        name="spending",
        title=_("Rupees committed and premium paid, by quarter of decision"),
        definition=_(DEFINITION) + " " + _("Each quarter counts the awards approved in it."),
        columns=(Column("label", _("Quarter of decision"), "text"), *SHARE_COLUMNS),
        rows=rows,
        as_of=_as_of(cells),
        demo=any(c.is_demo for c in cells),
    )


def _key_label(dimension: str, key: str) -> str:
    if dimension == "sector":
        return str(Department.Sector(key).label)
    if dimension == "body_type":
        return str(Department.BodyType(key).label)
    if dimension == "use_case":
        return labels.USE_CASE.label(key)
    return key or _("No ministry named")


def by(dimension: str) -> Figure:
    """Every key of one dimension, all quarters together."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    cells = list(TransparencyCell.objects.filter(dimension=dimension, quarter=""))
    rows = sorted(
        (
            {"key": cell.key, "label": _key_label(dimension, cell.key)}
            | _share_values(cell, cell.departments)
            for cell in cells
        ),
        key=lambda row: row["label"],
    )
    return Figure(
        name=FIGURE_OF_DIMENSION[dimension],
        title=str(DIMENSION_TITLES[dimension]),
        definition=_(DEFINITION) + " " + _("Restricted awards are not counted here."),
        columns=(Column("label", str(DIMENSION_TITLES[dimension]), "text"), *SHARE_COLUMNS),
        rows=rows,
        as_of=_as_of(cells),
        demo=any(c.is_demo for c in cells),
    )


USAGE_COLUMNS = (
    Column("label", gettext_lazy("Quarter served"), "text"),
    Column("contracts_in_force", gettext_lazy("Contracts in force"), "count"),
    Column("contracts_reported", gettext_lazy("Contracts that reported"), "count"),
    Column("contracts_not_reported", gettext_lazy("Contracts that have not reported"), "count"),
    Column(
        "projected_requests", gettext_lazy("Requests projected (contracts that reported)"), "count"
    ),
    Column("actual_requests", gettext_lazy("Requests reported"), "count"),
    Column(
        "actual_pct_of_projected",
        # xgettext:no-python-format
        gettext_lazy("Reported as % of projected"),
        "pct",
    ),
    Column("actual_tokens", gettext_lazy("Tokens reported"), "count"),
    Column("invoiced_inr", gettext_lazy("Rupees invoiced"), "inr"),
)


def usage(today: dt.date | None = None) -> Figure:
    today = today or timezone.localdate()
    current = quarter_of(today)
    cells = list(UsageCell.objects.order_by("quarter"))
    rows = []
    for cell in cells:
        row: dict[str, Any] = {"quarter": cell.quarter, "label": quarter_label(cell.quarter)}
        if cell.departments_in_force < MIN_DEPARTMENTS:
            row |= {c.key: None for c in USAGE_COLUMNS[1:]} | {"suppressed": True}
        else:
            ended = cell.quarter < current
            row |= {
                "contracts_in_force": cell.contracts_in_force,
                "contracts_reported": cell.contracts_reported,
                "contracts_not_reported": (
                    cell.contracts_in_force - cell.contracts_reported if ended else None
                ),
                "suppressed": False,
            }
            if cell.departments < MIN_DEPARTMENTS:
                hidden = [c.key for c in USAGE_COLUMNS[4:]]
                row |= dict.fromkeys(hidden) | {"suppressed_columns": hidden}
            else:
                row |= {
                    "projected_requests": cell.projected_requests,
                    "actual_requests": cell.actual_requests,
                    "actual_pct_of_projected": _pct(cell.actual_requests, cell.projected_requests),
                    "actual_tokens": cell.actual_tokens,
                    "invoiced_inr": cell.invoiced_inr,
                }
        rows.append(row)
    return Figure(
        name="usage",
        title=_("Projected and actual use, by quarter served"),
        definition=str(USAGE_DEFINITION),
        columns=USAGE_COLUMNS,
        rows=rows,
        as_of=_as_of(cells),
        demo=TransparencyCell.objects.filter(is_demo=True).exists(),
        notes=(
            _("The number of contracts that have not reported is given once a quarter has ended."),
        ),
    )


SCENARIO_COLUMNS = (
    Column("label", gettext_lazy("Where"), "text"),
    Column("awards", gettext_lazy("Awards since then"), "count"),
    Column("departments", gettext_lazy("Departments"), "count"),
    Column("domestic_pct", gettext_lazy("Domestic share as awarded (%)"), "pct"),
    Column("scenario_domestic_pct", gettext_lazy("Domestic share with the premium (%)"), "pct"),
    Column("awards_moved", gettext_lazy("Awards that would have moved"), "count"),
    Column("extra_inr", gettext_lazy("Extra rupees (nominal, over the contracts)"), "inr"),
)


def scenario(since: str, premium_pct: int) -> Figure:
    """Had every award decided since the quarter ``since`` applied a transition premium of
    ``premium_pct`` %: nationally and by sector."""
    if parse_quarter(since) is None or not 0 <= premium_pct <= PREMIUM_MAX:
        raise ValueError("since or premium out of range")
    rows = []
    for dimension, keys in ((NATIONAL, [""]), ("sector", _scenario_keys())):
        for key in keys:
            rows.append(_scenario_row(dimension, key, since, premium_pct))
    cells = list(TransparencyCell.objects.filter(dimension__in=SCENARIO_DIMENSIONS))
    return Figure(
        name="scenario",
        title=_("If every award since %(quarter)s had applied a transition premium of %(pct)s %%")
        % {"quarter": quarter_label(since), "pct": premium_pct},
        definition=_(SCENARIO_DEFINITION),
        columns=SCENARIO_COLUMNS,
        rows=rows,
        as_of=_as_of(cells),
        demo=any(c.is_demo for c in cells),
    )


def _scenario_keys() -> list[str]:
    return sorted(
        TransparencyCell.objects.filter(dimension="sector", quarter="").values_list(
            "key", flat=True
        )
    )


def _scenario_row(dimension: str, key: str, since: str, premium_pct: int) -> dict[str, Any]:
    label = _("India") if dimension == NATIONAL else _key_label(dimension, key)
    cells = list(
        TransparencyCell.objects.filter(dimension=dimension, key=key, quarter__gte=since)
        .exclude(quarter="")
        .order_by("quarter")
    )
    departments = cells[0].departments_since if cells else 0
    row: dict[str, Any] = {"key": key, "label": label}
    if departments < MIN_DEPARTMENTS:
        return row | {c.key: None for c in SCENARIO_COLUMNS[1:]} | {"suppressed": True}
    running = _Running()
    for cell in cells:
        running.add(cell)
    moved = ScenarioCell.objects.filter(
        dimension=dimension, key=key, quarter__gte=since, premium_pct__lte=premium_pct
    ).aggregate(awards=Sum("awards"), inferences=Sum("inferences"), extra=Sum("extra_inr"))
    total = _total(running.cell)
    return row | {
        "awards": running.cell.awards,
        "departments": departments,
        "domestic_pct": _pct(running.cell.domestic_inferences, total),
        "scenario_domestic_pct": _pct(
            running.cell.domestic_inferences + (moved["inferences"] or 0), total
        ),
        "awards_moved": moved["awards"] or 0,
        "extra_inr": Decimal(moved["extra"] or 0).quantize(Decimal("0.01")),
        "suppressed": False,
    }


FIGURES = ("trend", "spending", "by-sector", "by-use-case", "by-buyer-type", "by-ministry", "usage")


def figure(name: str) -> Figure:
    """A figure by the name its download URL uses (``scenario`` takes arguments: see
    :func:`scenario`)."""
    if name == "trend":
        return trend()
    if name == "spending":
        return spending()
    if name == "usage":
        return usage()
    for dimension, figure_name in FIGURE_OF_DIMENSION.items():
        if name == figure_name:
            return by(dimension)
    raise KeyError(name)


# The headline and one award's effect ---------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The national share now (None when suppressed or no award yet) and the target."""

    share_pct: Decimal | None
    awards: int
    departments: int
    target: ShareTarget | None
    as_of: dt.datetime | None
    demo: bool


def headline() -> Headline:
    cell = TransparencyCell.objects.filter(dimension=NATIONAL, key="", quarter="").first()
    target = ShareTarget.objects.first()
    if cell is None:
        return Headline(None, 0, 0, target, None, False)
    shown = cell.departments >= MIN_DEPARTMENTS
    return Headline(
        share_pct=_pct(cell.domestic_inferences, _total(cell)) if shown else None,
        awards=cell.awards if shown else 0,
        departments=cell.departments,
        target=target,
        as_of=cell.refreshed_at,
        demo=cell.is_demo or bool(target and target.is_demo),
    )


@dataclass(frozen=True)
class AwardEffect:
    """What one award does to the national share: from ``before_pct`` to ``after_pct`` (both
    None when the national figures are suppressed or there are none yet). ``counted``: the
    award is approved and the national figures already count it, so it *moved* the share
    (``before_pct`` is the share without it); else it *would move* it. ``as_of``: when the
    national figures used were computed (None when there are none yet)."""

    before_pct: Decimal | None
    after_pct: Decimal | None
    inferences: int
    hosting: str
    counted: bool
    as_of: dt.datetime | None


def _national_cell() -> TransparencyCell | None:
    return TransparencyCell.objects.filter(dimension=NATIONAL, key="", quarter="").first()


def award_effect(
    result: ComparisonResult, offer_id: str, *, fact: AwardFact | None = None
) -> AwardEffect | None:
    """The national share before and with this comparison's award of ``offer_id`` (its
    projected inferences over the contract added where it runs). ``fact``: the award's fact,
    when it is approved; if the national figures were refreshed since it was recorded they
    count it already, and its inferences are taken out for the share before it instead of
    added twice. None for an offer that is not eligible or not priced."""
    return _effect(result, offer_id, fact, _national_cell())


def _effect(
    result: ComparisonResult,
    offer_id: str,
    fact: AwardFact | None,
    cell: TransparencyCell | None,
) -> AwardEffect | None:
    try:
        offer = result.offer(offer_id)
    except KeyError:
        return None
    if offer.tco is None or not offer.eligible:
        return None
    domestic = cell.domestic_inferences if cell else 0
    total = _total(cell) if cell else 0
    counted = cell is not None and fact is not None and fact.created_at <= cell.refreshed_at
    added = fact.inferences if fact is not None else offer.tco.total_requests
    own = added if offer.hosting == "domestic_operator" else 0
    if counted:
        before, after = (domestic - own, total - added), (domestic, total)
    else:
        before, after = (domestic, total), (domestic + own, total + added)
    shown = cell is not None and cell.departments >= MIN_DEPARTMENTS
    return AwardEffect(
        before_pct=_pct(*before) if shown else None,
        after_pct=_pct(*after) if shown else None,
        inferences=added,
        hosting=offer.hosting,
        counted=counted,
        as_of=cell.refreshed_at if cell else None,
    )


@dataclass(frozen=True)
class EffectLine:
    """One award's effect as a comparison page or file note states it: the recommended
    offer's, or the live decision's (``role`` "proposed" or "approved")."""

    role: str
    offer_name: str
    effect: AwardEffect


def comparison_effects(result: ComparisonResult, decision: Decision | None) -> list[EffectLine]:
    """The effect of the live decision's award (``decision``: proposed or approved, None when
    there is none) and, unless it is approved or awards the recommended offer itself, of the
    recommended award; one read of the national figures."""
    cell = _national_cell()
    lines = []
    if decision is not None:
        fact = getattr(decision, "award_fact", None) if decision.status == "approved" else None
        effect = _effect(result, decision.offer_id, fact, cell)
        if effect is not None:
            lines.append(EffectLine(decision.status, decision.offer_name, effect))
    recommended = result.recommendation.award.offer_id
    shadowed = decision is not None and (
        decision.status == "approved" or decision.offer_id == recommended
    )
    if recommended and not shadowed:
        effect = _effect(result, recommended, None, cell)
        if effect is not None:
            lines.insert(0, EffectLine("recommended", result.offer(recommended).name, effect))
    return lines
