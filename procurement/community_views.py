"""The community's pages: the public directory of evaluators, their accreditations and accepted
evaluations (each with its evidence); an evaluator member's forms and submissions; providers'
profiles and changes (and, for its members, where its offers failed recent comparisons by rule);
practitioners' measurements and domain experts' notes; a catalogue steward's review list.

What the public sees is only what a steward has accepted, and practitioners' measurements not
withdrawn. A submission awaiting review or returned is seen by its organisation's members (or
its author) and the stewards (``selectors``: 404 for anyone else, as a missing one).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import community, labels, selectors
from procurement.community import BenchmarkValues
from procurement.forms import (
    BenchmarkForm,
    DomainNoteForm,
    EvaluationForm,
    MeasurementForm,
    ProviderChangeForm,
    ReviewForm,
    add_service_errors,
)
from procurement.models import Measurement


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never to open in the page: the name is the checked one, quoted."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def community_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procurement/community/index.html",
        {
            "evaluators": selectors.evaluator_directory(),
            "benchmarks": selectors.benchmarks_visible_to(request.user).filter(
                review__outcome="accepted"
            ),
            "activity": selectors.community_activity(),
            "member_of": selectors.evaluator_of(request.user),
            "provider_of": selectors.provider_of(request.user),
            "contributor": selectors.contributor_of(request.user),
            "steward": selectors.is_steward(request.user),
            "notes": selectors.domain_note_rows().filter(review__outcome="accepted")[:50],
        },
    )


@require_GET
def community_evaluator(request: HttpRequest, slug: str) -> HttpResponse:
    evaluator, accreditations, accepted = selectors.evaluator_page(slug)
    return render(
        request,
        "procurement/community/evaluator.html",
        {"evaluator": evaluator, "accreditations": accreditations, "evaluations": accepted},
    )


@require_GET
def community_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    steward = selectors.is_steward(request.user)
    return render(
        request,
        "procurement/community/evaluation.html",
        {
            "submission": submission,
            "status": community.status_of(submission),
            "review": selectors.review_of(submission),
            "can_review": steward and selectors.review_of(submission) is None,
            "form": ReviewForm(),
        },
    )


@require_GET
def community_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    evidence = selectors.evidence_file(submission)
    return _download(bytes(evidence.data), evidence.content_type, evidence.name)


@require_GET
def community_item_results(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    data = selectors.item_results(submission)
    return _download(data, "application/jsonl", f"evaluation-{submission.pk}-items.jsonl")


@require_GET
def community_benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = selectors.get_benchmark_for_user(request.user, pk)
    steward = selectors.is_steward(request.user)
    return render(
        request,
        "procurement/community/benchmark.html",
        {
            "benchmark": benchmark,
            "languages": selectors.language_names(benchmark.languages),
            "status": community.status_of(benchmark),
            "review": selectors.review_of(benchmark),
            "can_review": steward and selectors.review_of(benchmark) is None,
            "form": ReviewForm(),
        },
    )


def _require_member(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission) or selectors.evaluator_of(request.user) is None:
        raise PermissionDenied(
            _("Only members of an evaluator organisation submit to the catalogue.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def community_benchmark_submit(request: HttpRequest) -> HttpResponse:
    _require_member(request, "procurement.add_benchmark")
    posted = request.method == "POST"
    form = BenchmarkForm(request.POST) if posted else BenchmarkForm()
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            benchmark = community.benchmark_register(
                user=request.user,
                values=BenchmarkValues(
                    name=data["name"],
                    version=data["version"],
                    description=data["description"],
                    languages=list(data["languages"]),
                    items=data["items"],
                    licence=data["licence"],
                    url=data["url"],
                    held_out=data["held_out"],
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(benchmark)s is submitted: a catalogue steward reviews it.")
                % {"benchmark": benchmark},
            )
            return redirect("community_benchmark", benchmark.pk)
    return render(
        request,
        "procurement/community/benchmark_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_evaluation_submit(request: HttpRequest) -> HttpResponse:
    _require_member(request, "procurement.add_evaluationsubmission")
    posted = request.method == "POST"
    form = EvaluationForm(request.POST, request.FILES) if posted else EvaluationForm()
    if posted and form.is_valid():
        try:
            submission = community.evaluation_submit(
                user=request.user,
                values=form.values(),
                evidence=form.cleaned_data["evidence"],
                item_results=form.cleaned_data["item_results"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The evaluation is submitted: a catalogue steward reviews it.")
            )
            return redirect("community_evaluation", submission.pk)
    return render(
        request,
        "procurement/community/evaluation_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def community_submissions(request: HttpRequest) -> HttpResponse:
    """What the person's community organisation submitted (an evaluator's evaluations and
    benchmarks), or what they published themselves (measurements, notes), whatever its state."""
    evaluator = selectors.evaluator_of(request.user)
    contributor = selectors.contributor_of(request.user)
    if evaluator is None and contributor is None:
        raise PermissionDenied(
            _("Only evaluators' members, practitioners and domain experts have submissions.")
        )
    evaluations, benchmarks = selectors.own_submissions(request.user)
    measurements, notes = selectors.own_contributions(request.user)
    return render(
        request,
        "procurement/community/submissions.html",
        {
            "evaluator": evaluator,
            "contributor": contributor,
            "evaluations": evaluations,
            "benchmarks": benchmarks,
            "measurements": measurements,
            "notes": notes,
        },
    )


@login_required
@require_GET
def community_review(request: HttpRequest) -> HttpResponse:
    """The catalogue steward's list: every submission awaiting review, oldest first."""
    _require_steward(request)
    return render(
        request, "procurement/community/review.html", {"awaiting": selectors.awaiting_review()}
    )


def _require_steward(request: HttpRequest) -> None:
    if not selectors.is_steward(request.user):
        raise PermissionDenied(_("Only catalogue stewards review the community's submissions."))


def _review(request: HttpRequest, submission: community.Reviewable, target: str) -> HttpResponse:
    form = ReviewForm(request.POST)
    accept = request.POST.get("outcome") == "accept"
    if form.is_valid():
        try:
            community.submission_review(
                user=request.user,
                submission=submission,
                accept=accept,
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if isinstance(submission, Measurement):
                done = (
                    _("Promoted to the catalogue.")
                    if accept
                    else _("Withdrawn, with your reasons.")
                )
            else:
                done = _("Accepted.") if accept else _("Returned, with your reasons.")
            messages.success(request, done)
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect(target, submission.pk)


@login_required
@require_POST
def community_evaluation_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_steward(request)
    submission = selectors.get_submission_for_user(request.user, pk)
    return _review(request, submission, "community_evaluation")


@login_required
@require_POST
def community_benchmark_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_steward(request)
    benchmark = selectors.get_benchmark_for_user(request.user, pk)
    return _review(request, benchmark, "community_benchmark")


# Providers ----------------------------------------------------------------------------------


@require_GET
def community_provider(request: HttpRequest, slug: str) -> HttpResponse:
    """A provider's profile: its offers and the review history of the changes it submitted
    (accepted ones for everyone; the rest for its members and the stewards)."""
    provider, changes = selectors.provider_profile(request.user, slug)
    member = selectors.provider_of(request.user) == provider
    own = member or selectors.is_steward(request.user)
    failures = selectors.provider_failures(provider, timezone.localdate()) if own else None
    return render(
        request,
        "procurement/community/provider.html",
        {
            "provider": provider,
            "changes": changes,
            "member": member,
            "failures": failures,
            "window_days": selectors.FAILURE_WINDOW_DAYS,
        },
    )


@require_GET
def community_provider_change(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.get_provider_change_for_user(request.user, pk)
    steward = selectors.is_steward(request.user)
    review = selectors.review_of(change)
    return render(
        request,
        "procurement/community/provider_change.html",
        {
            "change": change,
            "review": review,
            "effect": None if review else community.provider_change_effect(change),
            "can_review": steward and review is None,
            "form": ReviewForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_provider_change_submit(request: HttpRequest) -> HttpResponse:
    if (
        not request.user.has_perm("procurement.add_providerchange")
        or selectors.provider_of(request.user) is None
    ):
        raise PermissionDenied(_("Only a provider's members submit changes to its record."))
    posted = request.method == "POST"
    form = ProviderChangeForm(request.POST, request.FILES) if posted else ProviderChangeForm()
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            change = community.provider_change_submit(
                user=request.user,
                summary=data["summary"],
                catalogue=data["catalogue"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The change is submitted: a catalogue steward reviews it."))
            return redirect("community_provider_change", change.pk)
    return render(
        request,
        "procurement/community/provider_change_form.html",
        {"form": form, "provider": selectors.provider_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def community_provider_change_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_steward(request)
    change = selectors.get_provider_change_for_user(request.user, pk)
    return _review(request, change, "community_provider_change")


# Practitioners and domain experts -------------------------------------------------------------


def _require_contributor(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission) or selectors.contributor_of(request.user) is None:
        raise PermissionDenied(
            _("Only registered practitioners publish measurements, and domain experts notes.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def community_measurement_submit(request: HttpRequest) -> HttpResponse:
    _require_contributor(request, "procurement.add_measurement")
    posted = request.method == "POST"
    form = MeasurementForm(request.POST, request.FILES) if posted else MeasurementForm()
    if posted and form.is_valid():
        try:
            measurement = community.measurement_submit(
                user=request.user, values=form.values(), evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The measurement is published on the offer's page as community-reported."),
            )
            return redirect("community_measurement", measurement.pk)
    return render(
        request,
        "procurement/community/measurement_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def community_measurement(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = selectors.get_measurement_for_user(request.user, pk)
    review = selectors.review_of(measurement)
    return render(
        request,
        "procurement/community/measurement.html",
        {
            "m": measurement,
            "review": review,
            "can_review": selectors.is_steward(request.user) and review is None,
            "form": ReviewForm(),
        },
    )


@require_GET
def community_measurement_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = selectors.get_measurement_for_user(request.user, pk)
    evidence = selectors.evidence_file(measurement)
    return _download(bytes(evidence.data), evidence.content_type, evidence.name)


@login_required
@require_POST
def community_measurement_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_steward(request)
    measurement = selectors.get_measurement_for_user(request.user, pk)
    return _review(request, measurement, "community_measurement")


@login_required
@require_http_methods(["GET", "POST"])
def community_domain_note_submit(request: HttpRequest) -> HttpResponse:
    _require_contributor(request, "procurement.add_domainnote")
    posted = request.method == "POST"
    form = DomainNoteForm(request.POST) if posted else DomainNoteForm()
    if posted and form.is_valid():
        try:
            note = community.domain_note_submit(user=request.user, values=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The note is submitted: a catalogue steward reviews it."))
            return redirect("community_domain_note", note.pk)
    return render(
        request,
        "procurement/community/domain_note_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def community_domain_note(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.get_domain_note_for_user(request.user, pk)
    review = selectors.review_of(note)
    return render(
        request,
        "procurement/community/domain_note.html",
        {
            "note": note,
            "rule": labels.rule(note.rule) if note.rule else "",
            "review": review,
            "can_review": selectors.is_steward(request.user) and review is None,
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def community_domain_note_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_steward(request)
    note = selectors.get_domain_note_for_user(request.user, pk)
    return _review(request, note, "community_domain_note")
