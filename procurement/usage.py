"""What awarded contracts actually served: the contract's quarters, the department's reports
for each (the latest counts; earlier ones were corrected), the quarters not reported, and the
CSV file departments upload them in (its template, and reading it into rows).

Reads and file formats only: the rules a report must meet and its storage are
``services.usage_report`` and ``services.usage_upload``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrPromise

from procurement import national, selectors
from procurement.engine.numbers import format_count
from procurement.models import AwardFact, Decision, UsageReport
from procurement.selectors import User

# The upload's limits: a department's quarterly file is a few hundred rows.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
COLUMNS = ("award", "quarter", "requests", "input_tokens", "output_tokens", "invoiced_inr", "note")
REQUIRED = COLUMNS[:-1]
# For people reading the file; ignored when it is uploaded.
REFERENCE = "contract"
# What an empty cell of each required column is told.
EMPTY_CELL: dict[str, StrPromise] = {
    "award": gettext_lazy("empty: write the award's number."),
    "quarter": gettext_lazy("empty: write the quarter, e.g. 2026-Q3."),
    "requests": gettext_lazy("empty: write the number of requests (0 if none)."),
    "input_tokens": gettext_lazy("empty: write the number of input tokens (0 if none)."),
    "output_tokens": gettext_lazy("empty: write the number of output tokens (0 if none)."),
    "invoiced_inr": gettext_lazy("empty: write the rupees invoiced (0 if none)."),
}
# Plain digits, or digits grouped the Indian way (2,00,000) or in thousands (200,000).
GROUPED = re.compile(r"\d+|\d{1,2}(,\d{2})*,\d{3}|\d{1,3}(,\d{3})+")


# The contract --------------------------------------------------------------------------------


def contract_period(decision: Decision) -> tuple[dt.date, dt.date]:
    """The first day of an award's contract and the first day after it: from its award fact,
    or, until the summary has recorded that, from its comparison's stored workload."""
    try:
        fact = decision.award_fact
    except AwardFact.DoesNotExist:
        workload = selectors.comparison_inputs(decision.comparison).workload
        return workload.start_date, national.add_years(workload.start_date, workload.term_years)
    return fact.contract_start, fact.contract_end


def in_contract(quarter: str, start: dt.date, end: dt.date) -> bool:
    """Whether any day of ``quarter`` falls within the contract."""
    q_start, q_end = national.quarter_bounds(quarter)
    return q_start < end and q_end > start


def started_quarters(start: dt.date, end: dt.date, today: dt.date) -> list[str]:
    """The contract's quarters that have begun, oldest first."""
    last = min(end - dt.timedelta(days=1), today)
    return national.quarters_between(start, last) if start <= last else []


# The department's awards and their reports -------------------------------------------------------


@dataclass(frozen=True)
class QuarterUsage:
    quarter: str
    label: str
    ended: bool
    report: UsageReport | None  # the latest report, if any
    corrected: int  # how many earlier reports it replaced

    @property
    def not_reported(self) -> bool:
        return self.report is None and self.ended


@dataclass(frozen=True)
class AwardUsage:
    decision: Decision
    start: dt.date
    end: dt.date  # the first day after the contract
    quarters: list[QuarterUsage] = field(default_factory=list)  # newest first

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def not_reported(self) -> list[QuarterUsage]:
        return [q for q in self.quarters if q.not_reported]


def award_usage(
    awards: Iterable[Decision], reports: Iterable[UsageReport], today: dt.date
) -> list[AwardUsage]:
    by_quarter: dict[tuple[int, str], list[UsageReport]] = {}
    for report in reports:
        by_quarter.setdefault((report.decision_id, report.quarter), []).append(report)
    current = national.quarter_of(today)
    arranged = []
    for decision in awards:
        start, end = contract_period(decision)
        quarters = []
        for quarter in reversed(started_quarters(start, end, today)):
            history = by_quarter.get((decision.pk, quarter), [])
            quarters.append(
                QuarterUsage(
                    quarter=quarter,
                    label=national.quarter_label(quarter),
                    ended=quarter < current,
                    report=history[-1] if history else None,
                    corrected=max(len(history) - 1, 0),
                )
            )
        arranged.append(AwardUsage(decision, start, end, quarters))
    return arranged


def department_awards(user: User, today: dt.date | None = None) -> list[AwardUsage]:
    """The user's department's awards, newest first, each with the quarters of its contract
    that have begun and what was reported for each (two queries)."""
    awards = list(selectors.award_list(user))
    reports = selectors.usage_reports_of(a.pk for a in awards)
    return award_usage(awards, reports, today or timezone.localdate())


# The CSV file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageRow:
    """One row of an upload, typed; ``row`` is its number as a spreadsheet shows it (the
    header is row 1)."""

    row: int
    award: int
    quarter: str
    requests: int
    input_tokens: int
    output_tokens: int
    invoiced_inr: Decimal
    note: str = ""


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def template_csv(awards: Sequence[AwardUsage]) -> bytes:
    """The upload's template: a header row, then a row for each quarter not yet reported of
    each award (ended, or the current one of a contract in force), the figures left blank.
    UTF-8 with a byte-order mark, so spreadsheets open it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*COLUMNS, REFERENCE])
    for award in awards:
        name = _("%(offer)s for “%(workload)s”") % {
            "offer": award.decision.offer_name,
            "workload": award.decision.comparison.workload.title,
        }
        for quarter in reversed(award.quarters):
            if quarter.report is None:
                writer.writerow([award.decision.pk, quarter.quarter, "", "", "", "", "", name])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _whole(text: str) -> int | str:
    """A whole number, grouped or not; or why the text is not one."""
    sign, digits = ("-", text[1:].strip()) if text.startswith("-") else ("", text)
    if not GROUPED.fullmatch(digits):
        return _(
            "“%(text)s” is not a whole number: write digits only, e.g. 200000 or 2,00,000."
        ) % {"text": text}
    return int(sign + digits.replace(",", ""))


def _rupees(text: str) -> Decimal | str:
    """An amount in rupees, grouped or not, with a ₹ sign or not; or why the text is not one."""
    amount = text.removeprefix("₹").strip()
    sign, amount = ("-", amount[1:].strip()) if amount.startswith("-") else ("", amount)
    whole, _point, paise = amount.partition(".")
    if not GROUPED.fullmatch(whole) or (paise and not paise.isdigit()):
        return _(
            "“%(text)s” is not an amount in rupees: write it like 1,25,000.50 or 125000.50."
        ) % {"text": text}
    return Decimal(sign + whole.replace(",", "") + (f".{paise}" if paise else ""))


def _header(number: int, names: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    columns = {name.strip().lower(): index for index, name in enumerate(names)}
    problems = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(
            RowProblem(
                number,
                ", ".join(missing),
                ngettext(
                    "the header row lacks the column %(columns)s: the first row names the "
                    "columns, as the template's does.",
                    "the header row lacks the columns %(columns)s: the first row names the "
                    "columns, as the template's does.",
                    len(missing),
                )
                % {"columns": ", ".join(missing)},
            )
        )
    unknown = [n for n in columns if n and n not in COLUMNS and n != REFERENCE]
    if unknown:
        problems.append(
            RowProblem(
                number,
                ", ".join(unknown),
                _(
                    "the header row names unknown columns (%(unknown)s): the columns are "
                    "%(columns)s (and %(reference)s, which is ignored)."
                )
                % {
                    "unknown": ", ".join(unknown),
                    "columns": ", ".join(COLUMNS),
                    "reference": REFERENCE,
                },
            )
        )
    return columns, problems


def parse_csv(data: bytes) -> tuple[list[UsageRow], list[RowProblem]]:
    """The rows of an uploaded file that read as numbers and quarters, and the problems of
    those that do not (by row and column). The rules a row must meet beyond its form (its award,
    its quarter's dates, …) are the services' to check."""
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [
            RowProblem(
                0,
                "",
                _(
                    "The file is larger than %(size)s MB: split it into files of at most "
                    "%(rows)s rows."
                )
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024), "rows": format_count(MAX_ROWS)},
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            RowProblem(
                0,
                "",
                _("The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”."),
            )
        ]
    try:
        # Numbered as a spreadsheet numbers its rows; blank rows are skipped, not renumbered.
        lines = [
            (number, line)
            for number, line in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in line)
        ]
    except csv.Error as error:
        return [], [
            RowProblem(
                0, "", _("The file is not a readable CSV file (%(error)s).") % {"error": error}
            )
        ]
    if not lines:
        return [], [RowProblem(0, "", _("The file is empty: start from the template."))]
    if len(lines) - 1 > MAX_ROWS:
        return [], [
            RowProblem(
                0,
                "",
                _(
                    "The file has %(rows)s rows; at most %(most)s are taken at once: split it "
                    "into several files."
                )
                % {"rows": format_count(len(lines) - 1), "most": format_count(MAX_ROWS)},
            )
        ]
    columns, problems = _header(*lines[0])
    if problems:
        return [], problems
    if len(lines) == 1:
        return [], [RowProblem(0, "", _("The file has a header row but no rows of usage."))]
    rows = []
    for number, line in lines[1:]:
        values: dict[str, object] = {}
        row_problems = []
        for column in COLUMNS:
            index = columns.get(column)
            cell = line[index].strip() if index is not None and index < len(line) else ""
            if column == "note":
                values[column] = cell
            elif not cell:
                row_problems.append(RowProblem(number, column, str(EMPTY_CELL[column])))
            elif column == "quarter":
                values[column] = cell.upper()
            else:
                parsed = _rupees(cell) if column == "invoiced_inr" else _whole(cell)
                if isinstance(parsed, str):
                    row_problems.append(RowProblem(number, column, parsed))
                else:
                    values[column] = parsed
        if row_problems:
            problems += row_problems
            continue
        rows.append(
            UsageRow(
                row=number,
                award=int(str(values["award"])),
                quarter=str(values["quarter"]),
                requests=int(str(values["requests"])),
                input_tokens=int(str(values["input_tokens"])),
                output_tokens=int(str(values["output_tokens"])),
                invoiced_inr=Decimal(str(values["invoiced_inr"])),
                note=str(values["note"]),
            )
        )
    return rows, problems
