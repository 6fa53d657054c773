"""A department administrator's pages for the department's API keys: list, create (the key is
shown once, on the page that answers the creation), revoke.

Keys are fetched only through ``api_keys.get_api_key_for_user()``, which answers 404 across
departments before any role is checked, so another department's key cannot even be confirmed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from procurement import api_keys
from procurement.forms import BootstrapMixin
from procurement.roles import APPROVER, OFFICER

ROLE_LABELS = {
    OFFICER: "Procurement officer — workloads, comparisons, proposals and documents",
    APPROVER: "Approver — approves or returns proposals (not one the same key proposed)",
}


class APIKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=50,
        help_text="The system that will use it, e.g. “HMIS integration”. Shown in audit events.",
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=[(role, ROLE_LABELS[role]) for role in api_keys.KEY_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Give a key only what its system needs. A key that both proposes and "
        "approves still cannot approve its own proposals.",
        error_messages={"required": "Give the key at least one role."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("Only a department administrator manages its API keys.")


@login_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    _require(request, "procurement.view_departmentapikey")
    keys = [(key, api_keys.api_key_roles(key)) for key in api_keys.api_key_list(request.user)]
    return render(request, "procurement/api_keys.html", {"keys": keys})


@login_required
def api_key_create(request: HttpRequest) -> HttpResponse:
    _require(request, "procurement.add_departmentapikey")
    form = APIKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, plaintext = api_keys.api_key_create(
                admin=request.user,
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            # The key travels in this one response only: not in a redirect URL, the session or
            # a message, and no cache may keep it.
            response = render(
                request,
                "procurement/api_keys_created.html",
                {"key": key, "plaintext": plaintext, "roles": api_keys.api_key_roles(key)},
            )
            response["Cache-Control"] = "no-store"
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "procurement/api_keys_form.html", {"form": form}, status=status)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    key = api_keys.get_api_key_for_user(request.user, prefix)
    _require(request, "procurement.change_departmentapikey")
    try:
        api_keys.api_key_revoke(admin=request.user, api_key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Revoked “{key.name}” ({key.prefix}). It no longer works.")
    return redirect("api_key_list")
