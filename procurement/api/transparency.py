"""The national figures, public: /api/v1/transparency/ (the index), each figure of
``national.FIGURES`` as JSON (``/api/v1/transparency/<figure>/``) and CSV
(``/api/v1/transparency/<figure>.csv``), and the policy scenario (``scenario/`` and
``scenario.csv``, ``?since=YYYY-Qn&premium=0..100``). No key is needed; callers are throttled as
on every public route. Every output is suppressed below three departments (``national``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement import exports, national
from procurement.api.base import FirstRendererNegotiation
from procurement.forms import ScenarioForm

DEFAULT_PREMIUM = ScenarioForm.DEFAULT_PREMIUM
SCENARIO = "scenario"
SCENARIO_TITLE = gettext_lazy("If every award since a quarter had applied a transition premium")
HOST = "https://procure.example.gov.in/api/v1"

_ROW_EXAMPLE = {
    "key": "health",
    "label": "Health",
    "awards": 412,
    "departments": 37,
    "domestic_pct": "61.25",
    "foreign_in_india_pct": "23.50",
    "abroad_pct": "15.25",
    "inferences": 9125000000,
    "domestic_inferences": 5589062500,
    "committed_inr": "84215330.40",
    "committed_npv_inr": "76210918.77",
    "domestic_committed_inr": "51201400.00",
    "premium_paid_inr": "1204510.35",
    "suppressed": False,
}
_SUPPRESSED_EXAMPLE = {
    "key": "justice",
    "label": "Justice",
    **{key: None for key in _ROW_EXAMPLE if key not in ("key", "label", "suppressed")},
    "suppressed": True,
}
FIGURE_EXAMPLE = {
    "figure": "by-sector",
    "title": "By sector",
    "as_of": "2026-11-28T05:10:42.118000+05:30",
    "definition": "The share of inferences … Restricted awards are not counted here.",
    "suppression": national.SUPPRESSION_RULE,
    "demo": False,
    "notes": [],
    "columns": [{"key": "label", "label": "By sector"}]
    + [{"key": c.key, "label": c.label} for c in national.SHARE_COLUMNS],
    "rows": [_ROW_EXAMPLE, _SUPPRESSED_EXAMPLE],
}
SCENARIO_EXAMPLE = {
    "figure": SCENARIO,
    "title": "If every award since Jan–Mar 2026 had applied a transition premium of 10 %",
    "as_of": "2026-11-28T05:10:42.118000+05:30",
    "definition": national.SCENARIO_DEFINITION,
    "suppression": national.SUPPRESSION_RULE,
    "demo": False,
    "notes": [],
    "columns": [{"key": c.key, "label": c.label} for c in national.SCENARIO_COLUMNS],
    "rows": [
        {
            "key": "",
            "label": "India",
            "awards": 2210,
            "departments": 184,
            "domestic_pct": "48.10",
            "scenario_domestic_pct": "57.92",
            "awards_moved": 203,
            "extra_inr": "31522004.18",
            "suppressed": False,
        }
    ],
}
CSV_EXAMPLE = (
    "\ufeffBy sector\r\nAs of,2026-11-28T05:10:42.118000+05:30\r\nDefinition,…\r\n"
    "Suppression,…\r\nDemo data,no\r\n\r\nBy sector,Awards,Departments,…\r\n"
    "Health,412,37,61.25,…\r\nJustice,suppressed,suppressed,…\r\n"
)
SCENARIO_PARAMETERS = [
    OpenApiParameter(
        "since",
        str,
        description="The quarter since which every award would have applied the premium, "
        "YYYY-Qn (for example 2026-Q1). Default: the first quarter with an award.",
        pattern=national.QUARTER_PATTERN,
    ),
    OpenApiParameter(
        "premium",
        {"type": "integer", "minimum": 0, "maximum": national.PREMIUM_MAX},
        description="The transition premium in whole percent, 0 to 100. Default: "
        f"{DEFAULT_PREMIUM}.",
    ),
]
BAD_SCENARIO = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "A parameter that is not valid, named with its message.",
    [
        OpenApiExample(
            "Bad premium", {"premium": ["Give the premium as a whole percent from 0 to 100."]}
        )
    ],
)
FIGURE_PARAMETER = OpenApiParameter(
    "figure",
    str,
    OpenApiParameter.PATH,
    enum=list(national.FIGURES),
    description="The figure's name.",
)
CSV_RESPONSE = OpenApiResponse(
    OpenApiTypes.STR,
    "The CSV file (UTF-8 with a byte-order mark): the title, As of, Definition, Suppression "
    "and Demo data lines, an empty line, the header and the rows. Suppressed cells read "
    '"suppressed"; numbers are plain decimals.',
    [OpenApiExample("By sector", CSV_EXAMPLE)],
)


class FigureConverter:
    """A figure's name in a URL: one of ``national.FIGURES``, nothing else (a 404)."""

    regex = "|".join(national.FIGURES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in national.FIGURES:
            raise ValueError(value)
        return value


def _csv(figure: national.Figure) -> HttpResponse:
    response = HttpResponse(exports.figure_csv(figure), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="transparency-{figure.name}.csv"'
    return response


def scenario_arguments(request: Request) -> tuple[str, int]:
    """``since`` and ``premium`` from the query string (defaults for those not given); a value
    that is not valid, or given twice, is a 400 naming it."""
    data: dict[str, Any] = {}
    for name in ("since", "premium"):
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise exceptions.ValidationError({name: [_("Give this parameter once.")]})
        if values:
            data[name] = values[0]
    if "since" not in data:
        first = national.trend().rows[:1]
        data["since"] = first[0]["quarter"] if first else national.quarter_of(timezone.localdate())
    data.setdefault("premium", DEFAULT_PREMIUM)
    form = ScenarioForm(data)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form.cleaned_data["since"], form.cleaned_data["premium"]


class PublicView(APIView):
    permission_classes = [permissions.AllowAny]  # the national figures are public


class TransparencyIndexView(PublicView):
    """Every figure of the transparency page with its JSON and CSV addresses."""

    @extend_schema(
        operation_id="transparency_index",
        summary="The national figures: an index (public)",
        description="Each figure's name, title and the addresses of its JSON and CSV files; "
        "the scenario's take `?since=YYYY-Qn&premium=0..100`.",
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Index",
                {
                    "figures": [
                        {
                            "figure": "trend",
                            "title": "The national share, quarter by quarter",
                            "json": f"{HOST}/transparency/trend/",
                            "csv": f"{HOST}/transparency/trend.csv",
                        }
                    ]
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        def entry(name: str, title: str, json_route: str, csv_route: str, *args: str) -> Any:
            return {
                "figure": name,
                "title": title,
                "json": request.build_absolute_uri(reverse(json_route, args=args)),
                "csv": request.build_absolute_uri(reverse(csv_route, args=args)),
            }

        figures = [
            entry(
                name,
                national.figure(name).title,
                "api:transparency-figure",
                "api:transparency-figure-csv",
                name,
            )
            for name in national.FIGURES
        ]
        figures.append(
            entry(
                SCENARIO,
                str(SCENARIO_TITLE),
                "api:transparency-scenario",
                "api:transparency-scenario-csv",
            )
        )
        return Response({"figures": figures})


class FigureView(PublicView):
    @extend_schema(
        operation_id="transparency_figure",
        summary="A national figure as JSON (public)",
        description="The figure's title, the date of the figures (`as_of`), the definition it "
        "uses, the suppression rule, whether demo data is in it, its columns and rows. Money, "
        "percentages and other decimals are exact strings; a cell built from fewer than 3 "
        "departments has every value null and `suppressed: true`.",
        parameters=[FIGURE_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("By sector", FIGURE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, figure: str) -> Response:
        return Response(exports.figure_json(national.figure(figure)))


class FigureCsvView(PublicView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="transparency_figure_csv",
        summary="A national figure as CSV (public)",
        description="The same figure as its JSON, for spreadsheets.",
        parameters=[FIGURE_PARAMETER],
        responses={(200, "text/csv"): CSV_RESPONSE},
    )
    def get(self, request: Request, figure: str) -> HttpResponse:
        return _csv(national.figure(figure))


class ScenarioView(PublicView):
    @extend_schema(
        operation_id="transparency_scenario",
        summary="The policy scenario as JSON (public)",
        description="Had every award since `since` applied a transition premium of `premium` "
        "%: the domestic share as awarded and with the premium, the awards that would have "
        "moved and the extra rupees, nationally and by sector. " + national.SCENARIO_DEFINITION,
        parameters=SCENARIO_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: BAD_SCENARIO},
        examples=[OpenApiExample("Since Jan–Mar 2026, 10 %", SCENARIO_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        since, premium = scenario_arguments(request)
        return Response(exports.figure_json(national.scenario(since, premium)))


class ScenarioCsvView(PublicView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="transparency_scenario_csv",
        summary="The policy scenario as CSV (public)",
        description="The same scenario as its JSON, for spreadsheets.",
        parameters=SCENARIO_PARAMETERS,
        responses={(200, "text/csv"): CSV_RESPONSE, 400: BAD_SCENARIO},
    )
    def get(self, request: Request) -> HttpResponse:
        since, premium = scenario_arguments(request)
        return _csv(national.scenario(since, premium))
