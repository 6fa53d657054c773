"""Public, read-only catalogue pages. Each view parses the request, calls selectors, renders."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.selectors import offer_measurements
from providers import selectors
from providers.filters import OfferingFilter, ProviderFilter
from providers.models import Offering, Provider

PROVIDERS_PER_PAGE = 25
OFFERINGS_PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    counts = Provider.objects.aggregate(
        domestic=Count("pk", filter=Q(ownership="domestic")),
        foreign=Count("pk", filter=Q(ownership="foreign")),
        demo=Count("pk", filter=Q(is_demo=True)),
    )
    offerings = Offering.objects.aggregate(
        total=Count("pk"),
        serverless=Count("pk", filter=Q(pricing_mode="serverless")),
        dedicated=Count("pk", filter=Q(pricing_mode="dedicated")),
        demo=Count("pk", filter=Q(is_demo=True)),
    )
    offerings["hosted_in_india"] = Offering.objects.hosted_in_india().count()
    return render(
        request,
        "providers/home.html",
        {
            "providers": counts,
            "offerings": offerings,
            "has_demo": bool(counts["demo"] or offerings["demo"]),
        },
    )


def provider_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = ProviderFilter(request.GET, queryset=selectors.provider_list(today))
    page = Paginator(filterset.qs, PROVIDERS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page)
    has_demo = selectors.any_demo(shown) or any(
        selectors.any_demo(p.valid_certifications) for p in shown
    )
    return render(
        request,
        "providers/provider_list.html",
        {"filter": filterset, "page": page, "providers": shown, "has_demo": has_demo},
    )


def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    try:
        provider = selectors.provider_details(today).get(slug=slug)
    except Provider.DoesNotExist:
        raise Http404(_("No provider with that name in the catalogue.")) from None
    offerings = provider.offerings_with_prices
    certifications = list(provider.certifications.all())
    has_demo = provider.is_demo or selectors.any_demo(
        [
            *offerings,
            *certifications,
            *(o.prices_in_force[0] for o in offerings if o.prices_in_force),
        ]
    )
    return render(
        request,
        "providers/provider_detail.html",
        {
            "provider": provider,
            "offerings": offerings,
            "certifications": certifications,
            "today": today,
            "fx_rates": selectors.fx_rates_in_force(today),
            "has_demo": has_demo,
        },
    )


def offering_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = OfferingFilter(request.GET, queryset=selectors.offering_list(today))
    page = Paginator(filterset.qs, OFFERINGS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page)
    has_demo = selectors.any_demo(shown) or selectors.any_demo(
        o.prices_in_force[0] for o in shown if o.prices_in_force
    )
    return render(
        request,
        "providers/offering_list.html",
        {
            "filter": filterset,
            "page": page,
            "offerings": shown,
            "fx_rates": selectors.fx_rates_in_force(today),
            "has_demo": has_demo,
        },
    )


def offering_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = timezone.localdate()
    try:
        offering = selectors.offering_details(today).get(slug=slug)
    except Offering.DoesNotExist:
        raise Http404(_("No offering with that name in the catalogue.")) from None
    prices = list(offering.prices.all())
    evaluations = list(offering.evaluations.all())
    certifications = selectors.covering_certifications(offering)
    current = offering.prices_in_force[0] if offering.prices_in_force else None
    measured = offer_measurements(offering)
    has_demo = offering.is_demo or selectors.any_demo(
        [*prices, *evaluations, *certifications, *measured.rows]
    )
    return render(
        request,
        "providers/offering_detail.html",
        {
            "offering": offering,
            "provider": offering.provider,
            "prices": prices,
            "current_price": current,
            "evaluations": evaluations,
            "certifications": certifications,
            "measured": measured,
            "today": today,
            "fx_rates": selectors.fx_rates_in_force(today),
            "has_demo": has_demo,
        },
    )
