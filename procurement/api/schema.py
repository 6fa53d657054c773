"""Post-processing of the OpenAPI schema: the officer's workflow as OpenAPI links (a workload's
id → run a comparison → propose → approve), which clients and schemathesis's stateful tests
follow; and the language codes this instance knows, as the enum of every field and filter that
takes one."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

from config.dates import DAY_2000S
from providers.models import Language, Offering


def _link(operation: str, description: str, **fields: Any) -> dict[str, Any]:
    return {"operationId": operation, "description": description, **fields}


BY_ID = {"id": "$response.body#/id"}
WORKFLOW_LINKS = {
    ("/api/v1/workloads/", "post", "201"): {
        "GetWorkload": _link("workloads_retrieve", "The workload saved.", parameters=BY_ID),
        "RunComparison": _link(
            "comparisons_create",
            "Compare the catalogue for it.",
            requestBody={"workload": "$response.body#/id"},
        ),
        "ArchiveWorkload": _link("workloads_archive", "Archive it.", parameters=BY_ID),
    },
    ("/api/v1/comparisons/", "post", "201"): {
        "GetComparison": _link("comparisons_retrieve", "The comparison.", parameters=BY_ID),
        "GetSnapshot": _link("comparisons_snapshot", "Its snapshot.", parameters=BY_ID),
        "ProposeRecommendation": _link(
            "decisions_create",
            "Propose the recommended offer.",
            requestBody={
                "comparison": "$response.body#/id",
                "offer_id": "$response.body#/recommended_offer_id",
            },
        ),
    },
    ("/api/v1/decisions/", "post", "201"): {
        "GetDecision": _link("decisions_retrieve", "The proposal.", parameters=BY_ID),
        "Approve": _link("decisions_approve", "An approver approves it.", parameters=BY_ID),
        "Return": _link("decisions_return", "An approver returns it.", parameters=BY_ID),
    },
}


def add_workflow_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the OpenAPI links of the officer's workflow."""
    for (path, method, code), links in WORKFLOW_LINKS.items():
        result["paths"][path][method]["responses"][code]["links"] = links
    return result


LANGUAGE_FIELDS = ("WorkloadRequest", "PatchedWorkloadRequest")  # a workload's request bodies
LANGUAGE_FILTERS = ("/api/v1/providers/", "/api/v1/offerings/")


def add_known_languages(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the languages of the catalogue as the enum of
    ``languages`` (workloads) and ``?language=`` (catalogue), which refuse any other code; the
    catalogue's offer ids as the enum of ``match_declines``.

    Without a database (``manage.py spectacular`` on a build machine) the ISO 639-1 pattern
    stands alone; the schema a running instance serves lists its languages.
    """
    try:
        codes = sorted(Language.objects.values_list("code", flat=True))
        offer_ids = sorted(Offering.objects.values_list("slug", flat=True))
    except DatabaseError:
        return result
    schemas = result["components"]["schemas"]
    if offer_ids:
        # An offer the catalogue does not hold cannot decline an invitation.
        declines = schemas["ComparisonCreateRequest"]["properties"]["match_declines"]
        declines["items"]["enum"] = offer_ids
    if not codes:
        return result
    for name in LANGUAGE_FIELDS:
        schemas[name]["properties"]["languages"]["items"]["enum"] = codes
    for path in LANGUAGE_FILTERS:
        for parameter in result["paths"][path]["get"]["parameters"]:
            if parameter["name"] == "language":
                parameter["schema"]["enum"] = codes
    return result


BELOW_ONE = r"^0(?:\.\d+)?$"  # a decimal string under 1 (patterns as RangedDecimalField writes)
# Something besides spaces: Python strips \x1c-\x1f and \x85 as spaces; ECMA's \s does not.
NON_BLANK = r"[^\s\u001c-\u001f\u0085]"
NON_BLANK_TEXT = {
    "TenderCreateRequest": ("reference", "title", "benchmark_description", "benchmark_rubric"),
    "BidRecordRequest": ("bidder_name", "local_content_location"),
}


def add_workload_rules(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the engine's rules a field's own schema cannot
    state, as JSON Schema: input or output tokens at least 1 a request (not both under 1), no
    language, data classification or declining offer listed twice, and a title with something
    besides spaces (the API trims them, and an empty title is refused)."""
    both_below_one = {
        "type": "object",
        "properties": {
            "mean_input_tokens": {"type": "string", "pattern": BELOW_ONE},
            "mean_output_tokens": {"type": "string", "pattern": BELOW_ONE},
        },
        "required": ["mean_input_tokens", "mean_output_tokens"],
    }
    schemas = result["components"]["schemas"]
    for name in LANGUAGE_FIELDS:
        schemas[name]["not"] = both_below_one
        for field in ("languages", "data_classification"):
            schemas[name]["properties"][field]["uniqueItems"] = True
        schemas[name]["properties"]["title"]["pattern"] = NON_BLANK
    schemas["ComparisonCreateRequest"]["properties"]["match_declines"]["uniqueItems"] = True
    schemas["ComparisonCreateRequest"]["properties"]["decision_date"]["pattern"] = DAY_2000S.pattern
    # Text a person must write: something besides spaces (the API trims them).
    for name, fields in NON_BLANK_TEXT.items():
        for field in fields:
            schemas[name]["properties"][field]["pattern"] = NON_BLANK
    return result


def add_usage_rules(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: a usage report's rule its fields' schemas cannot
    state, as JSON Schema: tokens are reported with requests (no tokens when requests are 0)."""
    tokens_without_requests = {
        "type": "object",
        "properties": {"requests": {"type": "integer", "maximum": 0}},
        "required": ["requests"],
        "anyOf": [
            {"properties": {name: {"type": "integer", "minimum": 1}}, "required": [name]}
            for name in ("input_tokens", "output_tokens")
        ],
    }
    result["components"]["schemas"]["UsageReportCreateRequest"]["not"] = tokens_without_requests
    return result
