"""Recomputing an evaluation's score, and its 95 % interval, from the per-item results.

An evaluator states a score and uploads the result of every item behind it, as JSON Lines: one
object a line, ``{"id": "q-17", "score": 1}``, the score from 0 to 1, other keys ignored. As the
HELM benchmarks publish per-instance results so anyone can reproduce a headline number, the
product recomputes the score from the items rather than trusting it, and refuses a stated score
that disagrees (:func:`score_agrees`).

With n items of scores x_i (mean p̂) and z = 1.96 (95 %):

- score = 100 · p̂;
- when every item is 0 or 1 (right or wrong), the Wilson score interval (E. B. Wilson, "Probable
  inference, the law of succession, and statistical inference", JASA 22, 1927):

      (p̂ + z²/2n ± z · √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)

  which stays inside 0..1 and keeps its coverage near 0 and 1, where the normal approximation
  does not;
- otherwise (partial credit) the normal approximation to the mean: p̂ ± z · s/√n, with s the
  sample standard deviation √(Σ(x_i − p̂)²/(n − 1)).

Arithmetic is in Decimal, in the engine's 50-digit context (square roots included); the score
and both bounds are then multiplied by 100, clipped to 0..100 and rounded half-even to 0.01,
once. Half-even, not the engine's half-up for reported ratios, as asked for this recomputation: an
exact tie such as 80.125 then rounds to 80.12, as Python's ``round`` rounds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from procurement.engine.i18n import _, ngettext
from procurement.engine.numbers import (
    HUNDRED,
    HUNDREDTH,
    ONE,
    ZERO,
    engine_precision,
    format_count,
)

MIN_ITEMS = 30
MAX_ITEMS = 200_000

MAX_ID_CHARACTERS = 200
Z_95 = Decimal("1.96")


class ItemScoresRefused(ValueError):
    """Why per-item results are refused, naming the line (str(e))."""

    line: int | None

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(
            message
            if line is None
            else _("line {line}: {message}").format(line=line, message=message)
        )
        self.line = line


@dataclass(frozen=True, slots=True)
class ItemScores:
    count: int
    score: Decimal  # 100 × the mean item score, rounded half-even to 2 decimal places
    ci_low: Decimal  # 95 % confidence interval, 2 dp, clipped to 0..100
    ci_high: Decimal
    method: str  # "wilson" when every item score is 0 or 1, else "normal"


@engine_precision
def item_scores(data: bytes) -> ItemScores:
    """The score and 95 % interval the per-item results in ``data`` (JSON Lines) give."""
    scores = _read_scores(data)
    n = Decimal(len(scores))
    mean = sum(scores, ZERO) / n
    if all(x in (ZERO, ONE) for x in scores):
        method = "wilson"
        z2 = Z_95 * Z_95
        centre = mean + z2 / (2 * n)
        half = Z_95 * (mean * (ONE - mean) / n + z2 / (4 * n * n)).sqrt()
        low, high = (centre - half) / (ONE + z2 / n), (centre + half) / (ONE + z2 / n)
    else:
        method = "normal"
        variance = sum(((x - mean) ** 2 for x in scores), ZERO) / (n - ONE)
        half = Z_95 * (variance / n).sqrt()
        low, high = mean - half, mean + half
    return ItemScores(
        count=len(scores),
        score=_percent(mean),
        ci_low=_percent(low),
        ci_high=_percent(high),
        method=method,
    )


@engine_precision
def score_agrees(stated: Decimal, computed: ItemScores) -> bool:
    """True when the stated score equals the recomputed one at two decimal places."""
    if not stated.is_finite() or not -ONE <= stated <= HUNDRED + ONE:
        return False  # no rounding brings it to 0..100, and quantizing it could overflow
    return stated.quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN) == computed.score


def _percent(fraction: Decimal) -> Decimal:
    """A fraction of 1 as a percentage: clipped to 0..100, then rounded half-even to 0.01."""
    clipped = min(max(fraction * HUNDRED, ZERO), HUNDRED)
    return clipped.quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN)


def _read_scores(data: bytes) -> list[Decimal | int]:
    """Every item's score, in file order; refuses the results at their first problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = data[: exc.start].count(b"\n") + 1
        raise ItemScoresRefused(_("not UTF-8 text: save the results as UTF-8"), where) from None
    scores: list[Decimal | int] = []
    first_line: dict[str, int] = {}
    # Lines end at "\n" only: str.splitlines would also split at U+2028, which a JSON string may
    # hold as it is.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        item = _item(line, number)
        if "id" not in item:
            raise ItemScoresRefused(_('"id" is missing'), number)
        item_id = item["id"]
        if not isinstance(item_id, str) or not item_id.strip():
            raise ItemScoresRefused(_('"id" must be a non-empty string'), number)
        if len(item_id) > MAX_ID_CHARACTERS:
            raise ItemScoresRefused(
                ngettext(
                    '"id" must be {limit} characters at most, not {length}',
                    '"id" must be {limit} characters at most, not {length}',
                    MAX_ID_CHARACTERS,
                ).format(limit=MAX_ID_CHARACTERS, length=len(item_id)),
                number,
            )
        if item_id in first_line:
            raise ItemScoresRefused(
                _('the id "{id}" is already on line {line}').format(
                    id=_shown(item_id), line=first_line[item_id]
                ),
                number,
            )
        first_line[item_id] = number
        if "score" not in item:
            raise ItemScoresRefused(_('"score" is missing'), number)
        score = item["score"]
        if isinstance(score, bool) or not isinstance(score, int | Decimal) or not 0 <= score <= 1:
            raise ItemScoresRefused(
                _("score must be a number from 0 to 1, not {value}").format(
                    value=_shown_value(score)
                ),
                number,
            )
        if len(scores) == MAX_ITEMS:
            raise ItemScoresRefused(
                ngettext(
                    "{limit} items at most are accepted: this is item {item}",
                    "{limit} items at most are accepted: this is item {item}",
                    MAX_ITEMS,
                ).format(limit=format_count(MAX_ITEMS), item=format_count(MAX_ITEMS + 1)),
                number,
            )
        scores.append(score)
    if len(scores) < MIN_ITEMS:
        raise ItemScoresRefused(
            ngettext(
                "{minimum} items at least are needed to recompute a score: the results have "
                "{count}.",
                "{minimum} items at least are needed to recompute a score: the results have "
                "{count}.",
                MIN_ITEMS,
            ).format(minimum=MIN_ITEMS, count=len(scores))
        )
    return scores


def _no_constant(constant: str) -> Any:
    raise ValueError(_("{constant} is not a JSON number").format(constant=constant))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise ValueError(_('the key "{key}" appears twice').format(key=_shown(key)))
        seen.add(key)
    return dict(pairs)


# One decoder for every line (json.loads with options would build one a line): numbers with a
# fraction or an exponent as Decimal, never float; NaN and Infinity refused; no key twice.
_DECODER = json.JSONDecoder(
    parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys
)


def _item(line: str, number: int) -> dict[str, Any]:
    """One line's JSON object."""
    try:
        item = _DECODER.decode(line)
    except RecursionError:
        raise ItemScoresRefused(_("arrays and objects nest too deeply"), number) from None
    except json.JSONDecodeError as exc:
        # The parser's own words (exc.msg) are Python's, in English.
        raise ItemScoresRefused(
            _("not valid JSON: {problem} at column {column}").format(
                problem=exc.msg, column=exc.colno
            ),
            number,
        ) from None
    except ValueError as exc:  # a key twice, NaN or Infinity, an integer of over 4 300 digits
        raise ItemScoresRefused(
            _("not valid JSON: {problem}").format(problem=exc), number
        ) from None
    if not isinstance(item, dict):
        raise ItemScoresRefused(
            _('each line must be a JSON object such as {"id": "q-1", "score": 1}'), number
        )
    return item


def _shown(text: str) -> str:
    """``text`` short enough for a message: 40 characters at most."""
    return text if len(text) <= 40 else f"{text[:39]}…"


def _shown_value(value: Any) -> str:
    """A JSON value as the file wrote it, short enough for a message."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return _shown(str(value))
    return _shown(json.dumps(value, default=str, ensure_ascii=False))
