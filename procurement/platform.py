"""Changes to the data every department shares, by the platform's roles, maker-checker.

Publishing a policy pack version (the policy authority), changing the catalogue (catalogue
stewards) and granting or withdrawing an evaluator's accreditation (the accreditation authority)
are each proposed by one person and take effect only when another person of the same role
approves them (``audit.same_person``: an API key counts as its holder). Proposers and approvers
belong to no department. Every proposal, approval and rejection is an event on the platform's
audit chain, in the transaction of the change.

The national share target (``share_target_set``, the policy authority) is a statement of the
authority's own decision, recorded with its source rather than proposed: each target is a new
row (insert-only; the latest is the target) and an event on the platform's chain.

A catalogue change is a fragment in the catalogue-file format, loaded by the catalogue's own
upsert on approval. It may add rows and change descriptions, never rewrite history: a price, an
FX rate or a quality score already on file is never changed (a new one is a new, dated row), and
new prices and FX rates take effect today or later. Comparisons keep their snapshots either way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from procurement import labels
from procurement.audit import audit_record, canonical, same_person, sha256
from procurement.models import Accreditation, ChangeProposal, PolicyPack, ShareTarget
from procurement.selectors import User
from procurement.services import policy_document_check, require_platform
from providers.catalogue_format import CatalogueError, parse_catalogue
from providers.models import Evaluator, FxRate, Language, PriceRecord
from providers.services import UPDATED, LoadReport, catalogue_load

Kind = ChangeProposal.Kind

PERMISSION: dict[str, str] = {
    Kind.PACK_PUBLICATION: "procurement.publish_policypack",
    Kind.CATALOGUE: "procurement.change_catalogue",
    Kind.ACCREDITATION: "procurement.accredit_evaluator",
}
# Kinds of catalogue record that are dated observations: never rewritten, only added; and what
# a change that would rewrite some of them is told.
HISTORY: dict[str, StrPromise] = {
    "prices": gettext_lazy(
        "it would change %(count)s price(s) already on file: add a new dated one instead"
    ),
    "fx rates": gettext_lazy(
        "it would change %(count)s FX rate(s) already on file: add a new dated one instead"
    ),
    "evaluations": gettext_lazy(
        "it would change %(count)s quality score(s) already on file: add a new dated one instead"
    ),
}


def _pack_sha256(pack: PolicyPack) -> str:
    return sha256(canonical(pack.document))


def _record(proposal: ChangeProposal, user: Account, verb: str, payload: dict[str, Any]) -> None:
    audit_record(
        department=None,
        actor=user,
        action=f"{proposal.kind}.{verb}",
        obj=proposal,
        summary=f"{verb.capitalize()}: {proposal.get_kind_display()} — {proposal.summary}",
        payload={"kind": proposal.kind, **payload},
    )


def _summary(summary: str) -> str:
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Say what changes and why; it goes on file.")})
    if len(summary) > 500:
        raise ValidationError(
            {"summary": _("Keep the summary to %(limit)s characters.") % {"limit": 500}}
        )
    return summary


def _propose(user: User, kind: str, summary: str, **content: Any) -> ChangeProposal:
    user = require_platform(user, PERMISSION[kind])
    proposal = ChangeProposal.objects.create(
        kind=kind,
        summary=_summary(summary),
        proposed_by=user,
        proposed_at=timezone.now(),
        **content,
    )
    return proposal


# Policy pack publication --------------------------------------------------------------------


def _draft_check(pack: PolicyPack) -> None:
    if pack.is_published:
        raise ValidationError({"policy_pack": _("This version is already published.")})
    policy_document_check(pack.document)


def pack_publication_check(pack: PolicyPack) -> None:
    """ValidationError on ``policy_pack`` unless ``pack`` is a valid draft whose publication is
    not already awaiting approval."""
    _draft_check(pack)
    if ChangeProposal.objects.filter(
        policy_pack=pack, status=ChangeProposal.Status.PROPOSED
    ).exists():
        raise ValidationError({"policy_pack": _("Its publication is already awaiting approval.")})


@transaction.atomic
def pack_publication_propose(*, user: User, pack: PolicyPack, summary: str) -> ChangeProposal:
    """Propose publishing a draft version exactly as it stands now."""
    locked = PolicyPack.objects.select_for_update().get(pk=pack.pk)
    pack_publication_check(locked)
    proposal = _propose(
        user,
        Kind.PACK_PUBLICATION,
        summary,
        policy_pack=locked,
        pack_document_sha256=_pack_sha256(locked),
    )
    _record(
        proposal,
        proposal.proposed_by,
        "proposed",
        {"pack": locked.slug, "version": locked.version, "sha256": proposal.pack_document_sha256},
    )
    return proposal


def _publish(proposal: ChangeProposal, approver: Account) -> dict[str, Any]:
    pack = PolicyPack.objects.select_for_update().get(pk=proposal.policy_pack_id or 0)
    _draft_check(pack)
    if _pack_sha256(pack) != proposal.pack_document_sha256:
        raise ValidationError(_("The draft changed after it was proposed: propose it again."))
    pack.status = PolicyPack.Status.PUBLISHED
    pack.published_by = approver
    pack.published_at = timezone.now()
    pack.save(update_fields=["status", "published_by", "published_at"])
    return {"pack": pack.slug, "version": pack.version, "sha256": proposal.pack_document_sha256}


# Catalogue changes --------------------------------------------------------------------------


def catalogue_change_check(text: str) -> tuple[dict[str, Any], LoadReport]:
    """Parse a catalogue fragment and try it (rolled back): the document and what it would do.
    ValidationError on ``catalogue`` when it is invalid or would rewrite history."""
    try:
        data = parse_catalogue(text)
    except CatalogueError as error:
        raise ValidationError({"catalogue": [str(p) for p in error.problems]}) from None
    accredited = dict(Evaluator.objects.values_list("slug", "accredited"))
    problems = [
        _(
            "evaluators: %(slug)s: accreditation is granted or withdrawn by the accreditation "
            "authority, not in a catalogue change"
        )
        % {"slug": e["slug"]}
        for e in data.get("evaluators", [])
        if e["accredited"] != accredited.get(e["slug"], False)
    ]
    today = timezone.localdate().isoformat()
    fx_on_file = {(c, d.isoformat()) for c, d in FxRate.objects.values_list("currency", "date")}
    for fx in data.get("fx_rates", []):
        if (fx["currency"], fx["date"]) not in fx_on_file and fx["date"] < today:
            problems.append(
                _("fx_rates: a new %(currency)s rate is dated %(date)s, before today")
                % {"currency": fx["currency"], "date": fx["date"]}
            )
    prices_on_file = {
        (slug, day.isoformat())
        for slug, day in PriceRecord.objects.values_list("offering__slug", "effective_from")
    }
    for provider in data["providers"]:
        for offering in provider.get("offerings", []):
            for price in offering.get("prices", []):
                day = price["effective_from"]
                if (offering["slug"], day) not in prices_on_file and day < today:
                    problems.append(
                        _(
                            "%(offer)s: a new price is effective %(date)s, before today: a change "
                            "takes effect today or later"
                        )
                        % {"offer": offering["slug"], "date": day}
                    )
    if problems:
        raise ValidationError({"catalogue": problems})
    report = catalogue_load(data, dry_run=True)
    rewritten = [
        str(HISTORY[kind]) % {"count": counts[UPDATED]}
        for kind, counts in report.counts.items()
        if kind in HISTORY and counts[UPDATED]
    ]
    if rewritten:
        raise ValidationError({"catalogue": rewritten})
    return data, report


def _counts(report: LoadReport) -> dict[str, dict[str, int]]:
    return {kind: dict(counts) for kind, counts in report.counts.items()}


@transaction.atomic
def catalogue_change_propose(*, user: User, catalogue: str, summary: str) -> ChangeProposal:
    require_platform(user, PERMISSION[Kind.CATALOGUE])
    _data, report = catalogue_change_check(catalogue)
    if not report.changed:
        raise ValidationError({"catalogue": _("It changes nothing in the catalogue.")})
    proposal = _propose(user, Kind.CATALOGUE, summary, catalogue=catalogue)
    _record(
        proposal,
        proposal.proposed_by,
        "proposed",
        {"sha256": sha256(catalogue), "would": _counts(report)},
    )
    return proposal


def _apply_catalogue(proposal: ChangeProposal) -> dict[str, Any]:
    data, _report = catalogue_change_check(proposal.catalogue)
    report = catalogue_load(data)
    return {"sha256": sha256(proposal.catalogue), "loaded": _counts(report)}


# Evaluator accreditation --------------------------------------------------------------------


def accreditation_check(evaluator: Evaluator, accredited: bool, *, scoped: bool = False) -> None:
    """A grant without a scope (the catalogue's flag) or a withdrawal must change the flag; a
    scoped grant (a term for some use cases and languages) may renew or widen one."""
    if evaluator.accredited == accredited and not (accredited and scoped):
        if accredited:
            message = _("%(evaluator)s is already accredited.")
        else:
            message = _("%(evaluator)s is already not accredited.")
        raise ValidationError({"accredited": message % {"evaluator": evaluator.name}})


MAX_ACCREDITATION_YEARS = 3


def accreditation_scope_check(
    use_cases: list[str], languages: list[str], expires_on: dt.date | None
) -> None:
    """ValidationError naming the field unless the scope names known use cases and languages and
    the term ends after today and within MAX_ACCREDITATION_YEARS."""
    errors: dict[str, str] = {}
    if not use_cases:
        errors["use_cases"] = _("Name at least one use case the accreditation covers.")
    elif unknown := sorted(set(use_cases) - set(labels.USE_CASE)):
        errors["use_cases"] = _("Not a use case: %(codes)s.") % {"codes": ", ".join(unknown)}
    known = set(Language.objects.filter(code__in=languages).values_list("code", flat=True))
    if not languages:
        errors["languages"] = _("Name at least one language the accreditation covers.")
    elif unknown := sorted(set(languages) - known):
        errors["languages"] = _("Not a language of the catalogue: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    today = timezone.localdate()
    if expires_on is None:
        errors["expires_on"] = _("Give the date the accreditation expires.")
    elif expires_on <= today:
        errors["expires_on"] = _("The accreditation must run past today.")
    elif expires_on > today + dt.timedelta(days=366 * MAX_ACCREDITATION_YEARS):
        errors["expires_on"] = _(
            "An accreditation runs %(years)s years at most: renew it then."
        ) % {"years": MAX_ACCREDITATION_YEARS}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def accreditation_propose(
    *,
    user: User,
    evaluator: Evaluator,
    accredited: bool,
    accreditation: str,
    summary: str,
    use_cases: list[str] | None = None,
    languages: list[str] | None = None,
    expires_on: dt.date | None = None,
) -> ChangeProposal:
    """Propose granting (``accredited``) or withdrawing an evaluator's accreditation;
    ``accreditation`` names the scheme and who accredits, as the catalogue shows it. A grant
    with a scope (``use_cases`` × ``languages``) and a term (``expires_on``) becomes an
    ``Accreditation`` row on approval: the quality gates count the evaluator's scores for that
    scope until the term ends."""
    scoped = bool(use_cases or languages or expires_on)
    accreditation_check(evaluator, accredited, scoped=scoped)
    accreditation = accreditation.strip()
    if accredited and not accreditation:
        raise ValidationError({"accreditation": _("Name the scheme it is accredited under.")})
    if len(accreditation) > 200:
        raise ValidationError(
            {"accreditation": _("Keep it to %(limit)s characters.") % {"limit": 200}}
        )
    scope: dict[str, Any] = {}
    if scoped:
        if not accredited:
            raise ValidationError(
                {
                    "accredited": _(
                        "A withdrawal ends every accreditation: give it no scope or term."
                    )
                }
            )
        use_cases, languages = sorted(set(use_cases or ())), sorted(set(languages or ()))
        accreditation_scope_check(use_cases, languages, expires_on)
        scope = {"scope_use_cases": use_cases, "scope_languages": languages}
        scope["expires_on"] = expires_on
    proposal = _propose(
        user,
        Kind.ACCREDITATION,
        summary,
        evaluator=evaluator,
        accredited=accredited,
        accreditation=accreditation,
        **scope,
    )
    _record(
        proposal,
        proposal.proposed_by,
        "proposed",
        {
            "evaluator": evaluator.slug,
            "accredited": accredited,
            "accreditation": accreditation,
            **_scope_payload(proposal),
        },
    )
    return proposal


def _scope_payload(proposal: ChangeProposal) -> dict[str, Any]:
    if proposal.expires_on is None:
        return {}
    return {
        "use_cases": proposal.scope_use_cases,
        "languages": proposal.scope_languages,
        "expires_on": proposal.expires_on.isoformat(),
    }


def _accredit(proposal: ChangeProposal) -> dict[str, Any]:
    evaluator = Evaluator.objects.select_for_update().get(pk=proposal.evaluator_id or 0)
    accredited = bool(proposal.accredited)
    scoped = proposal.expires_on is not None
    accreditation_check(evaluator, accredited, scoped=scoped)
    if scoped:
        assert proposal.expires_on is not None
        today = timezone.localdate()
        if proposal.expires_on <= today:
            raise ValidationError(
                _("The proposed term has ended: propose the accreditation again.")
            )
        Accreditation.objects.create(
            evaluator=evaluator,
            use_cases=proposal.scope_use_cases,
            languages=proposal.scope_languages,
            granted_on=today,
            expires_on=proposal.expires_on,
            scheme=proposal.accreditation,
            proposal=proposal,
            is_demo=evaluator.is_demo,
        )
    evaluator.accredited = accredited
    evaluator.accreditation = proposal.accreditation
    evaluator.save(update_fields=["accredited", "accreditation"])
    return {"evaluator": evaluator.slug, "accredited": accredited, **_scope_payload(proposal)}


# Approval -----------------------------------------------------------------------------------


def _decide(user: User, proposal: ChangeProposal, status: str, note: str) -> ChangeProposal:
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    checker = require_platform(user, PERMISSION[locked.kind])
    if same_person(checker, locked.proposed_by):
        raise PermissionDenied(_("The person who proposed a change cannot also decide on it."))
    if locked.status != ChangeProposal.Status.PROPOSED:
        raise ValidationError(
            _("This proposal is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    note = note.strip()
    applied: dict[str, Any] = {}
    if status == ChangeProposal.Status.APPROVED:
        if locked.kind == Kind.PACK_PUBLICATION:
            applied = _publish(locked, checker)
        elif locked.kind == Kind.CATALOGUE:
            applied = _apply_catalogue(locked)
        else:
            applied = _accredit(locked)
    elif not note:
        raise ValidationError({"note": _("Say why it is rejected, so the proposer can act on it.")})
    locked.status = status
    locked.decided_by = checker
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _record(locked, checker, str(status), {"note": note, **applied})
    return locked


@transaction.atomic
def change_approve(*, user: User, proposal: ChangeProposal, note: str = "") -> ChangeProposal:
    """Another person of the same platform role approves: the change takes effect now."""
    return _decide(user, proposal, ChangeProposal.Status.APPROVED, note)


@transaction.atomic
def change_reject(*, user: User, proposal: ChangeProposal, note: str) -> ChangeProposal:
    return _decide(user, proposal, ChangeProposal.Status.REJECTED, note)


# The national share target ------------------------------------------------------------------

SHARE_TARGET_PERMISSION = "procurement.add_sharetarget"


def share_target_check(*, target_pct: Decimal, by_date: dt.date, source_note: str) -> None:
    """ValidationError naming the field unless the target is a share, to be reached after
    today, with its source named."""
    problems = {}
    if not Decimal(0) <= target_pct <= Decimal(100):
        problems["target_pct"] = _("A share is between %(low)s and %(high)s %%.") % {
            "low": 0,
            "high": 100,
        }
    if by_date <= timezone.localdate():
        problems["by_date"] = _("The date to reach the target is after today.")
    if not source_note.strip():
        problems["source_note"] = _(
            "Name the decision that sets the target; it is published with it."
        )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def share_target_set(
    *,
    user: User,
    target_pct: Decimal,
    by_date: dt.date,
    source_note: str,
    source_url: str = "",
    is_demo: bool = False,
) -> ShareTarget:
    """Record the national domestic share the policy authority aims for by ``by_date``, with
    the decision that set it; earlier targets stay as its history (``is_demo``: the demo's
    invented target, marked as such wherever it is shown)."""
    account = require_platform(user, SHARE_TARGET_PERMISSION)
    share_target_check(target_pct=target_pct, by_date=by_date, source_note=source_note)
    target = ShareTarget.objects.create(
        target_pct=target_pct,
        by_date=by_date,
        source_note=source_note.strip(),
        source_url=source_url.strip(),
        set_by=account,
        is_demo=is_demo,
    )
    audit_record(
        department=None,
        actor=account,
        action="share_target.set",
        obj=target,
        summary=f"National share target set: {target_pct} % by {by_date.isoformat()}",
        payload={
            "target_pct": str(target_pct),
            "by_date": by_date.isoformat(),
            "source_note": target.source_note,
            "source_url": target.source_url,
            "is_demo": is_demo,
        },
    )
    return target
