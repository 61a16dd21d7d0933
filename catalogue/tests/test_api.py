"""The REST upload API: bearer tokens per supplier, status codes, and the report as JSON."""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from catalogue.api import create_token, hash_token
from catalogue.catalogue_response import check_response
from catalogue.error_codes import issue_texts
from catalogue.models import CatalogueVersion, SupplierApiToken
from catalogue.review import approve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status


@pytest.fixture
def token(intake_supplier) -> str:
    return create_token(intake_supplier, "ERP")[1]


@pytest.fixture
def other_token(other_supplier) -> str:
    return create_token(other_supplier)[1]


def upload_url(reference: str) -> str:
    return reverse("catalogue-api:upload", args=[reference])


def auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_token_is_stored_only_as_a_hash(intake_supplier):
    stored, secret = create_token(intake_supplier)
    assert stored.token_hash == hash_token(secret)
    assert secret not in {getattr(stored, f.attname) for f in SupplierApiToken._meta.concrete_fields}
    assert secret.startswith(stored.prefix)


def test_command_prints_the_token_once(intake_supplier):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_supplier_token", intake_supplier.orgnr_display, "--name", "ERP", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert SupplierApiToken.objects.get(token_hash=hash_token(secret)).supplier == intake_supplier
    assert secret not in err.getvalue()


def test_command_refuses_a_bad_orgnr(db):
    with pytest.raises(CommandError, match="organisationsnummer"):
        call_command("create_supplier_token", "5560160681")


def test_raw_upload_accepted_201_with_report(client, token, intake_agreement, peppol_file, caplog):
    caplog.set_level(logging.DEBUG)
    body = peppol_file(n=3).read_bytes()
    response = client.post(
        upload_url(intake_agreement.reference), data=body, content_type="application/xml", **auth(token)
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["version"] == 1
    assert data["status"] in {Status.PENDING_REVIEW, Status.PUBLISHED}
    assert data["errors"] == 0
    assert data["report"]["errors"] == 0
    assert response["Location"].endswith(reverse("catalogue-api:version", args=[intake_agreement.reference, 1]))
    assert token not in caplog.text


def test_multipart_invalid_upload_is_422_with_bilingual_issues(client, token, intake_agreement):
    csv = "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA-1;Penna;EA;;SEK\n"

    response = client.post(
        upload_url(intake_agreement.reference),
        {"file": SimpleUploadedFile("katalog.csv", csv.encode(), "text/csv")},
        **auth(token),
    )
    assert response.status_code == 422
    data = response.json()
    assert data["status"] == Status.INVALID
    issue = next(i for i in data["report"]["issues"] if i["severity"] == "error")
    assert issue["message_sv"] and issue["message_en"]
    # The invalid upload is kept as a version the supplier can open.
    assert CatalogueVersion.objects.filter(catalogue__agreement=intake_agreement, number=1).exists()


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer hub_wrong", "Basic dXNlcjpwYXNz"])
def test_missing_or_wrong_token_is_401(client, intake_agreement, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(
        upload_url(intake_agreement.reference), data=b"<x/>", content_type="application/xml", **extra
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert " / " in response.json()["error"]["message"]
    assert not CatalogueVersion.objects.exists()


def test_token_in_the_url_is_not_accepted(client, token, intake_agreement):
    url = upload_url(intake_agreement.reference) + f"?token={token}"
    assert client.post(url, data=b"<x/>", content_type="application/xml").status_code == 401


def test_revoked_token_is_401(client, token, intake_agreement):
    SupplierApiToken.objects.update(revoked_at=timezone.now())
    response = client.post(
        upload_url(intake_agreement.reference), data=b"<x/>", content_type="application/xml", **auth(token)
    )
    assert response.status_code == 401


def test_an_agreement_of_others_and_a_missing_one_get_the_same_answer(client, other_token, intake_agreement):
    """A 403 for an existing agreement and a 404 for a missing one would let anyone list the references."""
    answers = []
    for reference in (intake_agreement.reference, "NOPE-1"):
        response = client.post(upload_url(reference), data=b"<x/>", content_type="application/xml", **auth(other_token))
        body = response.json()
        body["error"] = {key: value.replace(reference, "REF") for key, value in body["error"].items()}
        answers.append((response.status_code, body))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404
    assert not CatalogueVersion.objects.exists()


def test_unknown_agreement_is_404(client, token, intake_agreement):
    response = client.post(upload_url("NOPE-1"), data=b"<x/>", content_type="application/xml", **auth(token))
    assert response.status_code == 404


def test_oversize_body_is_413(client, token, intake_agreement, settings):
    settings.CATALOGUE_MAX_UPLOAD_BYTES = 1000
    response = client.post(
        upload_url(intake_agreement.reference), data=b"x" * 5000, content_type="application/xml", **auth(token)
    )
    assert response.status_code == 413
    assert response.json()["limit"] == 1000
    assert not CatalogueVersion.objects.exists()


def test_oversize_multipart_is_413(client, token, intake_agreement, settings):
    settings.CATALOGUE_MAX_UPLOAD_BYTES = 1000
    response = client.post(
        upload_url(intake_agreement.reference),
        {"file": SimpleUploadedFile("big.xml", b"x" * 5000 + b"y" * 70000)},
        **auth(token),
    )
    assert response.status_code == 413


def test_status_and_response_xml(client, token, intake_agreement, peppol_file, reviewer_user):
    client.post(
        upload_url(intake_agreement.reference),
        data=peppol_file(n=2).read_bytes(),
        content_type="application/xml",
        **auth(token),
    )
    version = CatalogueVersion.objects.get(catalogue__agreement=intake_agreement, number=1)
    status_url = reverse("catalogue-api:version", args=[intake_agreement.reference, 1])
    response_url = reverse("catalogue-api:response", args=[intake_agreement.reference, 1])
    assert client.get(status_url, **auth(token)).json()["status"] == version.status
    if version.status == Status.PENDING_REVIEW:
        assert client.get(response_url, **auth(token)).status_code == 409
        approve(version, reviewer_user, "OK")
    response = client.get(response_url, **auth(token))
    assert response.status_code == 200
    assert b"<cbc:ResponseCode>AP</cbc:ResponseCode>" in response.content
    assert check_response(response.content).ok


def test_other_supplier_cannot_read_a_version(client, token, other_token, intake_agreement, peppol_file):
    client.post(
        upload_url(intake_agreement.reference),
        data=peppol_file(n=1).read_bytes(),
        content_type="application/xml",
        **auth(token),
    )
    for name in ("catalogue-api:version", "catalogue-api:response"):
        url = reverse(name, args=[intake_agreement.reference, 1])
        assert client.get(url, **auth(other_token)).status_code == 404
        assert client.get(url).status_code == 401


def test_wrong_method_is_405(client, token, intake_agreement):
    assert client.get(upload_url(intake_agreement.reference), **auth(token)).status_code == 405


def test_invalid_upload_gets_a_t58_rejection_with_the_reasons(client, token, intake_agreement):
    csv = "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA-1;Penna;EA;;SEK\n"
    client.post(
        upload_url(intake_agreement.reference),
        {"file": SimpleUploadedFile("katalog.csv", csv.encode(), "text/csv")},
        **auth(token),
    )
    version = CatalogueVersion.objects.get(catalogue__agreement=intake_agreement, number=1)
    response = client.get(reverse("catalogue-api:response", args=[intake_agreement.reference, 1]), **auth(token))
    assert response.status_code == 200
    assert b"<cbc:ResponseCode>RE</cbc:ResponseCode>" in response.content
    first_error = next(i for i in version.report["issues"] if i["severity"] == "error")
    assert issue_texts(first_error)["sv"].encode() in response.content
    check = check_response(response.content)
    assert check.ok, (check.xsd_errors, check.fatal)
