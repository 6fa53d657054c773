"""The tenancy and role matrix (issue 11): every route of the API (/api/v1/) and of the officer's
pages, found by walking Django's URL resolver, tried by every kind of caller, each answer
checked against ``EXPECTED``.

Rows are (method, route name): GET for every route that answers it, and the main writes (POST,
PUT, PATCH). Columns are the callers (``COLUMNS``): anonymous, a person of another department
holding every department role, one person of the own department per role of
``procurement.roles`` (each holding that role alone), and one API key per key role (held by the
person of that role). The decision tried is proposed by a further officer, so the approver
columns are not its maker. Path parameters name real objects of department A. A route without a row,
a role without a column, or a row of the wrong width fails.

A cell is a status, or one of: ``LOGIN`` (the page sends to the sign-in page), ``SHOWN`` (200,
listing department A's rows) and ``EMPTY`` (200, listing none of them). Adding a role is one
more entry in ``COLUMNS``, one in ``ROLE_COLUMNS`` (a department role: its person is of
department A) or ``PLATFORM_COLUMNS`` (a platform-wide role: its person belongs to no
department), and one more value in each row.

Department A's tender holds a sealed bid (its opening time not reached): no answer of any
route to any caller may show its bidder or its price (issue 15: sealed until the opening). The
committee member's column is a person holding the tender evaluation committee role appointed to
that tender's committee.

Every request runs in a transaction rolled back afterwards, so each cell starts from the same
state. The number of cells is printed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from procurement import api_keys, community, evaluation, national, ocds, services, tendering
from procurement.documents import jobs
from procurement.management.demo_community import price_change
from procurement.models import Contributor, DepartmentAPIKey, EvaluatorMember, ProviderMember
from procurement.roles import (
    ACCREDITATION_AUTHORITY,
    APPROVER,
    CATALOGUE_READERS,
    CATALOGUE_STEWARDS,
    COMMITTEE,
    DEPARTMENT_ADMINISTRATORS,
    DOMAIN_EXPERTS,
    EVALUATOR,
    EVALUATOR_MEMBERS,
    OFFICER,
    POLICY_AUTHORITY,
    POLICY_OFFICERS,
    PRACTITIONERS,
    PROVIDER_MEMBERS,
    ROLE_PERMISSIONS,
)
from providers.models import Evaluator, Offering, Provider
from tests.community import OFFER as COMMUNITY_OFFER
from tests.community import evidence, item_results
from tests.conftest import make_user, workload_data, workload_values
from tests.tenders import SEALED_BIDDER, SEALED_PRICE, bid_values, tender_values
from tests.test_api_support import client_with, make_key
from tests.test_workload_form import form_post

pytestmark = pytest.mark.django_db

LOGIN, SHOWN, EMPTY = "login", "shown", "empty"
# Provider P (the provider member's) and another provider (the other provider member's).
PROVIDER, OTHER_PROVIDER = "demo-mse-ai-labs", "sarvam-ai"
Cell = int | str

# The callers, in the order of every row's cells.
COLUMNS = (
    "anonymous",
    "other department",
    "officer",
    "approver",
    "key administrator",
    "policy officer",
    "catalogue reader",
    "evaluator",
    "key: officer",
    "key: approver",
    "policy authority",
    "catalogue steward",
    "accreditation authority",
    "evaluator member",
    "other evaluator",
    "provider member",
    "other provider",
    "practitioner",
    "domain expert",
    "committee member",
)
# The column of each role of procurement.roles (a person of department A holding only it).
ROLE_COLUMNS = {
    OFFICER: "officer",
    APPROVER: "approver",
    DEPARTMENT_ADMINISTRATORS: "key administrator",
    POLICY_OFFICERS: "policy officer",
    CATALOGUE_READERS: "catalogue reader",
    EVALUATOR: "evaluator",
    COMMITTEE: "committee member",
}
# The column of each platform-wide role (a person of no department holding only it).
PLATFORM_COLUMNS = {
    POLICY_AUTHORITY: "policy authority",
    CATALOGUE_STEWARDS: "catalogue steward",
    ACCREDITATION_AUTHORITY: "accreditation authority",
}
# The column of each community role (a person of no department holding only it: a member of
# evaluator organisation E, of provider P; a registered practitioner, domain expert); "other
# evaluator" and "other provider" are members of another organisation.
COMMUNITY_COLUMNS = {
    EVALUATOR_MEMBERS: "evaluator member",
    PROVIDER_MEMBERS: "provider member",
    PRACTITIONERS: "practitioner",
    DOMAIN_EXPERTS: "domain expert",
}
# The column of each role a key may be given (a key held by that role's person).
KEY_COLUMNS = {OFFICER: "key: officer", APPROVER: "key: approver"}

# fmt: off
# Rows of the same shape, named once. 4 = the four roles of A that see no workloads.
PAGE_READ = (LOGIN, 404, 200, 200, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)
PAGE_LIST = (LOGIN, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, LOGIN, LOGIN, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
PAGE_OFFICER_WRITE = (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)
PAGE_APPROVER_WRITE = (LOGIN, 404, 403, 302, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)
PAGE_SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200, 200, 200, LOGIN, LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
PUBLIC = (200,) * len(COLUMNS)
API_SIGNED_IN = (401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
API_READ = (401, 404, 200, 200, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)
API_LIST = (401, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
# Writes: the role is checked before the object is looked up (403 whatever the id).
API_OFFICER_CHANGE = (401, 404, 200, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403)
API_APPROVER_CHANGE = (401, 404, 403, 200, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403)
# A tender of department A: its officers, approvers and committee members see it.
TENDER_READ = (LOGIN, 404, 200, 200, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200)
TENDER_COMMITTEE_WRITE = (LOGIN, 404, 403, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 302)
COMMUNITY_PENDING = (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 200, 404, 404, 404, 404, 404, 404)
COMMUNITY_OWN_PRACTITIONER = (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 200, 404, 404)
COMMUNITY_REVIEW = (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 302, 403, 403, 403, 403, 403, 403, 403, 403)

#                                               callers: see COLUMNS
EXPECTED: dict[tuple[str, str], tuple[Cell, ...]] = {
    # The officer's pages
    ("GET", "workload_list"): PAGE_LIST,
    ("GET", "workload_create"): (LOGIN, 200, 200, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("POST", "workload_create"): (LOGIN, 302, 302, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "workload_detail"): PAGE_READ,
    ("GET", "workload_edit"): (LOGIN, 404, 200, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "workload_edit"): PAGE_OFFICER_WRITE,
    # Archiving asks first (GET), then archives (POST); unarchiving undoes it (here the workload
    # is active, so the officer is told so and sent back: 302).
    ("GET", "workload_archive"): (LOGIN, 404, 200, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "workload_archive"): PAGE_OFFICER_WRITE,
    ("POST", "workload_unarchive"): PAGE_OFFICER_WRITE,
    ("POST", "comparison_create"): PAGE_OFFICER_WRITE,
    ("GET", "comparison_detail"): PAGE_READ,
    ("GET", "comparison_snapshot"): PAGE_READ,
    ("GET", "comparison_export_xlsx"): PAGE_READ,
    ("GET", "comparison_export_csv"): PAGE_READ,
    ("POST", "decision_propose"): PAGE_OFFICER_WRITE,
    ("POST", "document_create"): PAGE_OFFICER_WRITE,
    ("GET", "document_detail"): PAGE_READ,
    ("GET", "document_status"): PAGE_READ,
    ("GET", "document_download"): PAGE_READ,
    ("GET", "document_verify"): PUBLIC,
    ("GET", "snapshot_signing_key"): PUBLIC,
    ("GET", "decision_detail"): PAGE_READ,
    ("POST", "decision_approve"): PAGE_APPROVER_WRITE,
    ("POST", "decision_return"): PAGE_APPROVER_WRITE,
    ("GET", "history"): PAGE_LIST,
    # Awards and their use: whoever sees decisions sees the awards; officers report usage (the
    # other department's person, an officer of B, reaches B's upload: an empty form is a 400).
    ("GET", "awards"): PAGE_LIST,
    ("GET", "usage_upload"): (LOGIN, 200, 200, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("POST", "usage_upload"): (LOGIN, 400, 400, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "usage_template"): (LOGIN, 200, 200, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    # The inbox: the approver sees the maker's proposal awaiting; the officer (not its maker)
    # has nothing returned to them; the other department's approver sees nothing of A's.
    ("GET", "inbox"): (LOGIN, EMPTY, EMPTY, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, LOGIN, LOGIN, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY),
    ("GET", "policy_list"): PAGE_SIGNED_IN,
    ("GET", "policy_detail"): PAGE_SIGNED_IN,
    ("GET", "policy_diff"): PAGE_SIGNED_IN,
    ("GET", "policy_file"): PAGE_SIGNED_IN,
    # Adopting a pack version: the department's administrator and policy officer (the other
    # department's person, holding every role of B, adopts for B); platform roles have none.
    ("POST", "policy_adopt"): (LOGIN, 302, 403, 403, 302, 302, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    # The signed checkpoints of every chain: public.
    ("GET", "audit_checkpoints"): PUBLIC,
    ("GET", "audit_checkpoints_file"): PUBLIC,
    # Keys: an administrator sees the department's (SHOWN: a key held by someone else), other
    # persons their own; anyone may issue a key to themselves with roles they hold (here the
    # officer role: 400 for those who do not hold it). Keys are a department's: a platform
    # person, in no department, has none (403).
    ("GET", "api_key_list"): (LOGIN, EMPTY, EMPTY, EMPTY, SHOWN, EMPTY, EMPTY, EMPTY, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, EMPTY),
    ("GET", "api_key_create"): (LOGIN, 200, 200, 200, 200, 200, 200, 200, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200),
    ("POST", "api_key_create"): (LOGIN, 200, 200, 400, 400, 400, 400, 400, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 403, 400),
    ("POST", "api_key_revoke"): (LOGIN, 404, 404, 404, 302, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # The community: the directory is public; a submission awaiting review (of organisation E)
    # is seen by E's members and the stewards only (404 for anyone else); members submit for
    # their own organisation (an empty form: 400); stewards review (accept: 302).
    ("GET", "community_index"): PUBLIC,
    ("GET", "community_evaluator"): PUBLIC,
    ("GET", "community_evaluation"): COMMUNITY_PENDING,
    ("GET", "community_evidence"): COMMUNITY_PENDING,
    ("GET", "community_item_results"): COMMUNITY_PENDING,
    ("GET", "community_benchmark"): COMMUNITY_PENDING,
    ("POST", "community_evaluation_review"): COMMUNITY_REVIEW,
    ("POST", "community_benchmark_review"): COMMUNITY_REVIEW,
    ("GET", "community_evaluation_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403),
    ("POST", "community_evaluation_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 400, 400, 403, 403, 403, 403, 403),
    ("GET", "community_benchmark_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403),
    ("POST", "community_benchmark_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 400, 400, 403, 403, 403, 403, 403),
    ("GET", "community_submissions"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, SHOWN, EMPTY, 403, 403, EMPTY, EMPTY, 403),
    # A withdrawn measurement and a note awaiting review: their author's and the stewards'.
    ("GET", "community_measurement"): COMMUNITY_OWN_PRACTITIONER,
    ("GET", "community_measurement_evidence"): COMMUNITY_OWN_PRACTITIONER,
    ("POST", "community_measurement_review"): COMMUNITY_REVIEW,
    ("GET", "community_measurement_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403),
    ("POST", "community_measurement_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 400, 403, 403),
    ("GET", "community_domain_note"): (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404, 200, 404),
    ("POST", "community_domain_note_review"): COMMUNITY_REVIEW,
    ("GET", "community_domain_note_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403),
    ("POST", "community_domain_note_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 403, 403, 403, 400, 403),
    ("GET", "community_provider"): PUBLIC,
    ("GET", "community_provider_change"): (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    ("POST", "community_provider_change_review"): COMMUNITY_REVIEW,
    ("GET", "community_provider_change_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    ("POST", "community_provider_change_submit"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, 403, 403, 403, 403, 400, 400, 403, 403, 403),
    ("GET", "community_review"): (LOGIN, 403, 403, 403, 403, 403, 403, 403, LOGIN, LOGIN, 403, SHOWN, 403, 403, 403, 403, 403, 403, 403, 403),
    # Tenders: the department's officers and approvers see them; an officer publishes one from
    # a decision, records bids, opens them (before the opening time: refused, with a message).
    ("GET", "tender_list"): (LOGIN, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, LOGIN, LOGIN, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, SHOWN),
    ("POST", "tender_bid_document"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("GET", "tender_detail"): TENDER_READ,
    ("GET", "tender_create"): (LOGIN, 404, 200, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "tender_create"): (LOGIN, 404, 400, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "bid_record"): (LOGIN, 404, 200, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "bid_record"): (LOGIN, 404, 400, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    # The technical stage: an officer appoints the committee (an empty form: told so, 302); the
    # committee member, appointed, is sent back from a sealed bid's technical page and told
    # the marks wait for the opening (302); officers and approvers see the marks page.
    ("POST", "committee_appoint"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("GET", "technical_result"): TENDER_COMMITTEE_WRITE,
    ("POST", "technical_result"): TENDER_COMMITTEE_WRITE,
    ("GET", "technical_marks"): TENDER_READ,
    ("POST", "technical_marks"): TENDER_COMMITTEE_WRITE,
    ("POST", "tender_open"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    # The financial stage: an officer evaluates, invites, proposes the award and records the
    # contract (on a sealed tender each is refused with a message: 302); the approver and the
    # committee member may not (403); a reply to an invitation that does not exist is a 404.
    ("POST", "tender_evaluate"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "invitation_issue"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "invitation_reply"): (LOGIN, 404, 404, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "award_propose"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "contract_sign"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    # The committee's report: refused before an evaluation (302 with a message) for an officer.
    ("POST", "tender_evaluation_report"): (LOGIN, 404, 302, 403, 404, 404, 404, 404, LOGIN, LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    # Open contracting data: public.
    ("GET", "api:ocds-releases"): PUBLIC,
    ("GET", "api:ocds-release-package"): PUBLIC,
    ("GET", "api:ocds-record"): PUBLIC,
    # Tenders in the API: a sealed tender's bids list is a conflict (409) until the opening.
    ("GET", "api:tender-list"): (401, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, SHOWN, SHOWN, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, SHOWN),
    ("POST", "api:tender-list"): (401, 400, 400, 403, 403, 403, 403, 403, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "api:tender-detail"): (401, 404, 200, 200, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200),
    ("GET", "api:tender-bids"): (401, 404, 409, 409, 404, 404, 404, 404, 409, 409, 404, 404, 404, 404, 404, 404, 404, 404, 404, 409),
    ("POST", "api:tender-bids"): (401, 404, 400, 403, 404, 404, 404, 404, 400, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403),
    ("POST", "api:tender-open"): (401, 404, 409, 403, 403, 403, 403, 403, 409, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    # The community's API: the directory public; each write its members' (others 403, before
    # the body is read); a member's empty JSON body to a file upload is refused (415).
    ("GET", "api:community-evaluator-list"): PUBLIC,
    ("GET", "api:community-evaluation-list"): PUBLIC,
    ("POST", "api:community-evaluation-list"): (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 415, 415, 403, 403, 403, 403, 403),
    ("GET", "api:community-benchmark-list"): PUBLIC,
    ("POST", "api:community-benchmark-list"): (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 400, 400, 403, 403, 403, 403, 403),
    ("POST", "api:community-measurement-list"): (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 415, 403, 403),
    ("GET", "api:community-submission-list"): (401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 200, 200, 403),
    # The API
    ("GET", "api:api-root"): API_SIGNED_IN,
    ("GET", "api:ping"): API_SIGNED_IN,
    ("GET", "api:provider-list"): PUBLIC,
    ("GET", "api:provider-detail"): PUBLIC,
    ("GET", "api:offering-list"): PUBLIC,
    ("GET", "api:offering-detail"): PUBLIC,
    ("GET", "api:fx-rate-list"): PUBLIC,
    # The national figures: public, JSON and CSV.
    ("GET", "transparency"): PUBLIC,
    ("GET", "api:transparency-index"): PUBLIC,
    ("GET", "api:transparency-figure"): PUBLIC,
    ("GET", "api:transparency-figure-csv"): PUBLIC,
    ("GET", "api:transparency-scenario"): PUBLIC,
    ("GET", "api:transparency-scenario-csv"): PUBLIC,
    ("GET", "api:policy-pack-list"): API_SIGNED_IN,
    ("GET", "api:policy-pack-detail"): API_SIGNED_IN,
    ("GET", "api:workload-list"): API_LIST,
    ("POST", "api:workload-list"): (401, 201, 201, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "api:workload-detail"): API_READ,
    ("PUT", "api:workload-detail"): API_OFFICER_CHANGE,
    ("PATCH", "api:workload-detail"): API_OFFICER_CHANGE,
    ("POST", "api:workload-archive"): API_OFFICER_CHANGE,
    ("GET", "api:comparison-list"): API_LIST,
    # Another department's workload id in the body: 404, as for a missing id.
    ("POST", "api:comparison-list"): (401, 404, 201, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "api:comparison-detail"): API_READ,
    ("GET", "api:comparison-snapshot"): API_READ,
    ("GET", "api:comparison-export-xlsx"): API_READ,
    ("GET", "api:comparison-export-csv"): API_READ,
    ("POST", "api:comparison-documents"): (401, 404, 202, 403, 403, 403, 403, 403, 202, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "api:decision-list"): API_LIST,
    ("POST", "api:decision-list"): (401, 404, 201, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "api:decision-detail"): API_READ,
    ("POST", "api:decision-approve"): API_APPROVER_CHANGE,
    ("POST", "api:decision-return"): API_APPROVER_CHANGE,
    ("GET", "api:document-list"): API_LIST,
    ("GET", "api:document-detail"): API_READ,
    ("GET", "api:document-pdf"): API_READ,
    ("GET", "api:award-list"): API_LIST,
    ("GET", "api:award-detail"): API_READ,
    ("GET", "api:award-usage"): API_READ,
    ("POST", "api:award-usage"): (401, 404, 201, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
}
# fmt: on

WORKLOAD_JSON = json.loads(json.dumps(workload_data(title="Matrix helpline"), default=str))
MARKER = "Matrix helpline"  # the title of department A's workload, as lists show it
AWARD_MARKER = "Served helpline"  # the title of the workload of department A's award
TENDER_MARKER = "MATRIX/TENDER/1"  # the reference of the tender of that award
# The award's contract began before the last quarter, which has ended: it may be reported.
LAST_QUARTER = national.previous_quarter(national.quarter_of(timezone.localdate()))
CONTRACT_START = national.quarter_bounds(national.previous_quarter(LAST_QUARTER))[0]


# The routes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    template: str  # the path with parameters as {name}
    methods: frozenset[str] | None  # None: a function view (its methods are not declared)

    @property
    def api(self) -> bool:
        return self.template.startswith("/api/")


def _template(route: str) -> str:
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + re.sub(r"\\Z|[$^\\]", "", route)


def _methods(pattern: URLPattern) -> frozenset[str] | None:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        return frozenset(method.upper() for method in actions)
    view = getattr(callback, "view_class", None)
    if view is None:
        return None
    return frozenset(m.upper() for m in view.http_method_names if hasattr(view, m)) - {
        "HEAD",
        "OPTIONS",
    }


def matrix_routes(
    resolver: URLResolver | None = None, namespace: str = "", prefix: str = "", pages: bool = False
) -> dict[str, Route]:
    """Every route under /api/v1/ and every route of procurement.urls (the officer's pages),
    by (namespaced) name."""
    routes: dict[str, Route] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_name, "__name__", entry.urlconf_name)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes.update(matrix_routes(entry, inner, path, pages or module == "procurement.urls"))
        elif pages or _template(path).startswith("/api/v1/"):
            assert entry.name, f"the route {path} has no name: it cannot have a row"
            name = f"{namespace}{entry.name}"
            routes[name] = Route(name, _template(path), _methods(entry))
    return routes


# The world: department A's objects and the callers ---------------------------------------------


@dataclass
class World:
    params: dict[str, Any]  # a value of A's for each path parameter, by route kind
    ids: dict[str, Any]  # ids a body names
    listed: dict[str, set[Any]]  # A's ids that an API list shows, by route name
    markers: dict[str, str]  # text a page list shows when it lists A's rows, by route name
    clients: dict[str, APIClient]
    persons: dict[str, Any]  # the person behind each column (None for anonymous)


@pytest.fixture
def world(departments, policy_pack, demo_catalogue, django_capture_on_commit_callbacks) -> World:
    a, b = departments
    persons: dict[str, Any] = {"anonymous": None}
    for role, column in ROLE_COLUMNS.items():
        persons[column] = make_user(column.replace(" ", "-"), a, role)
    for role, column in PLATFORM_COLUMNS.items():
        persons[column] = get_user_model().objects.create_user(column.replace(" ", "-"))
        persons[column].groups.add(Group.objects.get(name=role))
    for role, column in COMMUNITY_COLUMNS.items():
        persons[column] = get_user_model().objects.create_user(column.replace(" ", "-"))
        persons[column].groups.add(Group.objects.get(name=role))
    persons["other evaluator"] = get_user_model().objects.create_user("other-evaluator")
    persons["other evaluator"].groups.add(Group.objects.get(name=EVALUATOR_MEMBERS))
    lab = Evaluator.objects.create(slug="lab-e", name="Evaluation Lab E")
    EvaluatorMember.objects.create(user=persons["evaluator member"], evaluator=lab)
    EvaluatorMember.objects.create(
        user=persons["other evaluator"],
        evaluator=Evaluator.objects.create(slug="lab-f", name="Evaluation Lab F"),
    )
    persons["other provider"] = get_user_model().objects.create_user("other-provider")
    persons["other provider"].groups.add(Group.objects.get(name=PROVIDER_MEMBERS))
    ProviderMember.objects.create(
        user=persons["provider member"], provider=Provider.objects.get(slug=PROVIDER)
    )
    ProviderMember.objects.create(
        user=persons["other provider"], provider=Provider.objects.get(slug=OTHER_PROVIDER)
    )
    steward = get_user_model().objects.create_user("second-steward")
    steward.groups.add(Group.objects.get(name=CATALOGUE_STEWARDS))
    benchmark = community.benchmark_register(
        user=persons["evaluator member"],
        values=community.BenchmarkValues(
            name="Matrix QA",
            version="1",
            description="",
            languages=["en", "hi"],
            items=100,
            licence="CC BY 4.0",
            url="https://example.org/matrix-qa",
            held_out=False,
        ),
    )
    community.submission_review(user=steward, submission=benchmark, accept=True)
    pending_benchmark = community.benchmark_register(
        user=persons["evaluator member"],
        values=community.BenchmarkValues(
            name="Matrix QA",
            version="2",
            description="",
            languages=["hi"],
            items=100,
            licence="CC BY 4.0",
            url="https://example.org/matrix-qa",
            held_out=False,
        ),
    )
    pending = community.evaluation_submit(
        user=persons["evaluator member"],
        values=community.EvaluationValues(
            offering=Offering.objects.get(slug=COMMUNITY_OFFER),
            model_snapshot="matrix-1",
            use_case="citizen_services",
            language="hi",
            benchmark=benchmark,
            method="exact_match",
            judge_model="",
            judge_prompt="",
            settings="Zero-shot.",
            score=Decimal("82.00"),
            run_on=timezone.localdate(),
            has_ties=False,
            ties="",
        ),
        evidence=evidence(),
        item_results=item_results(82),
    )
    pending_change = community.provider_change_submit(
        user=persons["provider member"], summary="Matrix price", catalogue=price_change(PROVIDER)
    )
    for column in ("practitioner", "domain expert"):
        Contributor.objects.create(user=persons[column], affiliation="Matrix affiliation")
    withdrawn = community.measurement_submit(
        user=persons["practitioner"],
        values=community.MeasurementValues(
            offering=Offering.objects.get(slug=COMMUNITY_OFFER),
            period_start=timezone.localdate() - dt.timedelta(days=7),
            period_end=timezone.localdate(),
            requests=1_000,
            p50_latency_ms=None,
            p95_latency_ms=900,
            tokens_per_second=None,
            availability_pct=None,
            observed_inr_per_mtok=None,
            method="Timed.",
        ),
        evidence=evidence(),
    )
    community.submission_review(
        user=steward, submission=withdrawn, accept=False, reasons="Matrix: withdrawn."
    )
    pending_note = community.domain_note_submit(
        user=persons["domain expert"],
        values=community.DomainNoteValues(
            use_case="health",
            rule="",
            title="Matrix note",
            body="Why.",
            sources=[{"title": "A source", "url": "https://example.org/source"}],
        ),
    )
    other = make_user("other-department", b, OFFICER)
    other.groups.add(*Group.objects.filter(name__in=ROLE_COLUMNS))
    persons["other department"] = other
    maker = make_user("maker", a, OFFICER)

    workload = services.workload_create(user=maker, values=workload_values(title=MARKER))
    comparison = services.comparison_run(
        user=maker, workload=workload, decision_date=dt.date(2026, 11, 26)
    )
    free = services.comparison_run(
        user=maker, workload=workload, decision_date=dt.date(2026, 11, 27)
    )
    decision = services.decision_propose(
        user=maker, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=maker, comparison=comparison)
    jobs.document_render(str(document.pk))
    makers_key, _ = make_key(a, (OFFICER,), "Maker's system", person=maker)
    served = services.workload_create(
        user=maker, values=workload_values(title=AWARD_MARKER, start_date=CONTRACT_START)
    )
    awarded = services.comparison_run(
        user=maker, workload=served, decision_date=dt.date(2026, 11, 26)
    )
    award = services.decision_approve(
        user=persons["approver"],
        decision=services.decision_propose(
            user=maker, comparison=awarded, offer_id=awarded.recommended_offer_id
        ),
    )
    tender = tendering.tender_create(
        user=maker, decision=award, values=tender_values(reference=TENDER_MARKER)
    )
    bid = tendering.bid_record(user=maker, tender=tender, values=bid_values(awarded))
    evaluation.committee_appoint(user=maker, tender=tender, member=persons["committee member"])
    offering = Offering.objects.select_related("provider").first()

    clients: dict[str, APIClient] = {"anonymous": client_with()}
    for column, person in persons.items():
        if person is not None:
            clients[column] = client_with()
            clients[column].force_login(person)
    for role, column in KEY_COLUMNS.items():
        holder = persons[ROLE_COLUMNS[role]]
        persons[column] = holder
        clients[column] = client_with(make_key(a, (role,), column, person=holder)[1])
    return World(
        params={
            "workloads": {"pk": workload.pk},
            "comparisons": {"pk": comparison.pk},
            "free comparison": {"pk": free.pk},  # no live proposal: one may be made
            "decisions": {"pk": decision.pk},
            "documents": {"pk": document.pk},
            "awards": {"pk": award.pk},
            "api-keys": {"prefix": makers_key.prefix},
            "policies": {"slug": policy_pack.slug, "version": policy_pack.version},
            "policy-diff": {
                "slug": policy_pack.slug,
                "old": policy_pack.version,
                "new": policy_pack.version,
            },
            "policy-packs": {"slug": policy_pack.slug, "version": policy_pack.version},
            "providers": {"slug": offering.provider.slug},
            "offerings": {"slug": offering.slug},
            "transparency": {"figure": "usage"},
            "community-evaluations": {"pk": pending.pk},
            "community-benchmarks": {"pk": pending_benchmark.pk},
            "community-evaluators": {"slug": lab.slug},
            "community-providers": {"slug": PROVIDER},
            "community-provider-changes": {"pk": pending_change.pk},
            "community-measurements": {"pk": withdrawn.pk},
            "community-notes": {"pk": pending_note.pk},
            "tenders": {"pk": tender.pk},
            "tender bid": {"pk": tender.pk, "bid_pk": bid.pk},
            # No invitation exists while the bids are sealed: the route answers 404 to those
            # who may reply.
            "tender invitation": {"pk": tender.pk, "invitation_pk": 2**31 - 1},
            "ocds": {"ocid": ocds.ocid(award)},
        },
        ids={
            "workload": workload.pk,
            "free_comparison": free.pk,
            "offer_id": free.recommended_offer_id,
        },
        listed={
            "api:workload-list": {workload.pk},
            "api:comparison-list": {comparison.pk, free.pk},
            "api:decision-list": {decision.pk},
            "api:document-list": {str(document.pk)},
            "api:award-list": {award.pk},
            "api:tender-list": {tender.pk},
        },
        markers={
            "workload_list": MARKER,
            "history": MARKER,
            "awards": AWARD_MARKER,
            "inbox": MARKER,
            "api_key_list": makers_key.prefix,
            "community_submissions": "matrix-1",
            "community_review": "Evaluation Lab E",
            "tender_list": TENDER_MARKER,
        },
        clients=clients,
        persons=persons,
    )


def _kwargs(route: Route, world: World) -> dict[str, Any]:
    names = re.findall(r"{(\w+)}", route.template)
    if not names:
        return {}
    if "old" in names:
        return world.params["policy-diff"]
    if route.name == "decision_propose":
        return world.params["free comparison"]
    if "bid_pk" in names:
        return world.params["tender bid"]
    if "invitation_pk" in names:
        return world.params["tender invitation"]
    kind = route.template.removeprefix("/api/v1/").strip("/").split("/")[0]
    if kind == "community":
        kind = "community-" + route.template.split("/")[2]
    return world.params[kind]


# The bodies of the writes: JSON for the API, form fields for the pages.
BODIES: dict[tuple[str, str], Callable[[World, Any], dict[str, Any]]] = {
    ("POST", "workload_create"): lambda world, person: form_post(title="Matrix copy"),
    ("POST", "workload_edit"): lambda world, person: form_post(title="Matrix renamed"),
    ("POST", "decision_propose"): lambda world, person: {"offer_id": world.ids["offer_id"]},
    ("POST", "decision_approve"): lambda world, person: {"note": "Within budget."},
    ("POST", "decision_return"): lambda world, person: {"note": "Attach the report."},
    ("POST", "community_evaluation_review"): lambda world, person: {"outcome": "accept"},
    ("POST", "community_benchmark_review"): lambda world, person: {"outcome": "accept"},
    ("POST", "community_provider_change_review"): lambda world, person: {"outcome": "accept"},
    ("POST", "api_key_create"): lambda world, person: {
        "person": person.pk if person else "",
        "name": "Own system",
        "roles": [OFFICER],
    },
    ("POST", "api:workload-list"): lambda world, person: WORKLOAD_JSON,
    ("PUT", "api:workload-detail"): lambda world, person: WORKLOAD_JSON,
    ("PATCH", "api:workload-detail"): lambda world, person: {"title": "Renamed"},
    ("POST", "api:comparison-list"): lambda world, person: {
        "workload": world.ids["workload"],
        "decision_date": "2026-11-26",
    },
    ("POST", "api:decision-list"): lambda world, person: {
        "comparison": world.ids["free_comparison"],
        "offer_id": world.ids["offer_id"],
    },
    ("POST", "api:decision-approve"): lambda world, person: {"note": "Within budget."},
    ("POST", "api:decision-return"): lambda world, person: {"note": "Attach the report."},
    ("POST", "api:award-usage"): lambda world, person: {
        "quarter": LAST_QUARTER,
        "requests": 1000,
        "input_tokens": 800_000,
        "output_tokens": 300_000,
        "invoiced_inr": "1250.00",
    },
}


class Undo(Exception):
    """Rolls back what one request changed."""


def _ask(route: Route, method: str, world: World, column: str) -> Any:
    client = world.clients[column]
    path = reverse(route.name, kwargs=_kwargs(route, world) or None)
    make_body = BODIES.get((method, route.name))
    body = make_body(world, world.persons[column]) if make_body else {}
    try:
        with transaction.atomic():
            if route.api:
                response = client.generic(method, path, json.dumps(body), "application/json")
            elif method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, body, format="multipart")  # a form's body
            raise Undo
    except Undo:
        pass
    return response


def _answer(route: Route, response: Any, world: World, expected: Cell) -> Cell:
    """The cell this response fills, in the terms of ``expected``."""
    status = response.status_code
    if expected == LOGIN and status == 302:
        return LOGIN if response["Location"].startswith(reverse("login")) else status
    if expected in (SHOWN, EMPTY) and status == 200:
        if route.api:
            shown = {item["id"] for item in response.json()["results"]} & world.listed[route.name]
        else:
            shown = world.markers[route.name] in response.content.decode()
        return SHOWN if shown else EMPTY
    return status


# The tests ------------------------------------------------------------------------------------


def test_every_route_has_its_rows_and_every_row_a_route():
    routes = matrix_routes()
    named = {name for _, name in EXPECTED}
    assert set(routes) == named, (
        f"routes without a row: {sorted(set(routes) - named)}; "
        f"rows without a route: {sorted(named - set(routes))}"
    )
    for route in routes.values():
        if route.methods is not None:  # the API: every GET and POST has its row
            for method in route.methods & {"GET", "POST"}:
                assert (method, route.name) in EXPECTED, f"add a row for {method} {route.name}"


def test_every_role_has_a_column_and_every_row_a_cell_per_column():
    roles = set(ROLE_COLUMNS) | set(PLATFORM_COLUMNS) | set(COMMUNITY_COLUMNS)
    assert roles == set(ROLE_PERMISSIONS), "a role of procurement.roles lacks a column"
    assert set(KEY_COLUMNS) == set(api_keys.KEY_ROLES), "a key role lacks a column"
    columns = [*ROLE_COLUMNS.values(), *PLATFORM_COLUMNS.values(), *KEY_COLUMNS.values()]
    columns += COMMUNITY_COLUMNS.values()
    others = {"anonymous", "other department", "other evaluator", "other provider"}
    assert set(columns) | others == set(COLUMNS)
    for row, cells in EXPECTED.items():
        assert len(cells) == len(COLUMNS), f"{row} has {len(cells)} cells for {len(COLUMNS)}"


# The pages' rows and the API's, as two tests: they run side by side under pytest-xdist.
@pytest.mark.parametrize("part", ["pages", "api"])
def test_the_tenancy_and_role_matrix(world, capsys, part):
    routes = matrix_routes()
    wrong: list[str] = []
    cells = 0
    rows = {
        (method, name): row
        for (method, name), row in EXPECTED.items()
        if routes[name].api == (part == "api")
    }
    for (method, name), row in rows.items():
        route = routes[name]
        for column, expected in zip(COLUMNS, row, strict=True):
            response = _ask(route, method, world, column)
            cells += 1
            got = _answer(route, response, world, expected)
            body = response.content.decode(errors="replace")
            if SEALED_BIDDER in body or str(SEALED_PRICE) in body:
                wrong.append(f"{method} {name} by {column}: shows a sealed bid")
            if got != expected:
                wrong.append(
                    f"{method} {name} by {column}: expected {expected}, got {got} "
                    f"{response.content[:160]!r}"
                )
    assert DepartmentAPIKey.objects.count() == 3, "every request was rolled back"
    with capsys.disabled():
        print(
            f"\nTenancy and role matrix, {part}: {len(rows)} of {len(EXPECTED)} rows (method × "
            f"route, {len(routes)} routes) × {len(COLUMNS)} callers = {cells} cells, "
            f"{cells - len(wrong)} as expected"
        )
    assert not wrong, "\n".join(wrong)
