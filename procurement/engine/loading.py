"""Loading engine inputs from JSON-like data, with messages that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procurement.engine.codec import JsonValue, parse_as, to_jsonable
from procurement.engine.errors import raise_if
from procurement.engine.inputs import Workload
from procurement.engine.policy import Policy
from procurement.engine.validation import validate_policy, validate_workload


def load_policy(data: Mapping[str, Any]) -> Policy:
    """A policy pack from its JSON document; raises :class:`EngineValidationError` listing every
    problem (``policy.evaluation.qcbs.technical_weight_pct: must not exceed 80 …``)."""
    policy = parse_as(Policy, data, "policy")
    raise_if(validate_policy(policy))
    return policy


def policy_to_dict(policy: Policy) -> dict[str, JsonValue]:
    """The JSON document of a policy pack (Decimals as strings), for storing and diffing."""
    document = to_jsonable(policy, normalise=True)
    assert isinstance(document, dict)
    return document


def load_workload(data: Mapping[str, Any]) -> Workload:
    """A workload from JSON-like data, parsed and validated."""
    workload = parse_as(Workload, data, "workload")
    raise_if(validate_workload(workload))
    return workload
