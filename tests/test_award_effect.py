"""One award's effect on the national share, on the comparison page and in the file note: "would
move the national share from x % to y %" before approval, "moved" once the national figures count
it (never counted twice), and plain words instead of a number while the national figures are
suppressed or empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from procurement import national, selectors, services, summary
from procurement.documents import jobs
from procurement.models import AwardFact, JustificationDocument, TransparencyCell
from providers.templatetags.formatting import percent

pytestmark = pytest.mark.django_db

ABROAD = 40_000_000  # inferences of a synthetic award served abroad: the share is not 100 %
SHARE = "the national share of public AI inferences run by domestic operators in India"


def abroad_award(department) -> AwardFact:
    """A synthetic award (as ``seed_scale`` makes them: no decision, demo) served abroad."""
    day = dt.date(2026, 10, 1)
    return AwardFact.objects.create(
        decision=None,
        department=department,
        sector=department.sector,
        body_type=department.body_type,
        ministry=department.parent,
        use_case="citizen_services",
        restricted=False,
        decided_on=day,
        quarter=national.quarter_of(day),
        contract_start=day,
        contract_end=dt.date(2027, 10, 1),
        offer_name="Foreign model (demo)",
        hosting="abroad",
        inferences=ABROAD,
        input_tokens=0,
        output_tokens=0,
        yearly_inferences=[ABROAD],
        nominal_inr=Decimal(0),
        npv_inr=Decimal(0),
        premium_paid_inr=Decimal(0),
        is_demo=True,
    )


@pytest.fixture
def nation(award_factory):
    """Three departments' approved awards and one served abroad, counted nationally."""
    decisions = [
        award_factory("health", sector="health"),
        award_factory("revenue", sector="finance"),
        award_factory("schools", sector="education", body_type="school"),
    ]
    abroad_award(decisions[0].department)
    summary.rebuild()
    return decisions


def national_cell() -> TransparencyCell:
    return TransparencyCell.objects.get(dimension="national", key="", quarter="")


def shares(added: int = 0, taken: int = 0) -> tuple[Decimal, Decimal]:
    """The domestic share now and with ``added`` domestic inferences more (``taken``: fewer)."""
    cell = national_cell()
    domestic, total = cell.domestic_inferences, national._total(cell)
    return (
        national._pct(domestic - taken, total - taken),
        national._pct(domestic + added, total + added),
    )


def page(client, username: str, comparison) -> str:
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("comparison_detail", args=[comparison.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_an_award_would_move_the_share_by_its_own_inferences(nation, award_factory):
    proposed = award_factory("courts", sector="justice", status="proposed")
    result = selectors.comparison_results(proposed.comparison)
    offer = result.offer(proposed.offer_id)
    assert offer.hosting == "domestic_operator"
    effect = national.award_effect(result, proposed.offer_id)
    now, then = shares(added=offer.tco.total_requests)
    assert (effect.before_pct, effect.after_pct) == (now, then)
    assert now < then < Decimal(100) and not effect.counted
    assert effect.as_of == national_cell().refreshed_at


def test_an_approved_award_counted_already_is_not_counted_twice(nation):
    decision = nation[0]
    fact = AwardFact.objects.get(decision=decision)
    result = selectors.comparison_results(decision.comparison)
    effect = national.award_effect(result, decision.offer_id, fact=fact)
    without, _ = shares(taken=fact.inferences)
    assert effect.counted
    assert effect.after_pct == national.headline().share_pct
    assert effect.before_pct == without < effect.after_pct
    # A fact the figures were refreshed before (its task still queued) is added, not taken out.
    TransparencyCell.objects.update(refreshed_at=fact.created_at - dt.timedelta(seconds=1))
    pending = national.award_effect(result, decision.offer_id, fact=fact)
    assert not pending.counted
    assert (pending.before_pct, pending.after_pct) == shares(added=fact.inferences)


def test_the_comparison_page_says_how_the_award_would_move_the_share(client, nation, award_factory):
    proposed = award_factory("courts", sector="justice", status="proposed")
    result = selectors.comparison_results(proposed.comparison)
    now, then = shares(added=result.offer(proposed.offer_id).tco.total_requests)
    html = page(client, "courts-officer", proposed.comparison)
    sentence = (
        f"The proposed award to {proposed.offer_name} would move {SHARE} from "
        f"{percent(now)} to {percent(then)}."
    )
    assert sentence in html
    assert html.count("would move") == 1  # it awards the recommended offer: said once
    assert f'href="{national.PUBLIC_PAGE}"' in html
    on = timezone.localtime(national_cell().refreshed_at)
    assert f"National figures of {on:%-d %B %Y, %H:%M}." in html


def test_the_page_of_an_approved_award_says_it_moved_the_share(client, nation):
    decision = nation[1]
    fact = AwardFact.objects.get(decision=decision)
    before, _ = shares(taken=fact.inferences)
    html = page(client, "revenue-officer", decision.comparison)
    after = national.headline().share_pct
    assert f"This award moved {SHARE} from {percent(before)} to {percent(after)}." in html
    assert "would move" not in html


def test_too_few_departments_or_none_yet_is_said_plainly(client, award_factory):
    proposed = award_factory("health", sector="health", status="proposed")
    html = page(client, "health-officer", proposed.comparison)
    assert "No award has been counted in the national figures yet" in html
    assert "would move" not in html and "National figures of" not in html

    award_factory("revenue", sector="finance")
    summary.rebuild()
    html = page(client, "health-officer", proposed.comparison)
    assert "The national share is not published yet: fewer than 3 departments" in html
    assert "would move" not in html and "National figures of" in html


def pdf_text(document: JustificationDocument) -> str:
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    reader = PdfReader(BytesIO(bytes(document.pdf)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_file_note_states_the_effect_and_the_date_of_the_figures(
    nation, award_factory, django_capture_on_commit_callbacks
):
    proposed = award_factory("courts", sector="justice", status="proposed")
    result = selectors.comparison_results(proposed.comparison)
    offer = result.offer(proposed.offer_id)
    now, then = shares(added=offer.tco.total_requests)
    officer = get_user_model().objects.get(username="courts-officer")
    with django_capture_on_commit_callbacks(execute=False):
        draft = services.document_request(user=officer, comparison=proposed.comparison)
    text = pdf_text(draft)
    on = timezone.localtime(national_cell().refreshed_at)
    # Before bids the note names no provider: where the service runs instead.
    assert (
        "An award to the comparison's first-ranked service (where it runs: Domestic operator "
        f"in India) would move {SHARE} from {percent(now)} to {percent(then)}. "
        f"National figures of {on:%-d %B %Y, %H:%M}."
    ) in text.replace("’", "'")
    assert offer.name not in text.split("Annex A")[0]
    assert "/transparency/" in text

    approver = get_user_model().objects.get(username="courts-approver")
    with django_capture_on_commit_callbacks(execute=False):
        services.decision_approve(user=approver, decision=proposed)
    summary.award_refresh(proposed.pk)
    fact = AwardFact.objects.get(decision=proposed)
    before, _ = shares(taken=fact.inferences)
    final = JustificationDocument.objects.get(comparison=proposed.comparison, final=True)
    text = pdf_text(final)
    after = national.headline().share_pct
    assert f"This award moved {SHARE} from {percent(before)} to {percent(after)}." in text
