"""Forms for the officer's pages: plain words, an example for every field, per-field errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from procurement.models import Workload
from procurement.services import WORKLOAD_FIELDS
from providers.models import Language, QualityEvaluation

GROUPS = (
    ("What the AI does", ("title", "description", "use_case", "languages")),
    (
        "Volume",
        (
            "requests_per_day",
            "mean_input_tokens",
            "mean_output_tokens",
            "cached_input_share_pct",
            "annual_growth_pct",
            "peak_to_average",
        ),
    ),
    ("Quality and speed", ("max_p95_latency_ms", "min_availability_pct")),
    ("Data classification", ("data_classification",)),
    (
        "Contract",
        (
            "term_years",
            "start_date",
            "estimated_value_inr",
            "procurement_category",
            "evaluation_method",
            "qcbs_technical_weight_pct",
            "quality_oriented_procurement_declared",
            "global_tender_approved",
            "buyer_gst_registered_business_use",
        ),
    ),
)


class BootstrapMixin:
    """Bootstrap classes on every widget; invalid fields marked for screen readers too."""

    def style(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if name in self.errors:  # type: ignore[attr-defined]
                css += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = css


class WorkloadForm(BootstrapMixin, forms.ModelForm):
    use_case = forms.ChoiceField(
        label="What is it for?",
        choices=QualityEvaluation.UseCase.choices,
        help_text="Quality is judged on evaluations for this use case, e.g. Health for a "
        "patient helpline.",
    )
    languages = forms.MultipleChoiceField(
        label="Languages it must work in",
        widget=forms.CheckboxSelectMultiple,
        help_text="Every language must be supported and evaluated, e.g. English and Hindi.",
        error_messages={"required": "Choose at least one language."},
    )
    data_classification = forms.MultipleChoiceField(
        label="What data will it see?",
        choices=Workload.Classification.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every kind that applies: the strictest decides where it may be hosted.",
        error_messages={
            "required": "Tick at least one kind of data.",
            "invalid_choice": "“%(value)s” is not a data classification this product knows.",
        },
    )
    start_date = forms.DateField(
        label="Contract start",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="e.g. the first day of the next financial year.",
    )

    class Meta:
        model = Workload
        fields = list(WORKLOAD_FIELDS)
        labels = {
            "title": "Name of the workload",
            "description": "What the AI will do, in a few sentences",
            "requests_per_day": "Requests per day in year 1",
            "mean_input_tokens": "Average input per request (tokens)",
            "mean_output_tokens": "Average answer per request (tokens)",
            "cached_input_share_pct": "Share of input served from a prompt cache (%)",
            "annual_growth_pct": "Growth in requests per year (%)",
            "peak_to_average": "Busiest hour compared with the average",
            "max_p95_latency_ms": "Slowest acceptable answer, 95th percentile (ms)",
            "min_availability_pct": "Minimum availability (%)",
            "term_years": "Contract term (years)",
            "estimated_value_inr": "Estimated contract value (₹), if known",
            "procurement_category": "Kind of procurement",
            "evaluation_method": "Evaluation method",
            "qcbs_technical_weight_pct": "QCBS technical weight (%)",
            "quality_oriented_procurement_declared": "The competent authority has declared a "
            "quality-oriented procurement",
            "global_tender_approved": "A global tender enquiry is approved",
            "buyer_gst_registered_business_use": "We are GST-registered and use it for taxable "
            "business",
        }
        help_texts = {
            "title": "e.g. Hindi and English patient helpline.",
            "requests_per_day": "One request is one question and its answer, e.g. 20000.",
            "mean_input_tokens": "A token is about ¾ of an English word; e.g. 800 for a question "
            "with some context.",
            "mean_output_tokens": "e.g. 300 for a short paragraph.",
            "cached_input_share_pct": "Repeated instructions can be cached and cost less; "
            "e.g. 20. Leave 0 if unsure.",
            "annual_growth_pct": "e.g. 15 if use grows by 15 % a year.",
            "peak_to_average": "Sizes dedicated capacity; e.g. 3 if the busiest hour sees three "
            "times the average.",
            "max_p95_latency_ms": "e.g. 3000 for a chat service. Leave empty for no limit.",
            "min_availability_pct": "e.g. 99.5. Leave empty for no requirement.",
            "term_years": "Between 1 and 10.",
            "estimated_value_inr": "Decides the Make-in-India exemption, the local-content "
            "certificate and the global-tender gate. Leave empty and the product derives it and "
            "says how.",
            "procurement_category": "An API or GPU-hour contract is a non-consultancy service.",
            "evaluation_method": "Leave as the policy's default unless the tender says otherwise.",
            "qcbs_technical_weight_pct": "Only for QCBS; leave empty for the policy's weight.",
            "global_tender_approved": "Below ₹200 crore, foreign (non-local) suppliers may bid "
            "only with the competent authority's approval (GFR Rule 161(iv)).",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "requests_per_day": {"min_value": "Enter at least 1 request a day."},
            "mean_input_tokens": {"min_value": "A request needs some input: more than 0 tokens."},
            "mean_output_tokens": {"min_value": "An answer has some tokens: more than 0."},
            "term_years": {
                "min_value": "A contract lasts at least 1 year.",
                "max_value": "The product plans contracts of 1 to 10 years.",
            },
            "cached_input_share_pct": {"max_value": "A share cannot be more than 100 per cent."},
            "peak_to_average": {
                "min_value": "The busiest hour is at least the average: 1 or more."
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [
            (lang.code, lang.name) for lang in Language.objects.all()
        ]
        self.fields["evaluation_method"].choices = [("", "The policy's default")] + list(
            Workload.Method.choices
        )
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("start_date", dt.date.today() + dt.timedelta(days=90))
            self.initial.setdefault("peak_to_average", Decimal("1"))
        self.style()

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def full_clean(self) -> None:
        super().full_clean()
        self.style()  # mark the fields that failed


class DecisionProposeForm(BootstrapMixin, forms.Form):
    offer_id = forms.ChoiceField(label="Award to")
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the award departs from the recommendation; it goes on file.",
    )

    def __init__(self, *args: Any, offers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer_id"].choices = offers
        self.style()


class DecisionReviewForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you return the proposal.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
