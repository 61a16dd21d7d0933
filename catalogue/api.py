"""REST upload API for suppliers' systems, authenticated with a per-supplier bearer token (a django-ninja
Router, mounted by hub.api at /api/v1/catalogues/; the schema is at /api/v1/openapi.json).

    POST /api/v1/catalogues/<agreement_ref>/versions            upload (multipart field "file", or a raw body)
         ?mode=replace (default: the file is the whole catalogue) or ?mode=update (Excel and CSV: only new and
         changed rows, removals by the Åtgärd column with Ny / Ändra / Ta bort)
    GET  /api/v1/catalogues/<agreement_ref>/versions/<n>        status and validation report
    POST /api/v1/catalogues/<agreement_ref>/versions/<n>/confirm   confirm a version that removes many items
    GET  /api/v1/catalogues/<agreement_ref>/versions/<n>/response.xml   the Peppol T58 response

Every answer has "changes" (added, changed, removed against the live catalogue) once the file is valid.
A version removing more than CATALOGUE_CONFIRM_REMOVALS_OVER items stops in status awaiting_confirm
("confirmation_required": true) until the confirm link is POSTed; then it goes on to review.

Status codes: 201 accepted (valid; awaiting confirmation, pending review, published or scheduled), 202 still
being checked in the background (poll the Location), 422 invalid (the report says why), 503 stored but its
processing failed (the supplier can retry it in the portal), 401 no or unknown token, 404 unknown agreement
or version (also when the supplier is not on the agreement, so that references cannot be probed), 409 no
response yet, 413 too large. The token travels only in the Authorization header; only its SHA-256 hash is
stored, and it is never logged. Token-authenticated calls need no CSRF token (no cookie is involved).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from typing import Any, ClassVar, Literal

from django.conf import settings
from django.core.files import File
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer
from pydantic import ConfigDict

from catalogue.error_codes import issue_detail, issue_texts
from catalogue.intake import import_file
from catalogue.lifecycle import outcome_message
from catalogue.models import Agreement, Catalogue, CatalogueVersion, SupplierApiToken
from catalogue.review import ReviewError, confirm_removals, review_comment_text, review_reason_text
from catalogue.views.common import t58_download
from hub.organisations.api_tokens import bearer_secret, hash_token, new_secret, visible_prefix
from hub.organisations.models import Supplier

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "hub_"  # noqa: S105 - a visible prefix, not a secret
READ_CHUNK = 1024 * 1024
EXTENSIONS = {
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
# The largest version number the database stores: a larger one in an address is a 404, not an overflow (500).
MAX_VERSION_NUMBER = 2**31 - 1
Status = CatalogueVersion.Status
UploadMode = CatalogueVersion.UploadMode


def create_token(supplier: Supplier, name: str = "") -> tuple[SupplierApiToken, str]:
    """Create a token; the clear text is returned once and never stored."""
    secret = new_secret(TOKEN_PREFIX)
    token = SupplierApiToken.objects.create(
        supplier=supplier, name=name, prefix=visible_prefix(secret, TOKEN_PREFIX), token_hash=hash_token(secret)
    )
    return token, secret


class ErrorText(Schema):
    sv: str
    en: str
    message: str = Field(description="Both texts, 'svenska / English'")


class ErrorOut(Schema):
    """Every refusal of the API: the reason in Swedish and English (some add fields, e.g. 413's "limit")."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="allow")
    error: ErrorText


def error(status: int, sv: str, en: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": {"sv": sv, "en": en, "message": f"{sv} / {en}"}, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="e-handelshubben"'
    return response


def authenticate(request: HttpRequest) -> SupplierApiToken | None:
    secret = bearer_secret(request)
    if secret is None:
        return None
    # Looked up by its SHA-256 hash: the database compares hashes, so timing tells nothing about the secret.
    token = (
        SupplierApiToken.objects.select_related("supplier")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        SupplierApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


class TokenRequest(HttpRequest):
    """A request that SupplierToken let in: ninja puts the supplier's token on request.auth."""

    auth: SupplierApiToken


class SupplierToken(HttpBearer):
    """A supplier's API token (`create_supplier_token`); request.auth is its SupplierApiToken.

    Parses the header itself: ninja's HttpBearer logs the whole header of a non-Bearer scheme under DEBUG.
    A refusal raises ninja's AuthenticationError, which hub.api answers with `unauthorised()`.
    """

    def __call__(self, request: HttpRequest) -> SupplierApiToken | None:
        return authenticate(request)

    def authenticate(self, request: HttpRequest, token: str) -> SupplierApiToken | None:
        return authenticate(request)


def unauthorised() -> JsonResponse:
    return error(
        401,
        "Ange en giltig API-nyckel i rubriken Authorization: Bearer …",
        "Send a valid API token in the header Authorization: Bearer …",
    )


def _catalogue(token: SupplierApiToken, agreement_ref: str) -> Catalogue | JsonResponse:
    # One answer whether the agreement is missing or only not the token's: references cannot be enumerated.
    agreement = (
        Agreement.objects.filter(reference=agreement_ref, suppliers=token.supplier_id).first()
        if "\x00" not in agreement_ref
        else None
    )
    if agreement is None:
        return error(
            404,
            f"Avtalet {agreement_ref} finns inte, eller leverantören är inte part i det",
            f"Agreement {agreement_ref} does not exist, or the supplier is not a party to it",
        )
    catalogue, _created = Catalogue.objects.get_or_create(agreement=agreement, supplier=token.supplier)
    return catalogue


class Outcome(Schema):
    level: Literal["info", "success", "warning", "error"]
    sv: str
    en: str


class VersionLinks(Schema):
    self: str
    response: str
    confirm: str


class Changes(Schema):
    added: int
    changed: int
    removed: int


class VersionOut(Schema):
    """A catalogue version's status and validation report, as `version_json` writes it."""

    agreement: str
    version: int
    status: Status
    status_display: str
    status_display_en: str
    progress_percent: int
    lines: int
    errors: int
    warnings: int
    uploaded_at: str = Field(description="ISO 8601")
    published_at: str | None
    publish_on: str | None = Field(description="ISO 8601 date of a scheduled publication")
    review_comment: str
    review_comment_en: str
    diff: dict[str, Any] = Field(description="Diff summary; review_reasons in Swedish, review_reasons_en")
    changes: Changes
    upload_mode: UploadMode
    confirmation_required: bool
    images: dict[str, Any]
    report: dict[str, Any] = Field(description="The validation report; each issue has message_sv and message_en")
    message: Outcome
    links: VersionLinks


def version_json(request: HttpRequest, version: CatalogueVersion) -> dict:
    reference = version.catalogue.agreement.reference
    args = {"agreement_ref": reference, "number": version.number}
    return {
        "agreement": reference,
        "version": version.number,
        "status": version.status,
        "status_display": _in_both(version.get_status_display)["sv"],
        "status_display_en": _in_both(version.get_status_display)["en"],
        "progress_percent": version.progress_percent,
        "lines": version.line_count,
        "errors": version.error_count,
        "warnings": version.warning_count,
        "uploaded_at": version.uploaded_at.isoformat(),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "publish_on": version.publish_on.isoformat() if version.publish_on else None,
        "review_comment": _in_both(lambda: review_comment_text(version))["sv"],
        "review_comment_en": _in_both(lambda: review_comment_text(version))["en"],
        "diff": _diff_json(version.diff_summary),
        "changes": {key: (version.diff_summary or {}).get(key, 0) for key in ("added", "changed", "removed")},
        "upload_mode": version.upload_mode,
        "confirmation_required": version.status == Status.AWAITING_CONFIRM,
        "images": version.image_report,
        "report": report_json(version.report),
        "message": _outcome(version),
        "links": {
            "self": request.build_absolute_uri(reverse("catalogue-api:version", kwargs=args)),
            "response": request.build_absolute_uri(reverse("catalogue-api:response", kwargs=args)),
            "confirm": request.build_absolute_uri(reverse("catalogue-api:confirm", kwargs=args)),
        },
    }


def _in_both(word) -> dict[str, str]:
    """An API has no page language: a worded text in Swedish and in English."""
    texts = {}
    for language in ("sv", "en"):
        with translation.override(language):
            texts[language] = str(word())
    return texts


def report_json(report: dict | None) -> dict:
    """The stored report with each issue's message_sv / message_en worded now (and its technical detail).

    Integrators read the same two fields as before codes and parameters were stored; the wording is the
    current one, for old reports too where their code allows it (catalogue.error_codes.issue_text).
    """
    report = dict(report or {})
    issues = []
    for issue in report.get("issues", []):
        if isinstance(issue, dict):
            texts = issue_texts(issue)
            issue = {**issue, "message_sv": texts["sv"], "message_en": texts["en"]}
            if issue_detail(issue):
                issue["detail"] = issue_detail(issue)
        issues.append(issue)
    report["issues"] = issues
    return report


def _diff_json(summary: dict | None) -> dict:
    """The diff summary; review reasons as Swedish texts (as before) plus review_reasons_en."""
    summary = dict(summary or {})
    if "review_reasons" in summary:
        reasons = summary["review_reasons"]
        summary["review_reasons"] = [_in_both(lambda r=r: review_reason_text(r))["sv"] for r in reasons]
        summary["review_reasons_en"] = [_in_both(lambda r=r: review_reason_text(r))["en"] for r in reasons]
    return summary


def _outcome(version: CatalogueVersion) -> dict:
    """The one outcome message the portal shows for this state, in both languages (an API has no page language)."""
    texts = {}
    for language in ("sv", "en"):
        with translation.override(language):
            level, texts[language] = outcome_message(version)
    return {"level": level, **texts}


def _filename(request: HttpRequest) -> str:
    disposition = request.headers.get("Content-Disposition", "")
    match = re.search(r'filename="?([^";]+)"?', disposition)
    if match:
        return Path(match.group(1)).name[:200]
    content_type = request.content_type or ""
    return "katalog" + EXTENSIONS.get(content_type, ".xml")


def _too_large(limit: int) -> JsonResponse:
    return error(
        413,
        f"Filen är större än gränsen {limit} byte",
        f"The file is larger than the limit of {limit} bytes",
        limit=limit,
    )


router = Router(auth=SupplierToken(), tags=["Kataloger / Catalogues"])

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The catalogue file: as the multipart field `file`, or as the raw body "
        "(Peppol catalogue XML, CSV or Excel; the name from Content-Disposition if given).",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            **{media: {"schema": {"type": "string", "format": "binary"}} for media in EXTENSIONS},
        },
    }
}


@router.post(
    "/{agreement_ref}/versions",
    url_name="upload",
    summary="Ladda upp en katalogversion / Upload a catalogue version",
    response={
        201: VersionOut,
        202: VersionOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        413: ErrorOut,
        422: VersionOut,
        503: VersionOut,
    },
    openapi_extra=UPLOAD_BODY,
)
def upload(
    request: TokenRequest,
    agreement_ref: str,
    mode: str = Query(
        "replace",
        description="replace (the file is the whole catalogue) or update (Excel and CSV: new and changed rows, "
        "removals by the Åtgärd column)",
    ),
) -> HttpResponse:
    """201 valid (awaiting confirmation, pending review, published or scheduled); 202 still being checked (poll
    the Location); 422 invalid (the report says why); 503 stored but its processing failed."""
    catalogue = _catalogue(request.auth, agreement_ref)
    if isinstance(catalogue, JsonResponse):
        return catalogue
    mode = mode or UploadMode.REPLACE
    if mode not in UploadMode.values:
        return error(
            400,
            f"Okänt läge {mode!r}: ange mode=replace (ersätt hela katalogen) eller mode=update (uppdatera)",
            f"Unknown mode {mode!r}: give mode=replace (replace the whole catalogue) or mode=update",
        )
    version = _receive(request, catalogue, mode)
    if isinstance(version, JsonResponse):
        return version
    version.refresh_from_db()
    body = version_json(request, version)
    response = JsonResponse(body, status=_upload_status(version))
    response["Location"] = body["links"]["self"]
    return response


def _receive(request: HttpRequest, catalogue: Catalogue, mode: str) -> CatalogueVersion | JsonResponse:
    """The upload (multipart field "file", or the raw body) imported as the catalogue's next version; too large: 413."""
    limit = settings.CATALOGUE_MAX_UPLOAD_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 64 * 1024:  # room for multipart boundaries and headers
        return _too_large(limit)
    if request.content_type != "multipart/form-data":
        return _receive_body(request, catalogue, mode, limit)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        return error(400, "Fältet 'file' saknas", "The form field 'file' is missing")
    if (upload_file.size or 0) > limit:
        return _too_large(limit)
    return import_file(upload_file, catalogue=catalogue, filename=upload_file.name or "", mode=mode)


def _receive_body(request: HttpRequest, catalogue: Catalogue, mode: str, limit: int) -> CatalogueVersion | JsonResponse:
    """A raw body is streamed to disk, never held in memory, and cut off at the limit."""
    with tempfile.NamedTemporaryFile(suffix=Path(_filename(request)).suffix) as spool:
        size = 0
        while chunk := request.read(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                return _too_large(limit)
            spool.write(chunk)
        spool.flush()
        spool.seek(0)
        name = _filename(request)
        return import_file(File(spool, name=name), catalogue=catalogue, filename=name, mode=mode)


def _upload_status(version: CatalogueVersion) -> int:
    """201 valid, 202 still being checked, 422 invalid, 503 stored but the hub failed to process it."""
    if version.status == Status.INVALID:
        return 422
    if version.status in Status.IN_PROGRESS:
        return 202
    if version.status == Status.FAILED:
        return 503  # the fault is ours: try again
    return 201


def _own_version(request: TokenRequest, agreement_ref: str, number: int) -> CatalogueVersion | JsonResponse:
    version = None
    if number <= MAX_VERSION_NUMBER and "\x00" not in agreement_ref:
        version = (
            CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier")
            .filter(
                catalogue__agreement__reference=agreement_ref, catalogue__supplier=request.auth.supplier, number=number
            )
            .first()
        )
    if version is None:
        return error(404, "Versionen finns inte", "The version does not exist")
    return version


@router.get(
    "/{agreement_ref}/versions/{int:number}",
    url_name="version",
    summary="En versions status och rapport / A version's status and report",
    response={200: VersionOut, 401: ErrorOut, 404: ErrorOut},
)
def version_status(request: TokenRequest, agreement_ref: str, number: int) -> HttpResponse:
    version = _own_version(request, agreement_ref, number)
    if isinstance(version, JsonResponse):
        return version
    return JsonResponse(version_json(request, version))


@router.get(
    "/{agreement_ref}/versions/{int:number}/response.xml",
    url_name="response",
    summary="Peppol-svaret (T58) / The Peppol response (T58)",
    response={401: ErrorOut, 404: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The Peppol Catalogue Response (T58), AP or RE",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            },
            "409": {
                "description": "No decision yet (Swedish / English)",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
        }
    },
)
def version_response(request: TokenRequest, agreement_ref: str, number: int) -> HttpResponse:
    version = _own_version(request, agreement_ref, number)
    if isinstance(version, JsonResponse):
        return version
    return t58_download(version)


@router.post(
    "/{agreement_ref}/versions/{int:number}/confirm",
    url_name="confirm",
    summary="Bekräfta borttagningar / Confirm the removals",
    response={200: VersionOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def version_confirm(request: TokenRequest, agreement_ref: str, number: int) -> HttpResponse:
    """Confirm the removals of a version in awaiting_confirm: it goes on to review or auto-approval."""
    version = _own_version(request, agreement_ref, number)
    if isinstance(version, JsonResponse):
        return version
    try:
        version = confirm_removals(version, user=None)
    except ReviewError:
        return error(
            409,
            f"Versionen väntar inte på bekräftelse (status {version.status})",
            f"The version is not awaiting confirmation (status {version.status})",
        )
    return JsonResponse(version_json(request, version))
