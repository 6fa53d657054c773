"""A union of dataclasses is told apart by its ``kind``: a ``kind`` that is not text (a list, an
object) is a message on the field, not a TypeError from looking it up."""

from __future__ import annotations

from typing import Any

import pytest

from procurement.engine.errors import EngineValidationError
from procurement.engine.loading import load_policy, policy_to_dict
from tests.engine.builders import INDIA


@pytest.mark.parametrize("kind", [[], {}, ["mii_match_l1"], 3, None])
def test_a_preference_kind_that_is_not_text_is_a_message(kind: Any) -> None:
    document = policy_to_dict(INDIA)
    preferences = document["preferences"]
    assert isinstance(preferences, list) and isinstance(preferences[0], dict)
    preferences[0]["kind"] = kind
    with pytest.raises(EngineValidationError) as raised:
        load_policy(document)
    assert raised.value.as_pairs() == [
        (
            "policy.preferences[0].kind",
            "must be one of: mii_match_l1, mse_match_l1, price_evaluation_factor, tie_band, "
            "transition_premium",
        )
    ]
