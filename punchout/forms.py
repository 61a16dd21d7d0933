"""The buyer system form in the Wagtail admin: the shared secret is write-only, lists are one per line."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from punchout.credentials import set_shared_secret
from punchout.models import Protocol, check_origin, check_return_url_prefix


class LinesField(forms.Field):
    """A list edited as one value per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, check=None, **kwargs) -> None:
        self.check = check
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if self.check:
            errors = []
            for line in lines:
                try:
                    self.check(line)
                except ValidationError as error:
                    errors.extend(error.messages)
            if errors:
                raise ValidationError(errors)
        return list(dict.fromkeys(lines))


class BuyerSystemForm(WagtailAdminModelForm):
    protocols = forms.MultipleChoiceField(
        label=_("protokoll"), choices=Protocol.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    return_url_prefixes = LinesField(
        label=_("tillåtna returadresser"),
        check=check_return_url_prefix,
        help_text=_("En per rad. Returadressen måste börja med någon av dem."),
    )
    frame_origins = LinesField(
        label=_("ursprung som får rama in butiken"),
        check=check_origin,
        help_text=_("En per rad, t.ex. https://proceedo.example.se"),
    )
    new_shared_secret = forms.CharField(
        label=_("ny delad hemlighet"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Visas aldrig. Lämna tomt för att behålla den som finns."),
    )

    def clean_frame_origins(self) -> list[str]:
        return list(dict.fromkeys(origin.rstrip("/") for origin in self.cleaned_data["frame_origins"]))

    def clean(self):
        cleaned = super().clean()
        if not self.instance.shared_secret_hash and not cleaned.get("new_shared_secret"):
            self.add_error("new_shared_secret", _("Ett nytt beställningssystem behöver en delad hemlighet."))
        elif (
            Protocol.PEPPOL in (cleaned.get("protocols") or [])
            and not self.instance.shared_secret_sealed
            and not cleaned.get("new_shared_secret")
        ):
            self.add_error(
                "new_shared_secret",
                _("Peppol kräver att den delade hemligheten anges igen (den registrerades innan Peppol)."),
            )
        return cleaned

    def save(self, commit: bool = True):
        secret = self.cleaned_data.get("new_shared_secret")
        if secret:
            set_shared_secret(self.instance, secret)
        return super().save(commit=commit)
