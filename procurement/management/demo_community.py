"""The community's demo data ``load_demo`` makes, through the real services: a demo evaluator
organisation with two members, its accreditation (proposed by one demo accreditation authority,
approved by the other), a benchmark a demo steward accepted, an evaluation accepted into the
catalogue, and an evaluation and a benchmark awaiting review; a member of the demo MSE provider
with a price change awaiting review; two practitioners with measurements of offers in use (shown
as community-reported, none promoted), a domain expert with two notes accepted and one awaiting
review — all marked demo. Idempotent: an organisation that has its members already, or a
practitioner who exists, is left as it is.

The accepted evaluation scores a Hindi citizen-services offer that had no score, so a Hindi-only
citizen-services workload now finds it above the quality bar; workloads in English as well
(every demo award's) still lack its English score, so the demo awards compare as before.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
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
from procurement.models import Contributor, EvaluatorMember, ProviderMember
from procurement.roles import DOMAIN_EXPERTS, EVALUATOR_MEMBERS, PRACTITIONERS, PROVIDER_MEMBERS
from providers.evidence import evidence_check
from providers.models import Evaluator, Offering, Provider

# The demo catalogue `make run` loads (load_demo reads it from here).
DEMO_CATALOGUE = Path(__file__).resolve().parents[2] / "providers" / "data" / "demo-catalogue.json"
ORGANISATION = "demo-indic-evaluation-consortium"
MEMBERS = ("consortium-evaluator-1", "consortium-evaluator-2")
PROVIDER = "demo-mse-ai-labs"
PROVIDER_MEMBER = "mse-provider-1"
OFFER = "sarvam-deepseek-v4-flash"
SCOPE_USE_CASES = ["citizen_services", "health"]
SCOPE_LANGUAGES = ["en", "hi", "ta"]
ITEMS = 120
# (language, items right of ITEMS): 89 of 120 → 74.17 (accepted); 97 of 120 → 80.83 (awaiting).
ACCEPTED = ("hi", 89)
AWAITING = ("en", 97)


def price_change(provider: str, days: int = 30, offering: str | None = None) -> str:
    """A fragment in the catalogue format: ``provider``'s record in the demo catalogue with one
    of its offers (the first, or ``offering``) and a new price, 10 % lower, effective in
    ``days`` days: the change a provider's member submits."""
    document = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    record = next(p for p in document["providers"] if p["slug"] == provider)
    offer = next(o for o in record["offerings"] if offering in (None, o["slug"]))
    latest = offer["prices"][-1]
    price = {
        **latest,
        "effective_from": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
        "source_note": "Demo: the provider's price page (invented)",
    }
    for key in ("input_per_mtok", "output_per_mtok", "per_gpu_hour"):
        if key in latest:
            price[key] = float(
                (Decimal(str(latest[key])) * Decimal("0.9")).quantize(Decimal("0.01"))
            )
    fragment = {
        "format": document["format"],
        "version": document["version"],
        "providers": [
            {
                **record,
                "certifications": [],
                "offerings": [{**offer, "prices": [*offer["prices"], price], "evaluations": []}],
            }
        ],
    }
    return json.dumps(fragment, indent=2, ensure_ascii=False)


def _ninety_percent(amount: float) -> float:
    """90 % of a catalogue file's price, to the paisa: exact in the file's JSON text (two
    decimals), which the catalogue reads back as a Decimal."""
    return float((Decimal(str(amount)) * Decimal("0.9")).quantize(Decimal("0.01")))


def _item_results(right: int) -> bytes:
    lines = [
        json.dumps({"id": f"cs-{n:04d}", "score": 1 if n <= right else 0})
        for n in range(1, ITEMS + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def _evidence(language: str, right: int) -> bytes:
    rows = [
        "measure,value",
        "benchmark,Demo Indic Citizen Services QA 2026.1",
        f"language,{language}",
        f"items,{ITEMS}",
        f"answered correctly,{right}",
        "note,Demo evidence invented for the demonstration: not a real evaluation",
    ]
    return ("\n".join(rows) + "\n").encode()


def ensure(password: str) -> bool:
    """Make the demo community once; False when it is there already."""
    people = get_user_model().objects
    if EvaluatorMember.objects.filter(evaluator__slug=ORGANISATION).exists():
        return False
    evaluator, _ = Evaluator.objects.get_or_create(
        slug=ORGANISATION,
        defaults={
            "name": "Demo Indic Evaluation Consortium",
            "website": "https://example.org/demo-indic-evaluation-consortium",
            "source_note": "Invented for the demonstration.",
            "is_demo": True,
        },
    )
    group = Group.objects.get(name=EVALUATOR_MEMBERS)
    for n, username in enumerate(MEMBERS, start=1):
        person = people.create_user(
            username,
            email=f"{username}@demo.invalid",
            password=password,
            first_name="Demo",
            last_name=f"consortium evaluator {n}",
        )
        person.groups.add(group)
        EvaluatorMember.objects.create(user=person, evaluator=evaluator)
    today = timezone.localdate()
    proposal = platform.accreditation_propose(
        user=people.get(username="platform-accreditation-1"),
        evaluator=evaluator,
        accredited=True,
        accreditation="Demo accreditation scheme (not a real scheme)",
        summary="Demo: accredit the consortium for citizen services and health in three languages.",
        use_cases=SCOPE_USE_CASES,
        languages=SCOPE_LANGUAGES,
        expires_on=today + dt.timedelta(days=730),
    )
    platform.change_approve(user=people.get(username="platform-accreditation-2"), proposal=proposal)
    member = people.get(username=MEMBERS[0])
    steward = people.get(username="platform-catalogue-1")
    benchmark = community.benchmark_register(
        user=member,
        values=BenchmarkValues(
            name="Demo Indic Citizen Services QA",
            version="2026.1",
            description="Invented for the demonstration: questions citizens ask about schemes, "
            "with reference answers.",
            languages=SCOPE_LANGUAGES,
            items=ITEMS,
            licence="CC BY 4.0",
            url="https://example.org/demo-indic-citizen-services-qa",
            held_out=True,
        ),
        is_demo=True,
    )
    community.submission_review(user=steward, submission=benchmark, accept=True)
    community.benchmark_register(
        user=member,
        values=BenchmarkValues(
            name="Demo Indic Health Triage",
            version="2026.1",
            description="Invented for the demonstration: triage questions in three languages.",
            languages=SCOPE_LANGUAGES,
            items=300,
            licence="CC BY-NC 4.0",
            url="https://example.org/demo-indic-health-triage",
            held_out=False,
        ),
        is_demo=True,
    )
    offering = Offering.objects.get(slug=OFFER)
    for (language, right), accept in ((ACCEPTED, True), (AWAITING, False)):
        submission = community.evaluation_submit(
            user=member,
            values=EvaluationValues(
                offering=offering,
                model_snapshot="deepseek-v4-flash (demo)",
                use_case="citizen_services",
                language=language,
                benchmark=benchmark,
                method="exact_match",
                judge_model="",
                judge_prompt="",
                settings="Zero-shot; temperature 0; answers of at most 300 tokens.",
                score=(Decimal(100 * right) / ITEMS).quantize(Decimal("0.01")),
                run_on=today - dt.timedelta(days=14),
                has_ties=False,
                ties="",
            ),
            evidence=evidence_check(f"demo-evaluation-{language}.csv", _evidence(language, right)),
            item_results=_item_results(right),
            is_demo=True,
        )
        if accept:
            community.submission_review(user=steward, submission=submission, accept=True)
    seller = people.create_user(
        PROVIDER_MEMBER,
        email=f"{PROVIDER_MEMBER}@demo.invalid",
        password=password,
        first_name="Demo",
        last_name="MSE provider member",
    )
    seller.groups.add(Group.objects.get(name=PROVIDER_MEMBERS))
    ProviderMember.objects.create(user=seller, provider=Provider.objects.get(slug=PROVIDER))
    community.provider_change_submit(
        user=seller,
        summary="Demo: 10 % lower prices from next month",
        catalogue=price_change(PROVIDER),
        is_demo=True,
    )
    return True


PRACTITIONER_ACCOUNTS = (
    ("practitioner-1", "Demo practitioner 1", "Demo State e-Governance Society"),
    ("practitioner-2", "Demo practitioner 2", "Demo district health IT cell"),
)
DOMAIN_EXPERT = ("domain-expert-1", "Demo domain expert", "Demo institute of public health law")
# (practitioner, offer, p50 ms, p95 ms, tokens a second, availability %, ₹ per million tokens)
MEASURED = (
    (0, "sarvam-30b", 620, 1_480, "58.0", "99.710", "95.00"),
    (1, "sarvam-30b", 700, 1_650, "52.5", "99.520", None),
    (0, "aws-bedrock-mumbai-llama3-8b", 310, 870, "96.0", "99.950", "38.50"),
    (1, "openai-gpt-4o-mini", 540, 1_720, "71.0", "99.880", "62.00"),
)
NOTES = (
    (
        "health",
        "RESIDENCY",
        "Patient records and triage conversations should stay on infrastructure in India",
        "Demo note, invented for the demonstration. Triage and telemedicine conversations carry "
        "health data about identifiable patients. Keeping their processing, storage and logs "
        "in India under an Indian operator keeps them within the reach of Indian courts and "
        "regulators, and keeps the incident logs available to CERT-In within its deadlines.",
        True,
    ),
    (
        "legal",
        "QUALITY",
        "Legal drafting needs a measured quality bar in the language of the court",
        "Demo note, invented for the demonstration. A model that drafts or summarises orders "
        "must be tested in the language the court works in: scores in English say little of "
        "Hindi or Tamil output. Ask for an accredited evaluation per language.",
        True,
    ),
    (
        "education",
        "",
        "Learners' answers should not train a provider's models",
        "Demo note, invented for the demonstration: awaiting a catalogue steward's review.",
        False,
    ),
)
NOTE_SOURCES = [
    {
        "title": "Digital Personal Data Protection Act, 2023 (Ministry of Electronics and IT)",
        "url": "https://www.meity.gov.in/",
    },
    {"title": "CERT-In directions of 28 April 2022", "url": "https://www.cert-in.org.in/"},
]


def _contributor(username: str, full_name: str, affiliation: str, role: str, password: str) -> Any:
    first, _, last = full_name.partition(" ")
    person = get_user_model().objects.create_user(
        username,
        email=f"{username}@demo.invalid",
        password=password,
        first_name=first,
        last_name=last,
    )
    person.groups.add(Group.objects.get(name=role))
    Contributor.objects.create(user=person, affiliation=affiliation, is_demo=True)
    return person


def ensure_contributors(password: str) -> bool:
    """Make the demo practitioners and domain expert once, with what they publish; False when
    they are there already."""
    people = get_user_model().objects
    if people.filter(username=PRACTITIONER_ACCOUNTS[0][0]).exists():
        return False
    practitioners = [
        _contributor(username, name, affiliation, PRACTITIONERS, password)
        for username, name, affiliation in PRACTITIONER_ACCOUNTS
    ]
    today = timezone.localdate()
    for who, offer, p50, p95, speed, availability, price in MEASURED:
        offering = Offering.objects.get(slug=offer)
        community.measurement_submit(
            user=practitioners[who],
            values=MeasurementValues(
                offering=offering,
                period_start=today - dt.timedelta(days=91),
                period_end=today - dt.timedelta(days=1),
                requests=180_000 + 45_000 * who,
                p50_latency_ms=p50,
                p95_latency_ms=p95,
                tokens_per_second=Decimal(speed),
                availability_pct=Decimal(availability),
                observed_inr_per_mtok=Decimal(price) if price else None,
                method="Demo measurement, invented for the demonstration: every request of a "
                "citizen helpdesk timed end to end from a server in Delhi; availability from "
                "five-minute health checks.",
            ),
            evidence=evidence_check(
                f"demo-measurement-{offer}.csv",
                f"metric,value\np50_ms,{p50}\np95_ms,{p95}\n".encode(),
            ),
            is_demo=True,
        )
    expert = _contributor(*DOMAIN_EXPERT[:3], DOMAIN_EXPERTS, password)
    steward = people.get(username="platform-catalogue-1")
    for use_case, rule, title, body, accept in NOTES:
        note = community.domain_note_submit(
            user=expert,
            values=DomainNoteValues(
                use_case=use_case, rule=rule, title=title, body=body, sources=NOTE_SOURCES
            ),
            is_demo=True,
        )
        if accept:
            community.submission_review(user=steward, submission=note, accept=True)
    return True
