"""Per-item results (engine.itemscores): the score and its 95 % interval recomputed by hand-checked
formulas, and every way a results file is refused, naming its line."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from procurement.engine import itemscores
from procurement.engine.itemscores import (
    MAX_ITEMS,
    MIN_ITEMS,
    ItemScores,
    ItemScoresRefused,
    item_scores,
    score_agrees,
)

D = Decimal


def jsonl(scores: list[str], first: int = 0) -> bytes:
    """JSON Lines with one item a score, the score written as given (``"1"``, ``"0.75"``), the
    items numbered from ``first``."""
    lines = (f'{{"id": "q-{i}", "score": {s}}}\n' for i, s in enumerate(scores, start=first))
    return "".join(lines).encode()


def refused(data: bytes) -> ItemScoresRefused:
    with pytest.raises(ItemScoresRefused) as exc:
        item_scores(data)
    return exc.value


THIRTY = jsonl(["1"] * MIN_ITEMS)  # enough good lines to put a bad one after


# Recomputed scores -----------------------------------------------------------------------------


def test_80_of_100_right_gives_80_and_the_wilson_interval() -> None:
    """By hand: n = 100, p̂ = 0.8, z = 1.96, z² = 3.8416, 1 + z²/n = 1.038416;

        centre = (0.8 + 3.8416/200) / 1.038416 = 0.819208 / 1.038416 = 0.7889016
        half   = 1.96 · √(0.8 · 0.2/100 + 3.8416/40 000) / 1.038416
               = 1.96 · √0.00169604 / 1.038416 = 1.96 · 0.0411830 / 1.038416 = 0.0777325

    so 0.7111690 to 0.8666341: 71.12 % to 86.66 %.
    """
    result = item_scores(jsonl(["1"] * 80 + ["0"] * 20))
    assert result == ItemScores(
        count=100, score=D("80.00"), ci_low=D("71.12"), ci_high=D("86.66"), method="wilson"
    )


def test_the_wilson_bounds_match_the_formula_to_many_digits() -> None:
    with localcontext() as ctx:
        ctx.prec = 40
        n, p, z = D(100), D("0.8"), D("1.96")
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt() / denominator
        assert str(100 * (centre - half))[:8] == "71.11690"
        assert str(100 * (centre + half))[:8] == "86.66340"


def test_all_wrong_and_all_right_keep_the_wilson_interval_inside_0_to_100() -> None:
    none = item_scores(jsonl(["0"] * 30))
    assert (none.score, none.ci_low, none.ci_high) == (D("0.00"), D("0.00"), D("11.35"))
    every = item_scores(jsonl(["1"] * 30))
    assert (every.score, every.ci_low, every.ci_high) == (D("100.00"), D("88.65"), D("100.00"))
    assert none.method == every.method == "wilson"


def test_scores_written_as_1_0_and_0_0_are_still_binary() -> None:
    assert item_scores(jsonl(["1.0"] * 20 + ["0.0"] * 10)).method == "wilson"


def test_partial_credit_uses_the_normal_approximation() -> None:
    """15 items at 0.25 and 15 at 0.75: mean 0.5; Σ(x − 0.5)² = 30 · 0.0625 = 1.875;
    s = √(1.875 / 29) = 0.2542738…; 1.96 · s / √30 = 0.0909907… → 40.90 to 59.10."""
    result = item_scores(jsonl(["0.25"] * 15 + ["0.75"] * 15))
    assert result == ItemScores(
        count=30, score=D("50.00"), ci_low=D("40.90"), ci_high=D("59.10"), method="normal"
    )


def test_the_normal_interval_of_an_uneven_sample() -> None:
    """40 items: 10 × 1, 10 × 0.9, 20 × 0.5 → mean 0.725; Σ(x − mean)² = 10 · 0.075625 +
    10 · 0.030625 + 20 · 0.050625 = 2.075; s = √(2.075 / 39) = 0.2306623…;
    1.96 · s / √40 = 0.0714830… → 65.35 to 79.65."""
    result = item_scores(jsonl(["1"] * 10 + ["0.9"] * 10 + ["0.5"] * 20))
    assert (result.score, result.ci_low, result.ci_high) == (D("72.50"), D("65.35"), D("79.65"))
    assert result.method == "normal"


def test_the_same_partial_score_everywhere_has_no_width() -> None:
    result = item_scores(jsonl(["0.5"] * 30))
    assert (result.score, result.ci_low, result.ci_high) == (D("50.00"), D("50.00"), D("50.00"))


def test_the_score_rounds_half_even() -> None:
    """800 items summing to 641: mean 0.80125, so 80.125 %, which rounds half-even to 80.12."""
    scores = ["1"] * 640 + ["0.5"] * 2 + ["0"] * 158
    assert item_scores(jsonl(scores)).score == D("80.12")


def test_scores_are_read_exactly_not_as_floats() -> None:
    """0.1 + 0.2 is 0.3 only in decimal: 30 items of 0.1 and 0.2 alternately make exactly 15 %."""
    assert item_scores(jsonl(["0.1", "0.2"] * 15)).score == D("15.00")


def test_other_keys_are_ignored() -> None:
    line = '{"id": "q-%d", "score": 1, "output": "नमस्ते", "latency_ms": 12.5}\n'
    data = "".join(line % i for i in range(30)).encode()
    assert item_scores(data).count == 30


def test_blank_lines_are_ignored() -> None:
    data = b"\n  \n" + jsonl(["1"] * 15).replace(b"\n", b"\n\n") + b"\t\r\n" + jsonl(["0"] * 15, 15)
    result = item_scores(data)
    assert (result.count, result.score) == (30, D("50.00"))


def test_a_byte_order_mark_and_windows_line_ends_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + jsonl(["1"] * 30).replace(b"\n", b"\r\n")
    assert item_scores(data).count == 30


def test_a_line_separator_inside_a_string_does_not_split_the_line() -> None:
    data = jsonl(["1"] * 29) + '{"id": "q\u2028x", "score": 0}\n'.encode()
    assert item_scores(data).count == 30


# Agreement -------------------------------------------------------------------------------------


def test_score_agrees_at_two_decimal_places() -> None:
    computed = item_scores(jsonl(["1"] * 80 + ["0"] * 20))
    assert score_agrees(D("80"), computed)
    assert score_agrees(D("80.00"), computed)
    assert score_agrees(D("80.004"), computed)
    assert not score_agrees(D("80.01"), computed)
    assert not score_agrees(D("79.99"), computed)
    assert not score_agrees(D("0.80"), computed)  # a fraction is not the percentage


@pytest.mark.parametrize("stated", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+999999", "-80"])
def test_score_agrees_is_false_for_a_stated_score_that_cannot_be_one(stated: str) -> None:
    assert not score_agrees(D(stated), item_scores(jsonl(["1"] * 30)))


# Refusals --------------------------------------------------------------------------------------


def test_results_that_are_not_utf8_are_refused_at_their_line() -> None:
    error = refused(THIRTY + b'{"id": "caf\xe9", "score": 1}\n')
    assert (error.line, str(error)) == (31, "line 31: not UTF-8 text: save the results as UTF-8")


@pytest.mark.parametrize(
    "line", ['["q-1", 1]', '"q-1"', "1", "null", '{"id": "q-1", "score": 1'], ids=str
)
def test_a_line_that_is_not_a_json_object_is_refused(line: str) -> None:
    error = refused(THIRTY + line.encode() + b"\n")
    assert error.line == 31
    assert str(error).startswith("line 31: ")
    assert "JSON object" in str(error) or "not valid JSON" in str(error)


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        ("1.5", "1.5"),
        ("-0.1", "-0.1"),
        ("2", "2"),
        ("true", "true"),
        ("false", "false"),
        ('"0.5"', '"0.5"'),
        ("null", "null"),
        ("[1]", "[1]"),
        ("1e3", "1E+3"),
    ],
)
def test_a_score_outside_0_to_1_or_not_a_number_is_refused(score: str, shown: str) -> None:
    error = refused(THIRTY + f'{{"id": "q-x", "score": {score}}}\n'.encode())
    assert str(error) == f"line 31: score must be a number from 0 to 1, not {shown}"
    assert error.line == 31


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(constant: str) -> None:
    error = refused(THIRTY + f'{{"id": "q-x", "score": {constant}}}\n'.encode())
    assert str(error) == f"line 31: not valid JSON: {constant} is not a JSON number"


def test_a_missing_score_is_refused() -> None:
    assert str(refused(THIRTY + b'{"id": "q-x"}\n')) == 'line 31: "score" is missing'


def test_a_missing_id_is_refused() -> None:
    assert str(refused(b'{"score": 1}\n' + THIRTY)) == 'line 1: "id" is missing'


@pytest.mark.parametrize("item_id", ['""', '"   "', "17", "null"])
def test_a_blank_id_or_one_that_is_not_a_string_is_refused(item_id: str) -> None:
    error = refused(THIRTY + f'{{"id": {item_id}, "score": 1}}\n'.encode())
    assert str(error) == 'line 31: "id" must be a non-empty string'


def test_an_id_over_200_characters_is_refused() -> None:
    error = refused(THIRTY + f'{{"id": "{"x" * 201}", "score": 1}}\n'.encode())
    assert str(error) == 'line 31: "id" must be 200 characters at most, not 201'
    assert item_scores(jsonl(["1"] * 29) + f'{{"id": "{"x" * 200}", "score": 1}}'.encode())


def test_a_duplicate_id_is_refused_naming_both_lines() -> None:
    error = refused(jsonl(["1"] * 20) + b'{"id": "q-7", "score": 0}\n' + jsonl(["1"] * 20, 20))
    assert (error.line, str(error)) == (21, 'line 21: the id "q-7" is already on line 8')


def test_a_key_twice_in_one_line_is_refused() -> None:
    error = refused(THIRTY + b'{"id": "q-x", "score": 1, "score": 0}\n')
    assert str(error) == 'line 31: not valid JSON: the key "score" appears twice'


def test_a_line_nested_beyond_the_parser_is_refused() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    error = refused(THIRTY + f'{{"id": "q-x", "score": 1, "x": {deep}}}\n'.encode())
    assert str(error) == "line 31: arrays and objects nest too deeply"


def test_fewer_than_30_items_are_refused() -> None:
    error = refused(jsonl(["1"] * 29))
    assert error.line is None
    assert str(error) == "30 items at least are needed to recompute a score: the results have 29."
    assert str(refused(b"\n\n")).endswith("the results have 0.")


def test_more_items_than_allowed_are_refused_at_the_first_one_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert MAX_ITEMS == 200_000
    monkeypatch.setattr(itemscores, "MAX_ITEMS", 40)  # the same rule, quicker to show
    error = refused(jsonl(["1"] * 41))
    assert (error.line, str(error)) == (
        41,
        "line 41: 40 items at most are accepted: this is item 41",
    )
    assert item_scores(jsonl(["1"] * 40)).count == 40


def test_the_limit_reads_in_indian_digits() -> None:
    error = refused(jsonl(["1"] * (MAX_ITEMS + 1)))
    assert str(error) == "line 200001: 2,00,000 items at most are accepted: this is item 2,00,001"
