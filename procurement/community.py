"""What the community submits to the catalogue, and its review: no number reaches a tender
unchecked.

An evaluator organisation's members register **benchmarks** (a test set with its version,
languages, size, licence and whether it is held out of public training data) and submit
**evaluations**: one offer's model snapshot scored for one use case in one language on an
accepted benchmark, with the scoring method (exact match, a rubric with human raters, or a judge
model named with its version and prompt), the settings, a conflict-of-interest declaration, an
evidence file (``providers.evidence``: checked before anything is stored) and the per-item
results, from which the product recomputes the score and its 95 % interval
(``engine.itemscores``) and refuses a score that disagrees.

A catalogue steward — a platform person, never the submitter nor a member of the submitting
organisation — accepts or returns each with reasons (``submission_review``). An accepted
evaluation becomes the catalogue's ``QualityEvaluation``; the quality gates count it only while
the evaluator holds an accreditation covering its use case and language
(``mapping.accreditation_term``). Submissions and reviews are insert-only; each is an event on
the platform's audit chain, and a message to the stewards or the submitter after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from procurement import labels, notifications
from procurement.audit import audit_record, same_person
from procurement.engine import codes
from procurement.engine.itemscores import ItemScoresRefused, item_scores, score_agrees
from procurement.engine.numbers import format_count
from procurement.models import (
    Benchmark,
    Contributor,
    DomainNote,
    EvaluationSubmission,
    EvaluatorMember,
    EvidenceFile,
    Measurement,
    ProviderChange,
    ProviderMember,
    Review,
    Submission,
)
from procurement.platform import catalogue_change_check
from procurement.selectors import User
from procurement.services import require_platform
from providers.evidence import Evidence
from providers.models import (
    Evaluator,
    Language,
    Offering,
    Provider,
    QualityEvaluation,
    Region,
)
from providers.services import LoadReport, catalogue_load

REVIEW_PERMISSION = "procurement.review_submission"
# The field of a Review that names each kind of submission.
KIND: dict[type, str] = {
    EvaluationSubmission: "evaluation",
    Benchmark: "benchmark",
    ProviderChange: "provider_change",
    Measurement: "measurement",
    DomainNote: "domain_note",
}
# What a second review of each kind of submission is told.
REVIEWED_ALREADY: dict[str, StrPromise] = {
    "evaluation": gettext_lazy("This evaluation has been reviewed already."),
    "benchmark": gettext_lazy("This benchmark has been reviewed already."),
    "provider_change": gettext_lazy("This provider change has been reviewed already."),
    "measurement": gettext_lazy("This measurement has been reviewed already."),
    "domain_note": gettext_lazy("This domain note has been reviewed already."),
}
# How long an accepted score stands after its run, and how old a run may be when submitted.
VALID_DAYS = 365
Reviewable = EvaluationSubmission | Benchmark | ProviderChange | Measurement | DomainNote
OLDEST_RUN_DAYS = 365


def member_evaluator(user: User, permission: str) -> tuple[Account, Evaluator]:
    """The person acting and the evaluator organisation they act for; PermissionDenied unless
    they are an active member holding ``permission``."""
    if not isinstance(user, Account) or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))
    membership = EvaluatorMember.objects.select_related("evaluator").filter(user=user).first()
    if membership is None:
        raise PermissionDenied(_("Only members of an evaluator organisation submit evaluations."))
    return user, membership.evaluator


def status_of(submission: Reviewable) -> str:
    """Submission.SUBMITTED, ACCEPTED or RETURNED (its review's outcome, read once)."""
    review = getattr(submission, "review", None)
    return str(review.outcome) if review is not None else Submission.SUBMITTED


def _text(errors: dict[str, str], field: str, value: str, limit: int, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("Keep it to %(limit)s characters (it has %(length)s).") % {
            "limit": format_count(limit),
            "length": format_count(len(value)),
        }
    return value


def _record(user: Account, action: str, obj: Any, summary: str, payload: dict[str, Any]) -> None:
    audit_record(
        department=None, actor=user, action=action, obj=obj, summary=summary, payload=payload
    )


# Benchmarks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchmarkValues:
    name: str
    version: str
    description: str
    languages: list[str]
    items: int
    licence: str
    url: str
    held_out: bool


@transaction.atomic
def benchmark_register(*, user: User, values: BenchmarkValues, is_demo: bool = False) -> Benchmark:
    """Register a benchmark for review (an evaluator member)."""
    person, evaluator = member_evaluator(user, "procurement.add_benchmark")
    errors: dict[str, str] = {}
    name = _text(errors, "name", values.name, 120, required=True)
    version = _text(errors, "version", values.version, 40, required=True)
    description = _text(errors, "description", values.description, 2000, required=False)
    licence = _text(errors, "licence", values.licence, 120, required=True)
    url = _text(errors, "url", values.url, 500, required=True)
    languages = sorted(set(values.languages))
    known = set(Language.objects.filter(code__in=languages).values_list("code", flat=True))
    if not languages:
        errors["languages"] = _("Name the languages the test set covers.")
    elif unknown := sorted(set(languages) - known):
        errors["languages"] = _("Not a language of the catalogue: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if not 1 <= values.items <= 10_000_000:
        errors["items"] = _("Give the number of test items, from 1 to 1,00,00,000.")
    if not errors and Benchmark.objects.filter(name=name, version=version).exists():
        errors["version"] = _("%(name)s %(version)s is registered already: give a new version.") % {
            "name": name,
            "version": version,
        }
    if errors:
        raise ValidationError(errors)
    benchmark = Benchmark(
        name=name,
        version=version,
        description=description,
        languages=languages,
        items=values.items,
        licence=licence,
        url=url,
        held_out=values.held_out,
        evaluator=evaluator,
        submitted_by=person,
        is_demo=is_demo,
    )
    benchmark.full_clean(exclude=["evaluator", "submitted_by"])
    benchmark.save()
    _record(
        person,
        "benchmark.submitted",
        benchmark,
        f"Benchmark submitted for review: {benchmark} by {evaluator.name}",
        {"benchmark": str(benchmark), "evaluator": evaluator.slug, "held_out": values.held_out},
    )
    transaction.on_commit(partial(notifications.submission_received, "benchmark", benchmark.pk))
    return benchmark


# Evaluations --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvaluationValues:
    offering: Offering
    model_snapshot: str
    use_case: str
    language: str
    benchmark: Benchmark
    method: str
    judge_model: str
    judge_prompt: str
    settings: str
    score: Decimal
    run_on: dt.date
    has_ties: bool
    ties: str


def _evaluation_errors(values: EvaluationValues) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, "model_snapshot", values.model_snapshot, 120, required=True)
    _text(errors, "settings", values.settings, 5000, required=True)
    if values.use_case not in labels.USE_CASE:
        errors["use_case"] = _("Choose a use case from the list.")
    benchmark = values.benchmark
    if status_of(benchmark) != Submission.ACCEPTED:
        errors["benchmark"] = _(
            "%(benchmark)s is not accepted yet: a catalogue steward reviews a benchmark before "
            "evaluations may name it."
        ) % {"benchmark": benchmark}
    elif values.language not in benchmark.languages:
        errors["language"] = _("%(benchmark)s does not cover this language.") % {
            "benchmark": benchmark
        }
    if values.language not in {lang.code for lang in values.offering.languages.all()}:
        errors["language"] = _("%(offer)s does not offer this language.") % {
            "offer": values.offering.name
        }
    if values.method not in EvaluationSubmission.Method.values:
        errors["method"] = _("Choose a scoring method from the list.")
    elif values.method == EvaluationSubmission.Method.JUDGE_MODEL:
        _text(errors, "judge_model", values.judge_model, 120, required=True)
        _text(errors, "judge_prompt", values.judge_prompt, 5000, required=True)
    if not Decimal(0) <= values.score <= Decimal(100) or values.score != values.score.quantize(
        Decimal("0.01")
    ):
        errors["score"] = _("Give the score from 0 to 100, with at most two decimal places.")
    today = timezone.localdate()
    if values.run_on > today:
        errors["run_on"] = _("The run date cannot be in the future.")
    elif values.run_on < today - dt.timedelta(days=OLDEST_RUN_DAYS):
        errors["run_on"] = _("The run is more than a year old: run the benchmark again.")
    if values.has_ties and not values.ties.strip():
        errors["ties"] = _("Say what ties your organisation has to the provider evaluated.")
    if len(values.ties) > 2000:
        errors["ties"] = _("Keep it to %(limit)s characters.") % {"limit": "2,000"}
    return errors


@transaction.atomic
def evaluation_submit(
    *,
    user: User,
    values: EvaluationValues,
    evidence: Evidence,
    item_results: bytes,
    is_demo: bool = False,
) -> EvaluationSubmission:
    """Submit an evaluation for review (an evaluator member): every field checked, the score
    recomputed from the per-item results, the evidence stored once by its SHA-256."""
    person, evaluator = member_evaluator(user, "procurement.add_evaluationsubmission")
    errors = _evaluation_errors(values)
    try:
        computed = item_scores(item_results)
    except ItemScoresRefused as refused:
        errors["item_results"] = str(refused)
    else:
        if computed.count > values.benchmark.items:
            errors["item_results"] = _(
                "The results have %(count)s items; %(benchmark)s has %(items)s."
            ) % {
                "count": format_count(computed.count),
                "benchmark": values.benchmark,
                "items": format_count(values.benchmark.items),
            }
        if "score" not in errors and not score_agrees(values.score, computed):
            errors["score"] = _(
                "The per-item results give %(score)s (95 %% interval %(low)s–%(high)s, "
                "%(count)s items), not the %(stated)s stated: a score that disagrees with its "
                "results is refused."
            ) % {
                "score": computed.score,
                "low": computed.ci_low,
                "high": computed.ci_high,
                "count": format_count(computed.count),
                "stated": values.score,
            }
    if errors:
        raise ValidationError(errors)
    stored = _store(evidence)
    submission = EvaluationSubmission.objects.create(
        evaluator=evaluator,
        submitted_by=person,
        offering=values.offering,
        model_snapshot=values.model_snapshot.strip(),
        use_case=values.use_case,
        language_id=values.language,
        benchmark=values.benchmark,
        method=values.method,
        judge_model=values.judge_model.strip(),
        judge_prompt=values.judge_prompt.strip(),
        settings=values.settings.strip(),
        score=values.score,
        run_on=values.run_on,
        valid_until=values.run_on + dt.timedelta(days=VALID_DAYS),
        evidence=stored,
        item_results=item_results,
        item_results_sha256=hashlib.sha256(item_results).hexdigest(),
        items=computed.count,
        recomputed_score=computed.score,
        ci_low=computed.ci_low,
        ci_high=computed.ci_high,
        interval_method=computed.method,
        has_ties=values.has_ties,
        ties=values.ties.strip() if values.has_ties else "",
        is_demo=is_demo,
    )
    _record(
        person,
        "evaluation.submitted",
        submission,
        f"Evaluation submitted for review: {values.offering.name}, "
        f"{labels.USE_CASE[values.use_case]} in {values.language}, score {values.score}",
        {
            "evaluator": evaluator.slug,
            "offering": values.offering.slug,
            "use_case": values.use_case,
            "language": values.language,
            "score": str(values.score),
            "benchmark": str(values.benchmark),
            "evidence_sha256": stored.sha256,
            "item_results_sha256": submission.item_results_sha256,
            "has_ties": values.has_ties,
        },
    )
    transaction.on_commit(partial(notifications.submission_received, "evaluation", submission.pk))
    return submission


# Providers ----------------------------------------------------------------------------------


def member_provider(user: User) -> tuple[Account, Provider]:
    """The person acting and the provider they act for; PermissionDenied unless they are an
    active member allowed to submit changes."""
    if (
        not isinstance(user, Account)
        or not user.is_active
        or not user.has_perm("procurement.add_providerchange")
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    membership = ProviderMember.objects.select_related("provider").filter(user=user).first()
    if membership is None:
        raise PermissionDenied(_("Only a provider's members submit changes to its record."))
    return user, membership.provider


@dataclass(frozen=True, slots=True)
class ChangeEffect:
    """What a provider's change would do to the catalogue now: rows added and changed by kind
    of record (``counts``), or why it can no longer be loaded (``problems``)."""

    counts: list[tuple[str, int, int]]
    problems: list[str]


def provider_change_effect(change: ProviderChange) -> ChangeEffect:
    """A dry run of ``change`` against the catalogue as it stands (rolled back), for its
    review."""
    try:
        _data, report = provider_change_check(change.provider, change.catalogue)
    except ValidationError as error:
        return ChangeEffect([], [str(m) for m in error.messages])
    counts = [
        (kind, c["created"], c["updated"])
        for kind, c in report.counts.items()
        if c["created"] or c["updated"]
    ]
    return ChangeEffect(counts, [])


def provider_change_check(provider: Provider, catalogue: str) -> tuple[dict[str, Any], LoadReport]:
    """The fragment, parsed and tried (rolled back), and what it would do, if it changes only
    ``provider``'s own record: its offers, their prices and regions, its certifications, and
    regions new to the catalogue — never a quality score, which comes from an accredited
    evaluator's reviewed evaluation. ValidationError on ``catalogue`` naming each problem."""
    data, report = catalogue_change_check(catalogue)
    problems = [
        _("%(section)s: a provider's change holds its own record (providers) and new regions only")
        % {"section": key}
        for key in ("languages", "evaluators", "fx_rates")
        if data.get(key)
    ]
    problems += [
        _("providers: %(slug)s: you may change only %(provider)s's record")
        % {"slug": p["slug"], "provider": provider.name}
        for p in data["providers"]
        if p["slug"] != provider.slug
    ]
    known = set(Region.objects.values_list("code", flat=True))
    problems += [
        _("regions: %(code)s is on file already: a steward changes it") % {"code": r["code"]}
        for r in data.get("regions", [])
        if r["code"] in known
    ]
    problems += [
        _(
            "offerings: %(slug)s: quality scores come from evaluators' reviewed evaluations, not "
            "from a provider's change: leave out its evaluations"
        )
        % {"slug": o["slug"]}
        for p in data["providers"]
        for o in p.get("offerings", [])
        if o.get("evaluations")
    ]
    others = dict(Offering.objects.exclude(provider=provider).values_list("slug", "provider__name"))
    problems += [
        _("offerings: %(slug)s is %(provider)s's")
        % {"slug": o["slug"], "provider": others[o["slug"]]}
        for p in data["providers"]
        for o in p.get("offerings", [])
        if o["slug"] in others
    ]
    if problems:
        raise ValidationError({"catalogue": problems})
    if not report.changed:
        raise ValidationError({"catalogue": _("It changes nothing in the catalogue.")})
    return data, report


@transaction.atomic
def provider_change_submit(
    *,
    user: User,
    summary: str,
    catalogue: str,
    evidence: Evidence | None = None,
    is_demo: bool = False,
) -> ProviderChange:
    """A provider's member submits a change to its own record for a steward's review."""
    person, provider = member_provider(user)
    errors: dict[str, str] = {}
    summary = _text(errors, "summary", summary, 500, required=True)
    if errors:
        raise ValidationError(errors)
    provider_change_check(provider, catalogue)
    stored = _store(evidence) if evidence is not None else None
    change = ProviderChange.objects.create(
        provider=provider,
        submitted_by=person,
        summary=summary,
        catalogue=catalogue,
        evidence=stored,
        is_demo=is_demo,
    )
    _record(
        person,
        "provider_change.submitted",
        change,
        f"Provider change submitted for review: {provider.name} — {summary}",
        {
            "provider": provider.slug,
            "catalogue_sha256": hashlib.sha256(catalogue.encode()).hexdigest(),
            "evidence_sha256": stored.sha256 if stored else None,
        },
    )
    transaction.on_commit(partial(notifications.submission_received, "provider_change", change.pk))
    return change


# Practitioners and domain experts -------------------------------------------------------------


def member_contributor(user: User, permission: str) -> tuple[Account, Contributor]:
    """The person acting and their contributor record (affiliation); PermissionDenied unless
    they hold ``permission`` and are registered."""
    if not isinstance(user, Account) or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))
    contributor = Contributor.objects.filter(user=user).first()
    if contributor is None:
        raise PermissionDenied(_("Only registered practitioners and domain experts publish here."))
    return user, contributor


def _store(evidence: Evidence) -> EvidenceFile:
    stored, _created = EvidenceFile.objects.get_or_create(
        sha256=evidence.sha256,
        defaults={
            "name": evidence.name,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "data": evidence.data,
        },
    )
    return stored


@dataclass(frozen=True, slots=True)
class MeasurementValues:
    offering: Offering
    period_start: dt.date
    period_end: dt.date
    requests: int
    p50_latency_ms: int | None
    p95_latency_ms: int | None
    tokens_per_second: Decimal | None
    availability_pct: Decimal | None
    observed_inr_per_mtok: Decimal | None
    method: str


# The measures a practitioner may report, with their bounds and what a value outside them is told.
MEASURES: dict[str, tuple[Decimal, Decimal, StrPromise]] = {
    "p50_latency_ms": (
        Decimal(1),
        Decimal(3_600_000),
        gettext_lazy("Give milliseconds, from 1 to 36,00,000."),
    ),
    "p95_latency_ms": (
        Decimal(1),
        Decimal(3_600_000),
        gettext_lazy("Give milliseconds, from 1 to 36,00,000."),
    ),
    "tokens_per_second": (
        Decimal("0.1"),
        Decimal(100_000),
        gettext_lazy("Give tokens a second, up to 1,00,000."),
    ),
    "availability_pct": (
        Decimal(0),
        Decimal(100),
        gettext_lazy("Give a percentage from 0 to 100."),
    ),
    "observed_inr_per_mtok": (
        Decimal("0.01"),
        Decimal(10_000_000),
        gettext_lazy("Give rupees, up to 1 crore."),
    ),
}
MEASUREMENT_PERIOD_DAYS = 366


def _measurement_errors(values: MeasurementValues) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, "method", values.method, 2000, required=True)
    today = timezone.localdate()
    if values.period_end > today:
        errors["period_end"] = _("The period cannot end in the future.")
    if values.period_start > values.period_end:
        errors["period_start"] = _("The period starts after it ends.")
    elif (values.period_end - values.period_start).days >= MEASUREMENT_PERIOD_DAYS:
        errors["period_start"] = _("Report a period of a year at most.")
    if not 1 <= values.requests <= 4_000_000_000:
        errors["requests"] = _("Give the number of requests measured, at least 1.")
    given = {name: getattr(values, name) for name in MEASURES if getattr(values, name) is not None}
    if not given:
        errors["p95_latency_ms"] = _(
            "Report at least one measure: latency, throughput, availability or the price paid."
        )
    for name, value in given.items():
        low, high, refusal = MEASURES[name]
        if not low <= Decimal(value) <= high:
            errors[name] = str(refusal)
    p50, p95 = values.p50_latency_ms, values.p95_latency_ms
    if p50 is not None and p95 is not None and p50 > p95 and "p50_latency_ms" not in errors:
        errors["p50_latency_ms"] = _("The median (p50) cannot exceed the p95 latency.")
    return errors


@transaction.atomic
def measurement_submit(
    *, user: User, values: MeasurementValues, evidence: Evidence, is_demo: bool = False
) -> Measurement:
    """A practitioner publishes a measurement of an offer in use: shown at once on the offer's
    page as community-reported; no gate reads it unless a steward promotes it."""
    person, contributor = member_contributor(user, "procurement.add_measurement")
    errors = _measurement_errors(values)
    if errors:
        raise ValidationError(errors)
    measurement = Measurement.objects.create(
        offering=values.offering,
        submitted_by=person,
        period_start=values.period_start,
        period_end=values.period_end,
        requests=values.requests,
        p50_latency_ms=values.p50_latency_ms,
        p95_latency_ms=values.p95_latency_ms,
        tokens_per_second=values.tokens_per_second,
        availability_pct=values.availability_pct,
        observed_inr_per_mtok=values.observed_inr_per_mtok,
        method=values.method.strip(),
        evidence=_store(evidence),
        is_demo=is_demo,
    )
    _record(
        person,
        "measurement.submitted",
        measurement,
        f"Measurement published: {values.offering.name} by {contributor}",
        {
            "offering": values.offering.slug,
            "period": [values.period_start.isoformat(), values.period_end.isoformat()],
            "evidence_sha256": measurement.evidence.sha256,
        }
        | {name: str(getattr(values, name)) for name in MEASURES if getattr(values, name)},
    )
    transaction.on_commit(partial(notifications.submission_received, "measurement", measurement.pk))
    return measurement


@dataclass(frozen=True, slots=True)
class DomainNoteValues:
    use_case: str
    rule: str
    title: str
    body: str
    sources: list[dict[str, str]]


def _note_errors(values: DomainNoteValues) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.use_case not in labels.USE_CASE:
        errors["use_case"] = _("Choose a use case from the list.")
    if values.rule and values.rule not in codes.OFFER_RULES:
        errors["rule"] = _("Choose a rule from the list, or none.")
    _text(errors, "title", values.title, 200, required=True)
    _text(errors, "body", values.body, 4000, required=True)
    if not values.sources:
        errors["sources"] = _("Name at least one source, with its web address.")
    elif len(values.sources) > 10:
        errors["sources"] = _("Name at most %(most)s sources.") % {"most": 10}
    else:
        url = URLValidator(schemes=["http", "https"])
        for number, source in enumerate(values.sources, start=1):
            if not source.get("title", "").strip():
                errors["sources"] = _("Source %(number)s: give its title.") % {"number": number}
                break
            try:
                url(source.get("url", ""))
            except ValidationError:
                errors["sources"] = _(
                    "Source %(number)s: give its web address (http or https)."
                ) % {"number": number}
                break
    return errors


@transaction.atomic
def domain_note_submit(
    *, user: User, values: DomainNoteValues, is_demo: bool = False
) -> DomainNote:
    """A domain expert submits a note on a use case for a steward's review."""
    person, contributor = member_contributor(user, "procurement.add_domainnote")
    errors = _note_errors(values)
    if errors:
        raise ValidationError(errors)
    note = DomainNote.objects.create(
        use_case=values.use_case,
        rule=values.rule,
        title=values.title.strip(),
        body=values.body.strip(),
        sources=[{"title": s["title"].strip(), "url": s["url"].strip()} for s in values.sources],
        submitted_by=person,
        affiliation=contributor.affiliation,
        is_demo=is_demo,
    )
    _record(
        person,
        "domain_note.submitted",
        note,
        f"Domain note submitted for review: {note.title} ({labels.USE_CASE[values.use_case]})",
        {"use_case": values.use_case, "rule": values.rule, "sources": note.sources},
    )
    transaction.on_commit(partial(notifications.submission_received, "domain_note", note.pk))
    return note


def _promote(measurement: Measurement, today: dt.date) -> None:
    """A measurement's p95 latency becomes the catalogue's, which the latency gate reads."""
    if measurement.p95_latency_ms is None:
        raise ValidationError(
            _(
                "This measurement has no p95 latency, the only measure the catalogue takes: "
                "return it, or leave it community-reported."
            )
        )
    offering = Offering.objects.select_for_update().get(pk=measurement.offering_id)
    offering.p95_latency_ms = measurement.p95_latency_ms
    offering.source_note = (
        f"p95 latency measured by a practitioner from {measurement.period_start.isoformat()} to "
        f"{measurement.period_end.isoformat()} over {format_count(measurement.requests)} "
        f"requests, promoted by a catalogue steward on {today.isoformat()}"
    )[:300]
    offering.checked_on = today
    offering.save(update_fields=["p95_latency_ms", "source_note", "checked_on"])


# Review -------------------------------------------------------------------------------------


def _method_text(submission: EvaluationSubmission) -> str:
    method = submission.get_method_display()
    if submission.method == EvaluationSubmission.Method.JUDGE_MODEL:
        method = f"{method} ({submission.judge_model})"
    return (
        f"{submission.benchmark}, {format_count(submission.items)} items; {method}; 95 % interval "
        f"{submission.ci_low}–{submission.ci_high}"
    )


def _accept_evaluation(submission: EvaluationSubmission, today: dt.date) -> QualityEvaluation:
    if status_of(submission.benchmark) != Submission.ACCEPTED:
        raise ValidationError(
            _("%(benchmark)s is not accepted: review it first.")
            % {"benchmark": submission.benchmark}
        )
    evaluation = QualityEvaluation(
        offering=submission.offering,
        evaluator=submission.evaluator,
        use_case=submission.use_case,
        language=submission.language,
        score=submission.score,
        method=_method_text(submission)[:300],
        evaluated_on=submission.run_on,
        valid_until=submission.valid_until,
        source_note=f"Community evaluation accepted by a catalogue steward on {today.isoformat()}",
        checked_on=today,
        is_demo=submission.is_demo,
    )
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as clash:
        raise ValidationError(
            _(
                "The catalogue already has this evaluator's score of this offer for this use case "
                "and language on that date."
            )
        ) from clash
    return evaluation


@transaction.atomic
def submission_review(
    *,
    user: User,
    submission: Reviewable,
    accept: bool,
    reasons: str = "",
) -> Review:
    """A catalogue steward accepts ``submission`` or returns it with reasons. Never one's own:
    not the person who submitted, not a member of the submitting organisation. An accepted
    provider change is loaded into the catalogue (dated rows added, none rewritten); an
    accepted measurement's p95 latency is promoted to the catalogue; a returned measurement is
    withdrawn from the offer's page."""
    steward = require_platform(user, REVIEW_PERMISSION)
    kind = KIND[type(submission)]
    locked: Reviewable = type(submission).objects.select_for_update().get(pk=submission.pk)
    if isinstance(locked, ProviderChange):
        own = ProviderMember.objects.filter(user=steward, provider_id=locked.provider_id).exists()
    elif isinstance(locked, EvaluationSubmission | Benchmark):
        own = EvaluatorMember.objects.filter(
            user=steward, evaluator_id=locked.evaluator_id
        ).exists()
    else:
        own = False
    if same_person(steward, locked.submitted_by) or own:
        raise PermissionDenied(_("A steward does not review their own organisation's submission."))
    if Review.objects.filter(**{kind: locked}).exists():
        raise ValidationError(str(REVIEWED_ALREADY[kind]))
    reasons = reasons.strip()
    if not accept and not reasons:
        raise ValidationError({"reasons": _("Say why it is returned, so the evaluator can act.")})
    if len(reasons) > 2000:
        raise ValidationError(
            {"reasons": _("Keep the reasons to %(limit)s characters.") % {"limit": "2,000"}}
        )
    today = timezone.localdate()
    quality = None
    if accept and isinstance(locked, EvaluationSubmission):
        quality = _accept_evaluation(locked, today)
    if accept and isinstance(locked, ProviderChange):
        catalogue_load(provider_change_check(locked.provider, locked.catalogue)[0])
    if accept and isinstance(locked, Measurement):
        _promote(locked, today)
    review = Review.objects.create(
        **{kind: locked},
        outcome=Submission.ACCEPTED if accept else Submission.RETURNED,
        reasons=reasons,
        reviewed_by=steward,
        quality_evaluation=quality,
    )
    verb = "accepted" if accept else "returned"
    _record(
        steward,
        f"{kind}.{verb}",
        locked,
        f"{kind.replace('_', ' ').capitalize()} {verb}: {locked}",
        {"submission": locked.pk, "reasons": reasons, "catalogue_row": quality and quality.pk},
    )
    transaction.on_commit(partial(notifications.submission_reviewed, review.pk))
    return review
