"""Tenancy of the API, route by route. The route list comes from Django's URL resolver: a route
under /api/ without a row in ``ROWS`` fails ``test_every_api_route_has_a_row``.

Three callers try every route: anonymous (401, except the public catalogue, the national
figures and the schema), department B's key (another department's object answers exactly as a
missing one, for every method; lists never show A's rows; writes naming A's ids fail exactly as
writes naming missing ids), and department A's own key (every method the route has succeeds).
Cross-department attempts and successes are counted and printed (goal: 0 successes). The
community's routes for its members (``members``) refuse every department key (403): its service
account is no community member (tests/test_api_community.py tries the members themselves).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from procurement import national, ocds, services, tendering
from procurement.documents import jobs
from procurement.models import (
    AuditEvent,
    Bid,
    Comparison,
    Decision,
    JustificationDocument,
    Tender,
    UsageReport,
    Workload,
)
from providers.models import Offering
from tests.conftest import workload_data, workload_values
from tests.tenders import bid_values, tender_values
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

# Kinds of objects that belong to a department; every other target is shared or public.
OWNED = {"workload", "comparison", "decision", "document", "award", "tender"}
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
MISSING_ID = 987_654_321
MISSING_DOCUMENT = "00000000-0000-4000-8000-000000000000"

WORKLOAD = json.loads(json.dumps(workload_data(), default=str))
# The award's contract began before the last quarter, which has ended: it may be reported.
LAST_QUARTER = national.previous_quarter(national.quarter_of(timezone.localdate()))
CONTRACT_START = national.quarter_bounds(national.previous_quarter(LAST_QUARTER))[0]
USAGE = {
    "quarter": LAST_QUARTER,
    "requests": 1000,
    "input_tokens": 800_000,
    "output_tokens": 300_000,
    "invoiced_inr": "1250.00",
}


@dataclass(frozen=True)
class Row:
    """How to try one route. ``target``: which object of department A its URL names;
    ``lists``: the kind of department rows its GET lists; ``body``: the request body of its
    writes, given the ids to name (A's, or missing ones); ``leak_query``: a query string naming
    A's id, to be answered as for a missing id; ``state_conflicts``: methods the world's state
    answers with a 409; ``members``: every method not public is for the
    community's members, so a department's key is refused (403)."""

    target: str | None = None
    public: bool = False
    members: bool = False
    lists: str | None = None
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    patch: dict[str, Any] | None = None
    leak_query: Callable[[dict[str, Any]], str] | None = None
    # Methods the world's state refuses with a 409 (a sealed tender's bids list; an opening
    # before its time): the own key gets that conflict, not a success.
    state_conflicts: frozenset[str] = frozenset()

    def refuses_keys(self, method: str) -> bool:
        return self.members and not (self.public and method == "GET")

    def request_body(self, method: str, ids: dict[str, Any]) -> dict[str, Any] | None:
        if method == "PATCH":
            return self.patch
        return self.body(ids) if self.body and method in ("POST", "PUT") else None


def propose(ids: dict[str, Any]) -> dict[str, Any]:
    return {"comparison": ids["free_comparison"], "offer_id": ids["offer_id"]}


ROWS: dict[str, Row] = {
    "schema": Row(public=True),
    "swagger-ui": Row(public=True),
    "api:api-root": Row(),
    "api:ping": Row(),
    "api:provider-list": Row(public=True),
    "api:provider-detail": Row(target="provider", public=True),
    "api:offering-list": Row(public=True),
    "api:offering-detail": Row(target="offering", public=True),
    "api:fx-rate-list": Row(public=True),
    "api:transparency-index": Row(public=True),
    "api:transparency-figure": Row(target="figure", public=True),
    "api:transparency-figure-csv": Row(target="figure", public=True),
    "api:transparency-scenario": Row(public=True),
    "api:transparency-scenario-csv": Row(public=True),
    "api:ocds-releases": Row(public=True),
    "api:ocds-release-package": Row(target="ocid", public=True),
    "api:ocds-record": Row(target="ocid", public=True),
    "api:community-evaluator-list": Row(public=True),
    "api:community-evaluation-list": Row(public=True, members=True),
    "api:community-benchmark-list": Row(public=True, members=True),
    "api:community-measurement-list": Row(members=True),
    "api:community-submission-list": Row(members=True),
    "api:policy-pack-list": Row(),
    "api:policy-pack-detail": Row(target="pack"),
    "api:workload-list": Row(lists="workload", body=lambda ids: WORKLOAD),
    "api:workload-detail": Row(
        target="workload", body=lambda ids: WORKLOAD, patch={"title": "Renamed"}
    ),
    "api:workload-archive": Row(target="workload"),
    "api:comparison-list": Row(
        lists="comparison",
        body=lambda ids: {"workload": ids["workload"], "decision_date": "2026-11-26"},
        leak_query=lambda ids: f"?workload={ids['workload']}",
    ),
    "api:comparison-detail": Row(target="comparison"),
    "api:comparison-snapshot": Row(target="comparison"),
    "api:comparison-export-xlsx": Row(target="comparison"),
    "api:comparison-export-csv": Row(target="comparison"),
    "api:decision-list": Row(
        lists="decision",
        body=propose,
        leak_query=lambda ids: f"?comparison={ids['comparison']}",
    ),
    "api:decision-detail": Row(target="decision"),
    "api:decision-approve": Row(target="decision", body=lambda ids: {"note": "Approved."}),
    "api:decision-return": Row(target="decision", body=lambda ids: {"note": "See the report."}),
    "api:comparison-documents": Row(target="comparison", body=lambda ids: {}),
    "api:document-list": Row(
        lists="document", leak_query=lambda ids: f"?comparison={ids['comparison']}"
    ),
    "api:document-detail": Row(target="document"),
    "api:document-pdf": Row(target="document"),
    "api:award-list": Row(lists="award"),
    "api:award-detail": Row(target="award"),
    "api:award-usage": Row(target="award", body=lambda ids: USAGE),
    "api:tender-list": Row(lists="tender", body=lambda ids: tender_body(ids["tenderable"])),
    "api:tender-detail": Row(target="tender"),
    "api:tender-bids": Row(
        target="tender", body=lambda ids: ids["bid"], state_conflicts=frozenset({"GET"})
    ),
    "api:tender-open": Row(target="tender", state_conflicts=frozenset({"POST"})),
}


def tender_body(decision: int) -> dict[str, Any]:
    values = tender_values()
    return {
        "planning_decision": decision,
        **{
            name: str(value) if value is not None and not isinstance(value, bool) else value
            for name, value in dataclasses.asdict(values).items()
        },
        "bid_deadline": values.bid_deadline.isoformat(),
        "opening_at": values.opening_at.isoformat(),
    }


def api_routes(
    resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""
) -> dict[str, URLPattern]:
    """Every route whose path starts with api/, by its (namespaced) name; each pattern gains
    ``path_template``, its path with parameters as ``{name}``."""
    routes: dict[str, URLPattern] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes.update(api_routes(entry, inner, path))
        elif path.startswith("api/"):
            assert entry.name, f"the route {path} has no name: it cannot have a row"
            entry.path_template = path_template(path)
            routes[f"{namespace}{entry.name}"] = entry
    return routes


def path_template(route: str) -> str:
    """``api/v1/^workloads/(?P<pk>[^/.]+)/$`` → ``/api/v1/workloads/{pk}/``."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + re.sub(r"\\Z|[$^\\]", "", route)


def methods_of(pattern: URLPattern) -> set[str]:
    """The HTTP methods the route's view answers (not HEAD or OPTIONS, which every view has)."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        methods = {method.upper() for method in actions}
    else:
        view = callback.view_class
        methods = {m.upper() for m in view.http_method_names if hasattr(view, m)}
    return methods - {"HEAD", "OPTIONS"}


@dataclass
class World:
    a_key: str
    b_key: str
    targets: dict[str, dict[str, Any]]  # reverse() kwargs of A's objects, by kind
    missing: dict[str, dict[str, Any]]  # the same for objects that do not exist
    a_ids: dict[str, Any]  # ids a request body may name: A's
    missing_ids: dict[str, Any]  # the same, missing
    a_rows: dict[str, set[int]]  # every id of A's rows, by kind


@pytest.fixture
def world(
    departments, alice, bob, comparison, policy_pack, charlie, django_capture_on_commit_callbacks
) -> World:
    """Department A (alice's) with a workload, two comparisons, a proposed decision, an approved
    award whose contract has begun and a ready justification document; B with a workload of its
    own; a key with both roles in each."""
    import datetime as dt

    free = services.comparison_run(
        user=alice, workload=comparison.workload, decision_date=dt.date(2026, 11, 27)
    )
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with django_capture_on_commit_callbacks(execute=False):  # rendered here, not by a worker
        document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    services.workload_create(user=charlie, values=workload_values(title="Revenue helpline"))
    served = services.workload_create(
        user=alice, values=workload_values(title="Served helpline", start_date=CONTRACT_START)
    )
    awarded = services.comparison_run(
        user=alice, workload=served, decision_date=dt.date(2026, 11, 26)
    )
    award = services.decision_approve(
        user=bob,
        decision=services.decision_propose(
            user=alice, comparison=awarded, offer_id=awarded.recommended_offer_id
        ),
    )
    tenderable = services.decision_approve(
        user=bob,
        decision=services.decision_propose(
            user=alice,
            comparison=services.comparison_run(
                user=alice, workload=served, decision_date=dt.date(2026, 11, 27)
            ),
            offer_id=awarded.recommended_offer_id,
        ),
    )
    tender = tendering.tender_create(user=alice, decision=award, values=tender_values())
    tendering.bid_record(user=alice, tender=tender, values=bid_values(awarded))
    bid = bid_values(awarded)
    bid_body = {
        **{
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in dataclasses.asdict(bid).items()
            if name != "provider"
        },
        "received_at": bid.received_at.isoformat(),
    }
    offering = Offering.objects.select_related("provider").first()
    return World(
        a_key=make_key(departments[0], name="Health system")[1],
        b_key=make_key(departments[1], name="Revenue system")[1],
        targets={
            "workload": {"pk": comparison.workload_id},
            "comparison": {"pk": comparison.pk},
            "decision": {"pk": decision.pk},
            "document": {"pk": document.pk},
            "award": {"pk": award.pk},
            "pack": {"slug": policy_pack.slug, "version": policy_pack.version},
            "provider": {"slug": offering.provider.slug},
            "offering": {"slug": offering.slug},
            "figure": {"figure": "by-sector"},
            "ocid": {"ocid": ocds.ocid(award)},
            "tender": {"pk": tender.pk},
        },
        missing={
            **{kind: {"pk": MISSING_ID} for kind in OWNED},
            "document": {"pk": MISSING_DOCUMENT},
        },
        a_ids={
            "workload": comparison.workload_id,
            "comparison": comparison.pk,
            "free_comparison": free.pk,
            "offer_id": free.recommended_offer_id,
            "tenderable": tenderable.pk,
            "bid": bid_body,
        },
        missing_ids={
            "workload": MISSING_ID,
            "comparison": MISSING_ID,
            "free_comparison": MISSING_ID,
            "offer_id": free.recommended_offer_id,
            "tenderable": MISSING_ID,
            "bid": bid_body,
        },
        a_rows={
            "workload": {comparison.workload_id},
            "comparison": {comparison.pk, free.pk},
            "decision": {decision.pk},
            "document": {str(document.pk)},
            "award": {award.pk},
            "tender": {tender.pk},
        },
    )


def url(name: str, kwargs: dict[str, Any] | None) -> str:
    return reverse(name, kwargs=kwargs or None)


def call(client, method: str, path: str, body: dict[str, Any] | None = None):
    return client.generic(method, path, json.dumps(body or {}), "application/json")


def answer(response, ids: list[Any]) -> tuple[int, str]:
    """Status and body, with the ids named in the request replaced, for comparing two answers."""
    text = response.content.decode()
    for value in ids:
        text = re.sub(rf"(?<!\d){value}(?!\d)", "<id>", text)
    return response.status_code, text


def test_every_api_route_has_a_row():
    assert set(api_routes()) == set(ROWS), "add a row for the new route to ROWS"


def test_anonymous_callers_get_401_except_on_the_public_routes(world):
    client = client_with()
    for name, pattern in api_routes().items():
        row = ROWS[name]
        for method in sorted(methods_of(pattern)):
            path = url(name, world.targets.get(row.target))
            response = call(client, method, path, row.request_body(method, world.a_ids))
            if row.public and method == "GET":
                assert response.status_code == 200, f"{method} {name}"
            else:
                assert response.status_code == 401, f"{method} {name}: {response.status_code}"
                assert response["WWW-Authenticate"] == "Api-Key", name


def a_state() -> list[Any]:
    """Everything a refused request must leave as it was."""
    return [
        list(Workload.objects.values_list("pk", "title", "status", "updated_at")),
        list(Comparison.objects.values_list("pk")),
        list(Decision.objects.values_list("pk", "status", "decision_note")),
        list(JustificationDocument.objects.values_list("pk", "status")),
        UsageReport.objects.count(),
        Tender.objects.count(),
        Bid.objects.count(),
        AuditEvent.objects.count(),
    ]


def test_another_departments_key_learns_nothing_of_department_a(world, capsys):
    client = client_with(world.b_key)
    before = a_state()
    attempts, leaks = 0, []
    for name, pattern in api_routes().items():
        row = ROWS[name]
        if row.target in OWNED:
            # Every method, allowed or not, on A's object and on a missing one: same answer.
            ids = [world.targets[row.target]["pk"], world.missing[row.target]["pk"]]
            for method in METHODS:
                body = row.request_body(method, world.a_ids)
                theirs = call(client, method, url(name, world.targets[row.target]), body)
                missing = call(client, method, url(name, world.missing[row.target]), body)
                attempts += 1
                if theirs.status_code < 300 or answer(theirs, ids) != answer(missing, ids):
                    leaks.append(f"{method} {name}: {theirs.status_code} {theirs.content[:200]}")
        elif row.lists:
            attempts += 1
            shown = {item["id"] for item in client.get(url(name, None)).json()["results"]}
            if shown & world.a_rows[row.lists]:
                leaks.append(f"GET {name} lists department A's {row.lists}s")
            ids = [v for v in world.a_ids.values() if isinstance(v, int)] + [MISSING_ID]
            if row.leak_query:
                attempts += 1
                theirs = client.get(url(name, None) + row.leak_query(world.a_ids))
                missing = client.get(url(name, None) + row.leak_query(world.missing_ids))
                if answer(theirs, ids) != answer(missing, ids):
                    leaks.append(f"GET {name}{row.leak_query(world.a_ids)} differs from missing")
            if row.body and row.body(world.a_ids) != row.body(world.missing_ids):
                attempts += 1
                theirs = call(client, "POST", url(name, None), row.body(world.a_ids))
                missing = call(client, "POST", url(name, None), row.body(world.missing_ids))
                if theirs.status_code < 300 or answer(theirs, ids) != answer(missing, ids):
                    leaks.append(f"POST {name} naming A's ids: {theirs.status_code}")
        elif row.members:
            for method in methods_of(pattern):
                response = call(client, method, url(name, None), row.request_body(method, {}))
                expected = 403 if row.refuses_keys(method) else 200
                assert response.status_code == expected, f"{method} {name}"
        else:
            assert client.get(url(name, world.targets.get(row.target))).status_code == 200, name
    assert a_state() == before, "a refused request changed department A's records"
    with capsys.disabled():
        print(f"\nAPI tenancy matrix: {attempts} cross-department attempts, {len(leaks)} successes")
    assert attempts >= 50
    assert not leaks, "\n".join(leaks)


class Undo(Exception):
    """Raised to roll back what one of A's requests changed, so each starts from the same state."""


def test_the_own_departments_key_succeeds_on_every_route_and_method(world):
    client = client_with(world.a_key)
    tried = 0
    for name, pattern in api_routes().items():
        row = ROWS[name]
        path = url(name, world.targets.get(row.target))
        for method in sorted(methods_of(pattern)):
            body = row.request_body(method, world.a_ids)
            try:
                with transaction.atomic():
                    response = call(client, method, path, body)
                    raise Undo
            except Undo:
                pass
            tried += 1
            if method in row.state_conflicts:
                assert response.status_code == 409, f"{method} {name}: {response.status_code}"
                continue
            if row.refuses_keys(method):
                assert response.status_code == 403, f"{method} {name}: {response.status_code}"
                continue
            assert 200 <= response.status_code < 300, (
                f"{method} {name}: {response.status_code} {response.content[:300]}"
            )
    assert tried == sum(len(methods_of(p)) for p in api_routes().values())
