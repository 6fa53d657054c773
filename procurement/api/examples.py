"""Example bodies for the OpenAPI schema (Swagger UI shows them; tests check each operation has
them). The workload's come from the table of the workload's fields, so they change with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from procurement import workload_fields

WORKLOAD_EXAMPLE = workload_fields.example()


def _response_value(row: workload_fields.Field) -> Any:
    """A field's example as the API writes it back (decimals to the places stored)."""
    value = row.spec.example if row.spec.example is not None else row.default
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1).scaleb(-row.spec.places)))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if value is None and row.kind == "choice":
        return ""
    return str(value) if row.kind == "text" else value


WORKLOAD_RESPONSE_EXAMPLE = {
    "id": 12,
    "url": "https://procure.example.gov.in/api/v1/workloads/12/",
    "status": "active",
    **{row.name: _response_value(row) for row in workload_fields.fields()},
    "created_by": "api-Xy12Ab34",
    "created_at": "2026-11-26T10:15:00+05:30",
    "updated_at": "2026-11-26T10:15:00+05:30",
}

COMPARISON_EXAMPLE = {
    "id": 31,
    "url": "https://procure.example.gov.in/api/v1/comparisons/31/",
    "snapshot_url": "https://procure.example.gov.in/api/v1/comparisons/31/snapshot/",
    "workload": 12,
    "workload_title": "Citizen helpline",
    "policy_pack": {
        "slug": "india-default",
        "version": 1,
        "url": "https://procure.example.gov.in/api/v1/policy-packs/india-default/1/",
    },
    "decision_date": "2026-11-26",
    "fingerprint": "9f2c4be0c1d8a7e65b3f0a4d2e19c8b7a6f5e4d3c2b1a09f8e7d6c5b4a392817",
    "engine_version": "1.0.0",
    "offer_count": 37,
    "eligible_count": 9,
    "recommended_offer_id": "desi-llm-70b",
    "recommended_name": "Desi AI — Desi LLM 70B",
    "recommended_total_inr": "3504758.33",
    "mechanism": "l1",
    "uses_demo_data": True,
    "created_by": "api-Xy12Ab34",
    "created_at": "2026-11-26T10:16:02+05:30",
}
COMPARISON_DETAIL_EXAMPLE = {
    **COMPARISON_EXAMPLE,
    "results": {
        "decision_date": "2026-11-26",
        "evaluation_method": "l1",
        "recommendation": {
            "award": {"offer_id": "desi-llm-70b", "mechanism": "l1", "cost_inr": "3504758.33"}
        },
        "domestic_share": {
            "total_inferences": 109500000,
            "domestic_operator_inferences": 109500000,
            "foreign_operator_in_country_inferences": 0,
            "abroad_inferences": 0,
            "domestic_operator_pct": "100.00",
            "foreign_operator_in_country_pct": "0.00",
            "abroad_pct": "0.00",
            "definition": "Domestic infrastructure: prompts processed and data and logs stored "
            "in IN on regions operated by an operator domestically owned and incorporated in IN "
            "— the legal entity that owns and controls the data-centre region, not the supplier "
            "who resells it (the pack's definition; locations: processing, storage, logs).",
        },
        "offers": [
            {
                "offer_id": "desi-llm-70b",
                "hosting": "domestic_operator",
                "operators": [
                    {
                        "name": "Yotta Data Services",
                        "ownership": "domestic",
                        "country": "IN",
                        "is_demo": False,
                    }
                ],
                "…": "every rule's outcome, reason and citation, the TCO by year, …",
            }
        ],
        "uses_demo_data": True,
    },
}


DOCUMENT_EXAMPLE = {
    "id": "5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77",
    "status_url": "https://procure.example.gov.in/api/v1/documents/5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77/",
    "status": "queued",
    "error": "",
    "kind": "file_note",
    "comparison": 31,
    "tender": None,
    "fingerprint": COMPARISON_EXAMPLE["fingerprint"],
    "language": "en",
    "sha256": None,
    "size": None,
    "download_url": None,
    "requested_at": "2026-11-26T10:21:00+05:30",
    "finished_at": None,
}
READY_DOCUMENT_EXAMPLE = {
    **DOCUMENT_EXAMPLE,
    "status": "ready",
    "sha256": "3f1d0c9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c",
    "size": 132953,
    "download_url": "https://procure.example.gov.in/api/v1/documents/"
    "5b0e9a4e-8d2c-4a63-9b51-0f3a2f6c1d77/pdf/",
    "finished_at": "2026-11-26T10:21:04+05:30",
}

DECISION_EXAMPLE = {
    "id": 7,
    "url": "https://procure.example.gov.in/api/v1/decisions/7/",
    "comparison": 31,
    "offer_id": "desi-llm-70b",
    "offer_name": "Desi AI — Desi LLM 70B",
    "follows_recommendation": True,
    "reason": "",
    "restricted": False,
    "status": "proposed",
    "proposed_by": "api-Xy12Ab34",
    "proposed_at": "2026-11-26T10:20:00+05:30",
    "decided_by": None,
    "decided_at": None,
    "decision_note": "",
}
APPROVED_EXAMPLE = {
    **DECISION_EXAMPLE,
    "status": "approved",
    "decided_by": "health-approver",
    "decided_at": "2026-11-26T11:02:00+05:30",
    "decision_note": "Within budget head 3451.",
}

POLICY_PACK_EXAMPLE = {
    "slug": "india-default",
    "version": 1,
    "url": "https://procure.example.gov.in/api/v1/policy-packs/india-default/1/",
    "title": "India: GFR 2017, Make in India and the transition premium",
    "status": "published",
    "effective_from": "2026-04-01",
    "change_note": "",
    "created_at": "2026-04-01T09:00:00+05:30",
    "published_at": "2026-04-01T09:30:00+05:30",
}

AWARD_EXAMPLE = {
    "id": 7,
    "url": "https://procure.example.gov.in/api/v1/awards/7/",
    "usage_url": "https://procure.example.gov.in/api/v1/awards/7/usage/",
    "comparison": 31,
    "workload": "Citizen helpline",
    "offer_id": "desi-llm-70b",
    "offer_name": "Desi AI — Desi LLM 70B",
    "restricted": False,
    "decided_at": "2026-11-26T11:02:00+05:30",
    "contract_start": "2027-01-01",
    "contract_end": "2029-12-31",
}
USAGE_REQUEST_EXAMPLE = {
    "quarter": "2027-Q1",
    "requests": 4_350_000,
    "input_tokens": 3_480_000_000,
    "output_tokens": 1_305_000_000,
    "invoiced_inr": "1845000.00",
}
USAGE_CORRECTION_EXAMPLE = {
    **USAGE_REQUEST_EXAMPLE,
    "requests": 4_410_000,
    "note": "The March invoice was revised by the provider.",
}
USAGE_REPORT_EXAMPLE = {
    "id": 12,
    "award": 7,
    **USAGE_REQUEST_EXAMPLE,
    "note": "",
    "source": "api",
    "corrects": None,
    "reported_by": "api-Xy12Ab34",
    "reported_at": "2027-04-03T10:15:00+05:30",
}
USAGE_CORRECTED_EXAMPLE = {
    **USAGE_REPORT_EXAMPLE,
    **USAGE_CORRECTION_EXAMPLE,
    "id": 15,
    "corrects": 12,
    "reported_at": "2027-04-09T16:40:00+05:30",
}
