"""The "Testa punchout" page in the Wagtail admin: who may open it, and a run against a live hub."""

from __future__ import annotations

import lxml.html
import pytest
from wagtail.users.models import UserProfile

from punchout.credentials import set_shared_secret
from punchout.models import Protocol
from punchout.tests.fixtures import HUB_PEPPOL_ID, SHARED_SECRET
from punchout.tests.test_harness import free_port

PAGE = "/admin/testa-punchout/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["buyer_user", "supplier_user", "editor_user"])
def test_other_roles_get_403(client, request, role, buyer_system):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"buyer_system": buyer_system.pk}).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].endswith("?next=" + PAGE)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer_user", "administrator_user"])
def test_katalogansvarig_and_administrator_get_the_page_and_the_menu_item(client, request, role, oci_buyer_system):
    client.force_login(request.getfixturevalue(role))
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Testa punchout" in text and oci_buyer_system.name in text
    assert 'value="oci"' in text and 'value="cxml"' in text and 'value="peppol"' in text
    assert PAGE in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_header_names_the_page(client, reviewer_user):
    # The slim header shows the breadcrumbs: the last one is the page's visible name, not "Hem".
    client.force_login(reviewer_user)
    page = lxml.html.fromstring(client.get(PAGE).content)
    crumbs = [" ".join(item.text_content().split()) for item in page.xpath("//header//nav//ol/li")]
    assert crumbs[-1] == "Testa punchout" and len(crumbs) == 2


@pytest.mark.django_db
def test_the_menu_item_is_not_shown_to_an_editor(client, editor_user):
    client.force_login(editor_user)
    assert PAGE not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_bad_input_is_named_on_the_form(client, reviewer_user, buyer_system):
    client.force_login(reviewer_user)
    response = client.post(
        PAGE, {"buyer_system": buyer_system.pk, "protocol": "oci", "items": "KP-100\nKP-200:2", "shared_secret": "x"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "är inte registrerat för OCI 4.0/5.0" in text
    assert "ARTIKELNUMMER:ANTAL" in text and "KP-100" in text
    assert "Testet" not in text  # nothing ran


@pytest.fixture
def live_hub(live_server, settings, oci_buyer_system):
    """The buyer system registered for every protocol the page runs, against a live hub with a Peppol id."""
    settings.HUB_BASE_URL = live_server.url
    settings.HUB_PEPPOL_ID, settings.HUB_ORGANISATION_NAME = HUB_PEPPOL_ID, "E-handelshubben"
    oci_buyer_system.protocols = [Protocol.CXML, Protocol.OCI, Protocol.PEPPOL]
    set_shared_secret(oci_buyer_system, SHARED_SECRET)
    oci_buyer_system.return_url_prefixes = [f"http://127.0.0.1:{free_port()}/"]
    oci_buyer_system.save()
    return oci_buyer_system


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("protocol", ["oci", "cxml", "peppol"])
def test_a_run_shows_each_step_and_the_returned_basket(client, settings, reviewer_user, live_hub, protocol):
    client.force_login(reviewer_user)
    form = {
        "buyer_system": live_hub.pk,
        "protocol": protocol,
        "items": "KP-100:2\n\nBOK-1:1",
        "shared_secret": SHARED_SECRET,
    }

    response = client.post(PAGE, form)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Testet lyckades" in text, text
    assert text.count("Klart:") >= 4  # the start, two items, the receipt and the check
    assert "Lade KP-100 \N{MULTIPLICATION SIGN} 2 i varukorgen." in text
    if protocol == "oci":
        assert "Klart: Fälten följer OCI-specifikationen." in text
    elif protocol == "peppol":
        assert "Klart: Giltig enligt UBL 2.1-XSD:n och de officiella T77-reglerna" in text
        assert "Samma varukorg hämtad server till server med den delade hemligheten." in text
        assert "&lt;Catalogue" in text  # the T77 document that came back
    elif settings.HUB_CXML_DTD is not None:
        assert "Klart: Giltig enligt cXML-DTD:n." in text
    basket = text.split('id="punchout-test-basket"')[1].split("</table>")[0]
    assert "KP-100" in basket and "BOK-1" in basket
    # KP-100's price as the hub writes amounts (the document below keeps the protocol's 1234.50).
    assert "<td>1 234,50 kr</td>" in basket and "1234.50" not in basket
    assert SHARED_SECRET not in text


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_says_why_in_english(client, reviewer_user, live_hub):
    profile = UserProfile.get_for_user(reviewer_user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(reviewer_user)
    form = {"buyer_system": live_hub.pk, "protocol": "oci", "items": "KP-100:1", "shared_secret": "fel-hemlighet-9"}

    text = client.post(PAGE, form).content.decode()

    assert "The test failed" in text
    assert "The hub refused the OCI call (HTTP 401): Unknown user or wrong password." in text
    assert "fel-hemlighet-9" not in text
