"""The pages of the department's API keys: list, create (the key is shown once, on the page that
answers the creation), revoke. A key administrator sees and manages every key of the department
and issues keys to its persons; anyone else of the department sees, issues and revokes keys held
by themselves (``procurement.api_keys`` decides which).

Keys are fetched only through ``api_keys.get_api_key_for_user()``, which answers 404 across
departments before any role is checked, so another department's key cannot even be confirmed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from procurement import api_keys, selectors
from procurement.forms import BootstrapMixin
from procurement.roles import APPROVER, OFFICER

ROLE_LABELS = {
    OFFICER: _("Procurement officer — workloads, comparisons, proposals and documents"),
    APPROVER: _("Approver — approves or returns proposals (not one its holder proposed)"),
}


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class APIKeyForm(BootstrapMixin, forms.Form):
    person = PersonChoiceField(
        label=_("Held by"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "The person who answers for what the key does. The key acts with at most "
            "their roles, and loses a role when they do."
        ),
        error_messages={
            "required": _("Choose the person who answers for what the key does."),
            "invalid_choice": _("Choose an active person of your department."),
        },
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("The system that will use it, e.g. “HMIS integration”. Shown in audit events."),
        error_messages={
            "required": _("Name the system that will use the key, in at most 50 characters."),
            "max_length": _("Use at most %(limit_value)d characters (this has %(show_value)d)."),
        },
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role, ROLE_LABELS[role]) for role in api_keys.KEY_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Give a key only what its system needs, and only roles both you and its "
            "holder hold. Its holder cannot approve their own proposals with it."
        ),
        error_messages={
            "required": _("Give the key at least one role."),
            "invalid_choice": _(
                "“%(value)s” is not a role a key can hold: tick roles from the list."
            ),
        },
    )

    def __init__(self, *args: Any, persons: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = persons
        self.style()


def _require_department(request: HttpRequest) -> None:
    if selectors.department_of(request.user) is None:
        raise PermissionDenied(gettext("API keys belong to a department, and you are in none."))


@login_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    _require_department(request)
    keys = [(key, api_keys.api_key_roles(key)) for key in api_keys.api_key_list(request.user)]
    return render(request, "procurement/api_keys.html", {"keys": keys})


@login_required
def api_key_create(request: HttpRequest) -> HttpResponse:
    _require_department(request)
    persons = api_keys.api_key_persons(request.user)
    form = APIKeyForm(request.POST or None, persons=persons, initial={"person": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            key, plaintext = api_keys.api_key_create(
                admin=request.user,
                person=form.cleaned_data["person"],
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
    try:
        api_keys.api_key_revoke(admin=request.user, api_key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("Revoked “%(name)s” (%(prefix)s). It no longer works.")
            % {"name": key.name, "prefix": key.prefix},
        )
    return redirect("api_key_list")
