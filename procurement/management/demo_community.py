"""The community's demo data ``load_demo`` makes, through the real services: a demo evaluator
organisation with two members, its accreditation (proposed by one demo accreditation authority,
approved by the other), a benchmark a demo steward accepted, an evaluation accepted into the
catalogue, and an evaluation and a benchmark awaiting review; a member of the demo MSE provider
with a price change awaiting review — all marked demo. Idempotent: an organisation that has its
members already is left as it is.

The accepted evaluation scores a Hindi citizen-services offer that had no score, so a Hindi-only
citizen-services workload now finds it above the quality bar; workloads in English as well
(every demo award's) still lack its English score, so the demo awards compare as before.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from procurement import community, platform
from procurement.community import BenchmarkValues, EvaluationValues
from procurement.models import EvaluatorMember, ProviderMember
from procurement.roles import EVALUATOR_MEMBERS, PROVIDER_MEMBERS
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
