from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from django import forms
from longreach.accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=1024, widget=forms.PasswordInput, strip=False)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), max_length=1024, widget=forms.PasswordInput, strip=False
    )
    new_password = forms.CharField(
        label=_("New password"), max_length=1024, widget=forms.PasswordInput, strip=False
    )
    new_password2 = forms.CharField(
        label=_("New password again"), max_length=1024, widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the script or machine"), max_length=80)
    password = forms.CharField(
        label=_("Your password (it unlocks your keys for the token)"),
        max_length=1024,
        widget=forms.PasswordInput,
        strip=False,
    )


class MemberRequestForm(forms.Form):
    username = forms.ChoiceField(label=_("Person to add"))

    def __init__(self, *args: object, candidates: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].choices = [(u, u) for u in candidates]  # type: ignore[attr-defined]


class NewUserForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_(
            "Letters, digits and @ . + - _ only; not the person's real name if that would endanger them."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=Role.choices)


class ConfirmForm(forms.Form):
    """A deliberate tick before an action that ends someone's sessions."""

    confirm = forms.BooleanField(label=_("Yes, I have checked this is the right person"))


class CompartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=50,
        help_text=_("Lower-case letters, digits and hyphens, used in commands (for example uyghur-turkey)."),
    )
    lead = forms.ChoiceField(label=_("First member (holds the key and proposes the others)"))

    def __init__(self, *args: object, candidates: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lead"].choices = [(u, u) for u in candidates]  # type: ignore[attr-defined]


class NoticeForm(forms.Form):
    email = forms.EmailField(
        label=_("Address for e-mail notices (leave empty for none)"), required=False, max_length=254
    )
