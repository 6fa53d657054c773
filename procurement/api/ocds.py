"""Open contracting data, public: every step of a contracting process as OCDS 1.1.5 releases
(``/api/v1/ocds/releases/<ocid>.json``), its record (``/api/v1/ocds/records/<ocid>.json``) and
every release dated in a range of days (``/api/v1/ocds/releases.json?from=…&to=…``). No key is
needed; callers are throttled as on every public route. What is published, and what never is
(a restricted decision; a bid before the award), is ``procurement.ocds``'s to say."""

from __future__ import annotations

import datetime as dt
from typing import Any

import simplejson
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer
from config.dates import DAY_2000S
from procurement import ocds
from procurement.api.base import FirstRendererNegotiation

# The longest range of days one bulk request may ask for, and the range asked when none is.
MAX_DAYS = 366
DEFAULT_DAYS = 31
STANDARD = "https://standard.open-contracting.org/1.1/en/schema/"

OCID = "ocds-a1b2c3-42"
_PARTY = {"id": "IN-DEPT-demo-health", "name": "eHealth Division (demo)"}
_IDENTIFIER = {"scheme": "IN-DEPT", "id": "demo-health", "legalName": _PARTY["name"]}
_RELEASE: dict[str, Any] = {
    "ocid": OCID,
    "id": f"{OCID}-planning",
    "date": "2026-11-28T05:10:42.118000+00:00",
    "tag": ["planning"],
    "initiationType": "tender",
    "language": "en",
    "buyer": _PARTY,
    "parties": [{**_PARTY, "identifier": _IDENTIFIER, "roles": ["buyer"]}],
    "planning": {
        "rationale": "The department compared 12 offers of AI inference on 2026-11-26 under "
        "policy pack india-default version 3; 7 met every rule. …",
        "budget": {
            "description": ocds.ESTIMATE["derived"],
            "amount": {"amount": 3804821.03, "currency": "INR"},
        },
        "documents": [
            {
                "id": "comparison-17",
                "documentType": "marketStudies",
                "title": "Market survey: 12 offers compared on 2026-11-26",
                "description": "The signed snapshot of every input and result of the "
                "comparison, SHA-256 fingerprint 3872c013cbd6…",
                "format": "application/json",
            }
        ],
    },
}
_TENDER: dict[str, Any] = {
    **_RELEASE,
    "id": f"{OCID}-tender",
    "date": "2026-12-01T04:30:00+00:00",
    "tag": ["tender"],
    "parties": [{**_PARTY, "identifier": _IDENTIFIER, "roles": ["buyer", "procuringEntity"]}],
    "tender": {
        "id": "DOH/IT/2026/17",
        "title": "Citizen helpdesk inference",
        "status": "active",
        "procuringEntity": _PARTY,
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "awardCriteria": "priceOnly",
        "tenderPeriod": {
            "startDate": "2026-12-01T04:30:00+00:00",
            "endDate": "2026-12-23T09:30:00+00:00",
        },
        "awardPeriod": {"startDate": "2026-12-23T10:30:00+00:00"},
        "value": {"amount": 3804821.03, "currency": "INR"},
    },
}
del _TENDER["planning"]
PACKAGE_EXAMPLE = {
    "uri": f"https://procure.example.gov.in/api/v1/ocds/releases/{OCID}.json",
    "version": "1.1",
    "publisher": ocds.PUBLISHER,
    "publishedDate": _TENDER["date"],
    "releases": [_RELEASE, _TENDER],
}
RECORD_EXAMPLE: dict[str, Any] = {
    **PACKAGE_EXAMPLE,
    "uri": f"https://procure.example.gov.in/api/v1/ocds/records/{OCID}.json",
    "records": [
        {
            "ocid": OCID,
            "releases": [_RELEASE, _TENDER],
            "compiledRelease": {
                **_TENDER,
                "id": f"{OCID}-{_TENDER['date']}",
                "tag": ["compiled"],
                "planning": _RELEASE["planning"],
            },
        }
    ],
}
del RECORD_EXAMPLE["releases"]

OCID_PARAMETER = OpenApiParameter(
    "ocid",
    str,
    OpenApiParameter.PATH,
    description="The contracting process's ocid: the publisher's prefix (`OCDS_OCID_PREFIX`) "
    "and the number of its approved planning decision.",
)
RANGE_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description=f"The first day, YYYY-MM-DD. Default: {DEFAULT_DAYS - 1} days before `to`.",
        pattern=DAY_2000S.pattern,
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description="The last day, YYYY-MM-DD (Indian time, the whole day). Default: today. "
        f"A range of more than {MAX_DAYS} days is answered {MAX_DAYS} days at a time: the "
        'answer\'s `Link: <…>; rel="next"` header asks for the rest.',
        pattern=DAY_2000S.pattern,
    ),
]
BAD_RANGE = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "A day given twice (or not a day), named with its message.",
    [OpenApiExample("Twice", {"to": ["Give this parameter once."]})],
)
NO_RELEASES = OpenApiResponse(
    ErrorSerializer,
    "No release is dated in the range (a release package holds one at least).",
    [OpenApiExample("None", {"detail": "No release is dated from 2026-01-01 to 2026-01-31."})],
)


class OcidConverter:
    """An ocid in a URL: letters, digits and hyphens; ``procurement.ocds`` says which exist."""

    regex = "[A-Za-z0-9-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class OcdsJSONRenderer(BaseRenderer):
    """JSON with every Decimal written as the exact number it is: OCDS amounts are numbers, and
    DRF's own JSON renderer would write them through a float."""

    media_type = "application/json"
    format = "json"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        text: str = simplejson.dumps(
            data, use_decimal=True, ensure_ascii=False, separators=(",", ":")
        )
        return text.encode()


class OcdsView(APIView):
    permission_classes = [permissions.AllowAny]  # open contracting data is public
    renderer_classes = [OcdsJSONRenderer]
    content_negotiation_class = FirstRendererNegotiation  # a JSON file, whatever is accepted


def _day(request: Request, name: str) -> dt.date | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise exceptions.ValidationError({name: [_("Give this parameter once.")]})
    if not values:
        return None
    try:
        if DAY_2000S.fullmatch(values[0]):
            return dt.date.fromisoformat(values[0])
    except ValueError:
        pass
    raise exceptions.ValidationError(
        {name: [_("Give a day from 2000-01-01 to 2099-12-31 as YYYY-MM-DD, e.g. 2026-04-01.")]}
    )


def date_range(request: Request) -> tuple[dt.date, dt.date, dt.date | None]:
    """``from`` and ``to`` from the query string (defaults for those not given), and, for a
    range longer than ``MAX_DAYS``, the first day of the rest: the answer holds the first
    ``MAX_DAYS`` days, its ``Link`` header names the next piece. A day that is not valid, or
    given twice, is a 400 naming it."""
    last = _day(request, "to") or timezone.localdate()
    first = _day(request, "from") or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if (last - first).days >= MAX_DAYS:
        rest = first + dt.timedelta(days=MAX_DAYS)
        return first, rest - dt.timedelta(days=1), rest
    return first, last, None


class ReleasePackageView(OcdsView):
    @extend_schema(
        operation_id="ocds_release_package",
        summary="A contracting process's releases, OCDS 1.1 (public)",
        description="A release package of every step of the process so far, oldest first: "
        "`planning` (the approval of the planning decision), `planningUpdate` (its final file "
        "note ready), `tender` (the tender published), `tenderUpdate` (the bids opened: how "
        "many), `award` (the tender's award approved: the supplier, the value, every bidder a "
        "tenderer), `contract` (the contract signed). Valid against the OCDS 1.1.5 release "
        "package schema "
        f"({STANDARD}); amounts are JSON numbers, exact. A restricted process is a 404.",
        parameters=[OCID_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Planning and tender", PACKAGE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, ocid: str) -> Response:
        steps = ocds.releases(ocds.published_process(ocid))
        uri = ocds.package_uri("api:ocds-release-package", ocid)
        return Response(ocds.release_package(steps, uri, steps[-1]["date"]))


class RecordView(OcdsView):
    @extend_schema(
        operation_id="ocds_record",
        summary="A contracting process's record, OCDS 1.1 (public)",
        description="A record package: the process's releases, embedded, and its compiled "
        "release (the releases merged in date order by OCDS's merge rules: the process as it "
        "stands). A restricted process is a 404.",
        parameters=[OCID_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("Planning and tender", RECORD_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, ocid: str) -> Response:
        return Response(ocds.record(ocid))


class BulkReleasesView(OcdsView):
    @extend_schema(
        operation_id="ocds_releases",
        summary="Every release dated in a range of days, OCDS 1.1 (public)",
        description="A release package of the releases of every published process dated from "
        f"`from` to `to` (whole days, Indian time; at most {MAX_DAYS} days an answer, the rest "
        'named by its `Link: <…>; rel="next"` header), oldest first. A range with no release, '
        "or with `from` after `to`, is a 404. Restricted processes are never in it.",
        parameters=RANGE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: BAD_RANGE, 404: NO_RELEASES},
        examples=[OpenApiExample("Two releases", PACKAGE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        first, last, rest = date_range(request)
        headers = {}
        if rest is not None:
            to = _day(request, "to")
            headers["Link"] = (
                f'<{ocds.package_uri("api:ocds-releases")}?from={rest}&to={to}>; rel="next"'
            )
        steps = ocds.releases_dated(first, last) if first <= last else []
        if not steps:
            return Response(
                {
                    "detail": _("No release is dated from %(first)s to %(last)s.")
                    % {"first": first, "last": last}
                },
                status=status.HTTP_404_NOT_FOUND,
                headers=headers,
            )
        uri = f"{ocds.package_uri('api:ocds-releases')}?from={first}&to={last}"
        return Response(ocds.release_package(steps, uri, steps[-1]["date"]), headers=headers)
