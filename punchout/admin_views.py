"""The "Testa punchout" page in the Wagtail admin (Katalogansvarig and Administratör).

It runs the harness (punchout.harness) against this hub, as `manage.py punchout_test` does: the page plays
the buyer system's ordering system over HTTP, at HUB_BASE_URL, and receives the basket on 127.0.0.1. So the
hub must answer a second request while this one waits (runserver's threads, or more than one worker).
The shared secret is typed in each time (the hub keeps only its hash); it is never shown again or stored.
"""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from punchout import harness
from punchout.models import BuyerSystem, Protocol

TEST_PERMISSION = "punchout.test_punchout"
LOCAL_RECEIVER = re.compile(r"http://127\.0\.0\.1:(\d{1,5})/")


def registered_receiver_port(system: BuyerSystem) -> int | None:
    """The port of a registered http://127.0.0.1:PORT/ return prefix, where the harness can receive."""
    for prefix in system.return_url_prefixes or []:
        if match := LOCAL_RECEIVER.match(prefix):
            return int(match.group(1))
    return None


class PunchoutTestForm(forms.Form):
    buyer_system = forms.ModelChoiceField(
        queryset=BuyerSystem.objects.filter(active=True).select_related("organisation"),
        label=gettext_lazy("Beställningssystem"),
    )
    protocol = forms.ChoiceField(label=gettext_lazy("Protokoll"))
    items = forms.CharField(
        label=gettext_lazy("Artiklar"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("En per rad: ARTIKELNUMMER:ANTAL, t.ex. KP-100:3"),
    )
    shared_secret = forms.CharField(
        label=gettext_lazy("Delad hemlighet"),
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Hubben sparar bara ett hashvärde, så hemligheten anges här. Den sparas inte."),
    )
    receiver_port = forms.IntegerField(
        label=gettext_lazy("Port på 127.0.0.1 som tar emot varukorgen"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=gettext_lazy("Tomt: porten i beställningssystemets returadress http://127.0.0.1:PORT/"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        protocol = cast(forms.ChoiceField, self.fields["protocol"])
        protocol.choices = [(name, Protocol(name).label) for name in harness.RUNNERS]

    def clean_items(self) -> list[harness.WantedItem]:
        wanted, errors = [], []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            try:
                wanted.append(harness.parse_wanted(line))
            except harness.HarnessError as error:
                errors.append(str(error))
        if errors:
            raise ValidationError(errors)
        if not wanted:
            raise ValidationError(_("Ange minst en artikel."))
        return wanted

    def clean(self):
        cleaned = super().clean()
        system, protocol = cleaned.get("buyer_system"), cleaned.get("protocol")
        if system is not None and protocol and not system.speaks(protocol):
            self.add_error(
                "protocol",
                _("%(system)s är inte registrerat för %(protocol)s.")
                % {"system": system.name, "protocol": Protocol(protocol).label},
            )
        if system is not None and not cleaned.get("receiver_port"):
            cleaned["receiver_port"] = registered_receiver_port(system) or 0
        return cleaned


class PunchoutTestView(WagtailAdminTemplateMixin, FormView):
    template_name = "punchout/admin/test_punchout.html"
    form_class = PunchoutTestForm
    page_title = gettext_lazy("Testa punchout")
    header_icon = "link-external"

    def get_breadcrumbs_items(self):
        # Without its own item the slim header shows only "Hem" where the page's name belongs.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        # A plain 403 page: Wagtail would turn PermissionDenied into a redirect to the admin's start page.
        if not request.user.has_perm(TEST_PERMISSION):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: PunchoutTestForm) -> HttpResponse:
        data = form.cleaned_data
        steps: list[str] = []
        outcome: harness.Outcome | None = None
        failure: str | None = None
        document: bytes | None = None
        try:
            outcome = harness.run(
                data["protocol"],
                data["buyer_system"],
                data["shared_secret"],
                data["items"],
                hub_url=settings.HUB_BASE_URL,
                receiver_port=data["receiver_port"],
                progress=steps.append,
            )
            document = outcome.document
        except harness.HarnessError as error:
            failure, document = str(error), error.document
        context = self.get_context_data(
            form=form,
            ran=True,
            check_note=self._check_note(data["protocol"], outcome),
            protocol_label=Protocol(data["protocol"]).label,
            hub_url=settings.HUB_BASE_URL,
            steps=steps,
            outcome=outcome,
            failure=failure,
            document=document.decode("utf-8", errors="replace") if document else "",
        )
        return self.render_to_response(context)

    @staticmethod
    def _check_note(protocol: str, outcome: harness.Outcome | None) -> str:
        """What the last step checked, for a run that passed."""
        if outcome is None:
            return ""
        if protocol == Protocol.OCI:
            return _("Fälten följer OCI-specifikationen.")
        if protocol == Protocol.PEPPOL:
            return " ".join(outcome.notes)
        if outcome.dtd_checked:
            return _("Giltig enligt cXML-DTD:n.")
        return _("DTD-valideringen hoppades över: HUB_CXML_DTD saknas.")
