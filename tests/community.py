"""Helpers for the community's tests: an evaluator organisation with members, stewards, a scoped
accreditation granted maker-checker, an accepted benchmark, and files to submit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from procurement import community, platform
from procurement.community import (
    BenchmarkValues,
    DomainNoteValues,
    EvaluationValues,
    MeasurementValues,
)
from procurement.models import Benchmark, EvaluatorMember
from procurement.roles import ACCREDITATION_AUTHORITY, CATALOGUE_STEWARDS, EVALUATOR_MEMBERS
from providers.evidence import Evidence, evidence_check
from providers.models import Evaluator, Offering

# An offer of the demo catalogue with no score at all: a Hindi-only citizen-services workload
# finds it failing the quality bar until an evaluation is accepted.
OFFER = "sarvam-deepseek-v4-flash"
ITEMS = 100


def person(username: str, role: str) -> Any:
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password="correct-horse-battery-2026"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def item_results(right: int, total: int = ITEMS) -> bytes:
    return "".join(
        json.dumps({"id": f"item-{n}", "score": 1 if n <= right else 0}) + "\n"
        for n in range(1, total + 1)
    ).encode()


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def evidence(name: str = "report.pdf", data: bytes = PDF) -> Evidence:
    return evidence_check(name, data)


@dataclass
class Community:
    evaluator: Evaluator
    member: Any
    other_member: Any  # a member of another evaluator organisation
    other_evaluator: Evaluator
    stewards: tuple[Any, Any]
    authority: tuple[Any, Any]
    benchmark: Benchmark

    def accredit(
        self,
        *,
        use_cases: list[str] | None = None,
        languages: list[str] | None = None,
        days: int = 365,
        evaluator: Evaluator | None = None,
    ) -> None:
        proposal = platform.accreditation_propose(
            user=self.authority[0],
            evaluator=evaluator or self.evaluator,
            accredited=True,
            accreditation="Test accreditation scheme",
            summary="Accredit for the test.",
            use_cases=use_cases or ["citizen_services"],
            languages=languages or ["hi"],
            expires_on=timezone.localdate() + dt.timedelta(days=days),
        )
        platform.change_approve(user=self.authority[1], proposal=proposal)

    def values(self, **overrides: Any) -> EvaluationValues:
        data: dict[str, Any] = {
            "offering": Offering.objects.get(slug=OFFER),
            "model_snapshot": "deepseek-v4-flash-2026-10",
            "use_case": "citizen_services",
            "language": "hi",
            "benchmark": self.benchmark,
            "method": "exact_match",
            "judge_model": "",
            "judge_prompt": "",
            "settings": "Zero-shot, temperature 0.",
            "score": Decimal("82.00"),
            "run_on": timezone.localdate() - dt.timedelta(days=3),
            "has_ties": False,
            "ties": "",
        }
        return EvaluationValues(**{**data, **overrides})

    def submit(self, right: int = 82, **overrides: Any) -> Any:
        return community.evaluation_submit(
            user=self.member,
            values=self.values(**overrides),
            evidence=evidence(),
            item_results=item_results(right),
        )


def make_community() -> Community:
    """Needs the demo catalogue loaded (its offers and languages)."""
    lab = Evaluator.objects.create(slug="test-lab", name="Test Evaluation Lab")
    other = Evaluator.objects.create(slug="other-lab", name="Other Evaluation Lab")
    member = person("lab-member", EVALUATOR_MEMBERS)
    EvaluatorMember.objects.create(user=member, evaluator=lab)
    other_member = person("other-member", EVALUATOR_MEMBERS)
    EvaluatorMember.objects.create(user=other_member, evaluator=other)
    stewards = (person("steward-1", CATALOGUE_STEWARDS), person("steward-2", CATALOGUE_STEWARDS))
    authority = (
        person("accreditor-1", ACCREDITATION_AUTHORITY),
        person("accreditor-2", ACCREDITATION_AUTHORITY),
    )
    benchmark = community.benchmark_register(
        user=member,
        values=BenchmarkValues(
            name="Citizen QA",
            version="1",
            description="Questions about schemes.",
            languages=["en", "hi"],
            items=ITEMS,
            licence="CC BY 4.0",
            url="https://example.org/citizen-qa",
            held_out=True,
        ),
    )
    community.submission_review(user=stewards[0], submission=benchmark, accept=True)
    return Community(lab, member, other_member, other, stewards, authority, benchmark)


def provider_member(username: str, provider: str) -> Any:
    from procurement.models import ProviderMember
    from procurement.roles import PROVIDER_MEMBERS
    from providers.models import Provider

    user = person(username, PROVIDER_MEMBERS)
    ProviderMember.objects.create(user=user, provider=Provider.objects.get(slug=provider))
    return user


def contributor(username: str, role: str, affiliation: str = "Test State e-Governance Society"):
    """A practitioner or domain expert (``role``: PRACTITIONERS or DOMAIN_EXPERTS)."""
    from procurement.models import Contributor

    user = person(username, role)
    Contributor.objects.create(user=user, affiliation=affiliation)
    return user


# A practitioner's measurement and a domain expert's note, as the services take them.
MEASURED_OFFER = "sarvam-30b"


def measurement_values(**overrides) -> MeasurementValues:
    today = timezone.localdate()
    fields = {
        "offering": Offering.objects.get(slug=MEASURED_OFFER),
        "period_start": today - dt.timedelta(days=30),
        "period_end": today - dt.timedelta(days=1),
        "requests": 50_000,
        "p50_latency_ms": 600,
        "p95_latency_ms": 1_400,
        "tokens_per_second": Decimal("55.0"),
        "availability_pct": Decimal("99.800"),
        "observed_inr_per_mtok": Decimal("90.00"),
        "method": "Every helpdesk request timed end to end from Delhi.",
    }
    return MeasurementValues(**(fields | overrides))


def note_values(**overrides) -> DomainNoteValues:
    fields = {
        "use_case": "health",
        "rule": "RESIDENCY",
        "title": "Triage data should stay in India",
        "body": "Health data about identifiable patients.",
        "sources": [{"title": "DPDP Act, 2023", "url": "https://www.meity.gov.in/"}],
    }
    return DomainNoteValues(**(fields | overrides))
