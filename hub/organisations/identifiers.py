"""Swedish organisation numbers and Peppol participant identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

# ICD 0007: Swedish organisation number (Organisationsnummer).
SWEDISH_ORGNR_SCHEME = "0007"


def normalise_orgnr(value: str) -> str:
    """Return the 10-digit organisation number, or raise ValidationError in Swedish and English."""
    try:
        return se_orgnr.validate(value or "")
    except StdnumValidationError:
        raise ValidationError(
            _("%(value)s är inte ett giltigt svenskt organisationsnummer (10 siffror med korrekt kontrollsiffra)."),
            code="invalid_orgnr",
            params={"value": value},
        ) from None


def format_orgnr(value: str) -> str:
    """556677-8899 style, as people write it."""
    return se_orgnr.format(value)


def peppol_participant_id(orgnr: str) -> str:
    return f"{SWEDISH_ORGNR_SCHEME}:{normalise_orgnr(orgnr)}"
