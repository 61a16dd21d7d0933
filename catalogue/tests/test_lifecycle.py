"""The catalogue version lifecycle: the state machine, one waiting version, withdraw, failure and retry."""

import datetime
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from catalogue import intake, lifecycle
from catalogue.api import create_token
from catalogue.error_codes import issue_texts
from catalogue.intake import create_version, finish, import_file, process_catalogue_version
from catalogue.models import CatalogueItem, CatalogueVersion, IllegalTransition
from catalogue.report import Report
from catalogue.review import ReviewError, activate_scheduled, approve, submit_for_review
from catalogue.tests.fixtures import INTAKE_AGREEMENT, issues
from catalogue.tests.review_fixtures import make_version
from catalogue.validation import official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status


def test_every_illegal_move_is_refused_and_every_legal_one_made(review_catalogue):
    version = make_version(review_catalogue, [], status=Status.RECEIVED)
    refused = allowed = 0
    for old in Status.values:
        for new in Status.values:
            CatalogueVersion.objects.filter(pk=version.pk).update(status=old)
            # A stale instance: the machine must read the status from the database.
            version.status = Status.PUBLISHED if old != Status.PUBLISHED else Status.RECEIVED
            if new in CatalogueVersion.TRANSITIONS[old]:
                version.transition(new)
                allowed += 1
                assert CatalogueVersion.objects.get(pk=version.pk).status == new
            else:
                with pytest.raises(IllegalTransition):
                    version.transition(new)
                refused += 1
                assert CatalogueVersion.objects.get(pk=version.pk).status == old, (old, new)
    assert refused + allowed == len(Status.values) ** 2
    assert refused > allowed > 0
    assert issubclass(IllegalTransition, ValueError)


def test_every_status_has_its_transitions_declared():
    assert set(CatalogueVersion.TRANSITIONS) == set(Status.values)
    for targets in CatalogueVersion.TRANSITIONS.values():
        assert targets <= set(Status.values)


def test_scheduled_activation_supersedes_through_the_state_machine(review_live_version, review_changed_items):
    scheduled = make_version(review_live_version.catalogue, review_changed_items, status=Status.SCHEDULED)
    CatalogueVersion.objects.filter(pk=scheduled.pk).update(publish_on=timezone.localdate())
    newer = make_version(review_live_version.catalogue, review_changed_items, status=Status.VALIDATED)
    approve(newer, None, "ok")
    with mock.patch.object(CatalogueVersion, "transition", autospec=True, side_effect=CatalogueVersion.transition) as t:
        assert activate_scheduled() == []
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SUPERSEDED
    assert scheduled.superseded_by_id == newer.pk
    assert t.call_args_list[0].args[1] == Status.SUPERSEDED


# --- Approval waits for the official rules (issue 8 item 5) ---------------------------------------


def test_a_version_cannot_be_approved_while_its_official_rules_run(intake_catalogue, peppol_file, reviewer_user):
    seen = {}

    def rules_running(version, report, *args, **kwargs):
        seen["status"] = CatalogueVersion.objects.get(pk=version.pk).status
        try:
            approve(version, reviewer_user, "snabbt")
        except ReviewError as error:
            seen["refused"] = str(error)

    with mock.patch("catalogue.intake.peppol_rules.check_chunks", side_effect=rules_running) as rules:
        version = import_file(peppol_file(n=3), catalogue=intake_catalogue, background=False)
    assert rules.called
    assert seen["status"] == Status.CHECKING
    assert "refused" in seen, "approved while the official rules still ran"
    version.refresh_from_db()
    # The import's verdict went through; nothing wrote over a decision.
    assert version.status == Status.PENDING_REVIEW
    assert version.reviewed_at is None


def test_an_import_verdict_never_writes_over_a_decision_made_meanwhile(review_catalogue):
    version = make_version(review_catalogue, [], status=Status.CHECKING)
    stale = CatalogueVersion.objects.get(pk=version.pk)
    CatalogueVersion.objects.filter(pk=version.pk).update(status=Status.PUBLISHED)
    with pytest.raises(IllegalTransition):
        finish(stale, Report(), Status.VALIDATED)
    assert CatalogueVersion.objects.get(pk=version.pk).status == Status.PUBLISHED


# --- Half-decided approval (issue 7 item 1) --------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["catalogue.review.publish_version", "catalogue.models.Catalogue.save"],
    ids=["publication-fails", "switch-fails-inside-its-transaction"],
)
def test_a_failed_approval_records_nothing_and_is_not_listed_as_decided(
    client, review_pending_version, reviewer_user, target
):
    live = review_pending_version.catalogue.live_version_id
    client.force_login(reviewer_user)
    with mock.patch(target, side_effect=OperationalError("database is locked")):
        response = client.post(
            reverse("catalogue:review-detail", args=[review_pending_version.pk]),
            {"action": "approve", "comment": "Ser bra ut"},
        )
    assert response.status_code == 503
    assert "inget har ändrats" in response.content.decode()
    version = CatalogueVersion.objects.get(pk=review_pending_version.pk)
    assert version.status == Status.PENDING_REVIEW
    assert (version.reviewed_at, version.reviewed_by_id, version.review_comment) == (None, None, "")
    version.catalogue.refresh_from_db()
    assert version.catalogue.live_version_id == live
    listing = client.get(reverse("catalogue:review-list"))
    assert list(listing.context["pending"]) == [version]
    assert version not in list(listing.context["decided"])
    # The same click again works.
    approve(version, reviewer_user, "Ser bra ut")
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED and version.reviewed_by == reviewer_user


def test_the_review_list_never_shows_a_decidable_version_as_decided(client, review_pending_version, reviewer_user):
    # Data left by the old code: decision fields without the status.
    CatalogueVersion.objects.filter(pk=review_pending_version.pk).update(reviewed_at=timezone.now())
    client.force_login(reviewer_user)
    listing = client.get(reverse("catalogue:review-list"))
    assert review_pending_version in list(listing.context["pending"])
    assert review_pending_version not in list(listing.context["decided"])


# --- Every upload outcome gives one message matching the stored state (issue 7 item 3) -------------

PRICE_CUT_PLUS_ONE = (
    "Artikelnummer;Benämning;Enhet;Pris;Valuta\n"
    "KON-0000001;Kopieringspapper A4;EA;45,00;SEK\n"
    "OLD-1;Gem 28 mm;EA;11,00;SEK\n"
    "OLD-2;Pärm;EA;30,00;SEK\n"
    "NEW-1;Whiteboardpenna;EA;19,00;SEK\n"
)
INVALID_CSV = "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA;B;EA;;SEK\n"


def _portal_upload(client, catalogue, content: str, name: str = "katalog.csv"):
    url = reverse("catalogue:catalogue", args=[catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content.encode("utf-8"), "text/csv")})
    with translation.override("sv"):  # the page's language: a lazy message is worded when it is shown
        texts = [str(m) for m in get_messages(response.wsgi_request)]
    return response, texts


def _one_message(texts: list[str], expected: str) -> None:
    assert len(texts) == 1, texts
    assert expected in texts[0], texts


def test_portal_auto_approved_upload_is_published_and_says_so(client, supplier_user, live_version):
    client.force_login(supplier_user)
    response, texts = _portal_upload(client, live_version.catalogue, PRICE_CUT_PLUS_ONE)
    version = live_version.catalogue.versions.get(number=2)
    assert response.status_code == 302
    assert version.status == Status.PUBLISHED, version.report
    _one_message(texts, "godkändes automatiskt och är publicerad")


def test_portal_auto_approval_whose_publication_fails_goes_to_review_and_says_so(client, supplier_user, live_version):
    client.force_login(supplier_user)
    with mock.patch("catalogue.review.publish_version", side_effect=OperationalError("database is locked")):
        response, texts = _portal_upload(client, live_version.catalogue, PRICE_CUT_PLUS_ONE)
    version = live_version.catalogue.versions.get(number=2)
    assert response.status_code == 302, "the upload was stored: it must not be reported as not received"
    assert version.status == Status.PENDING_REVIEW
    assert version.reviewed_at is None and version.review_comment == ""
    assert version.diff_summary["review_reasons"]
    _one_message(texts, "väntar på granskning")
    live_version.catalogue.refresh_from_db()
    assert live_version.catalogue.live_version_id == live_version.pk


def test_portal_upload_queued_for_review_says_so(client, supplier_user, intake_catalogue, peppol_file):
    client.force_login(supplier_user)
    url = reverse("catalogue:catalogue", args=[intake_catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("katalog.xml", peppol_file(n=2).read_bytes())})
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert intake_catalogue.versions.get().status == Status.PENDING_REVIEW
    _one_message(texts, "väntar på granskning")


def test_portal_invalid_upload_says_so(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    _response, texts = _portal_upload(client, intake_catalogue, INVALID_CSV)
    assert intake_catalogue.versions.get().status == Status.INVALID
    _one_message(texts, "Filen har fel")


def test_portal_upload_whose_processing_fails_is_failed_says_so_and_can_be_retried(client, supplier_user, live_version):
    client.force_login(supplier_user)
    with mock.patch("catalogue.validation.hub_rules.build_item", side_effect=RuntimeError("boom")):
        response, texts = _portal_upload(client, live_version.catalogue, PRICE_CUT_PLUS_ONE)
    version = live_version.catalogue.versions.get(number=2)
    assert response.status_code == 302
    assert version.status == Status.FAILED
    assert issues(version, "PROCESSING-FAILED")
    _one_message(texts, "kunde inte behandlas")
    page = client.get(response["Location"]).content.decode()
    assert "Behandlingen misslyckades" in page and "Försök igen" in page
    english = client.get(reverse("catalogue:version", args=[version.pk]).replace("/sv/", "/en/", 1))
    assert "Try again" in english.content.decode()

    with translation.override("sv"):
        response = client.post(reverse("catalogue:version-retry", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED, version.report
    assert version.items.count() == 4
    _one_message([str(m) for m in get_messages(response.wsgi_request)], "godkändes automatiskt")


def test_portal_upload_that_cannot_be_stored_keeps_nothing(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    with mock.patch("catalogue.intake.create_version", side_effect=OperationalError("disk I/O error")):
        response, texts = _portal_upload(client, intake_catalogue, PRICE_CUT_PLUS_ONE)
    assert response.status_code == 400
    assert intake_catalogue.versions.count() == 0
    _one_message(texts, "kunde inte tas emot")


@pytest.fixture
def api_token(intake_supplier):
    return create_token(intake_supplier)[1]


def _api_upload(client, token, content: str):
    return client.post(
        reverse("catalogue-api:upload", args=[INTAKE_AGREEMENT]),
        {"file": SimpleUploadedFile("katalog.csv", content.encode("utf-8"), "text/csv")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.parametrize(
    ("patch", "content", "http", "status", "message"),
    [
        (None, PRICE_CUT_PLUS_ONE, 201, Status.PUBLISHED, "godkändes automatiskt"),
        ("catalogue.review.publish_version", PRICE_CUT_PLUS_ONE, 201, Status.PENDING_REVIEW, "väntar på granskning"),
        (None, "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA;B;EA;;SEK\n", 422, Status.INVALID, "Filen har fel"),
        ("catalogue.validation.hub_rules.build_item", PRICE_CUT_PLUS_ONE, 503, Status.FAILED, "kunde inte behandlas"),
    ],
    ids=["auto-approved", "auto-approval-failed-to-review", "invalid", "failed"],
)
def test_api_upload_outcomes(client, api_token, live_version, patch, content, http, status, message):
    broken = mock.patch(patch, side_effect=OperationalError("database is locked")) if patch else mock.MagicMock()
    with broken:
        response = _api_upload(client, api_token, content)
    assert response.status_code == http, response.json()
    data = response.json()
    assert data["status"] == status
    assert live_version.catalogue.versions.get(number=data["version"]).status == status
    assert message in data["message"]["sv"]
    assert data["message"]["en"] and data["message"]["en"] != data["message"]["sv"]


def test_api_first_version_is_queued_for_review(client, api_token, intake_catalogue):
    response = _api_upload(client, api_token, PRICE_CUT_PLUS_ONE)
    assert response.status_code == 201
    assert response.json()["status"] == Status.PENDING_REVIEW
    assert "väntar på granskning" in response.json()["message"]["sv"]


# --- One waiting version per catalogue (issue 7 item 7) ---------------------------------------------


def test_a_new_valid_upload_supersedes_the_waiting_one_and_both_sides_see_it(
    client, review_pending_version, review_changed_items, supplier_user, reviewer_user
):
    newer = submit_for_review(make_version(review_pending_version.catalogue, review_changed_items))
    older = CatalogueVersion.objects.get(pk=review_pending_version.pk)
    assert older.status == Status.SUPERSEDED and older.superseded_by_id == newer.pk
    assert newer.status == Status.PENDING_REVIEW
    waiting = CatalogueVersion.objects.filter(catalogue=older.catalogue, status__in=Status.WAITING)
    assert list(waiting) == [newer]

    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:version", args=[older.pk])).content.decode()
    assert f"Ersatt av version {newer.number}" in page
    assert "katalogsvaret" not in page  # never decided: no T58 of its own
    client.force_login(reviewer_user)
    listing = client.get(reverse("catalogue:review-list"))
    assert list(listing.context["pending"]) == [newer]
    assert older in list(listing.context["set_aside"])
    assert f"Ersatt av version {newer.number}" in listing.content.decode()
    with pytest.raises(ReviewError):
        approve(older, reviewer_user, "")


def test_an_older_version_validated_after_a_newer_one_waits_is_superseded_at_once(
    review_live_version, review_changed_items
):
    older = make_version(review_live_version.catalogue, review_changed_items, status=Status.CHECKING)
    newer = submit_for_review(make_version(review_live_version.catalogue, review_changed_items))
    assert newer.status == Status.PENDING_REVIEW
    older.transition(Status.VALIDATED)
    older = submit_for_review(older)
    assert older.status == Status.SUPERSEDED and older.superseded_by_id == newer.pk
    newer.refresh_from_db()
    assert newer.status == Status.PENDING_REVIEW


def test_an_invalid_upload_does_not_supersede_the_waiting_version(client, supplier_user, intake_catalogue):
    pending = submit_for_review(
        make_version(intake_catalogue, [{"seller_item_id": "X", "name": "X", "price": "10", "unit": "EA"}])
    )
    assert pending.status == Status.PENDING_REVIEW  # a first version always waits
    client.force_login(supplier_user)
    _portal_upload(client, intake_catalogue, "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA;B;EA;;SEK\n")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW


def test_waiting_reasons_are_recomputed_when_another_version_goes_live(
    review_live_version, review_changed_items, reviewer_user, django_capture_on_commit_callbacks
):
    catalogue = review_live_version.catalogue
    start = timezone.localdate() + datetime.timedelta(days=1)
    scheduled = approve(submit_for_review(make_version(catalogue, review_changed_items, valid_from=start)), None, "")
    assert scheduled.status == Status.SCHEDULED
    waiting = submit_for_review(make_version(catalogue, review_changed_items))
    assert waiting.status == Status.PENDING_REVIEW
    assert waiting.diff_summary["base_version_id"] == review_live_version.pk

    with django_capture_on_commit_callbacks(execute=True):  # refreshed once the publication has committed
        assert activate_scheduled(start) == [scheduled]
    waiting.refresh_from_db()
    assert waiting.diff_summary["base_version_id"] == scheduled.pk
    assert waiting.diff_summary["changed"] == 0  # the same items as the version now live


# --- Withdraw (issue 7 item 4) ------------------------------------------------------------------------


def test_supplier_withdraws_a_waiting_version(client, review_pending_version, supplier_user, reviewer_user):
    client.force_login(supplier_user)
    url = reverse("catalogue:version", args=[review_pending_version.pk])
    assert "Återkalla versionen" in client.get(url).content.decode()
    response = client.post(reverse("catalogue:version-withdraw", args=[review_pending_version.pk]))
    assert response.status_code == 302
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == Status.WITHDRAWN
    assert "Återkallad" in client.get(url).content.decode()
    with pytest.raises(ReviewError):
        approve(review_pending_version, reviewer_user, "")
    client.force_login(reviewer_user)
    listing = client.get(reverse("catalogue:review-list"))
    assert review_pending_version not in list(listing.context["pending"])
    assert review_pending_version in list(listing.context["set_aside"])


def test_withdraw_needs_post_and_refuses_a_published_version(client, review_pending_version, supplier_user):
    client.force_login(supplier_user)
    live = review_pending_version.catalogue.live_version
    assert client.get(reverse("catalogue:version-withdraw", args=[review_pending_version.pk])).status_code == 405
    response = client.post(reverse("catalogue:version-withdraw", args=[live.pk]))
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert "kan inte återkallas" in str(next(iter(get_messages(response.wsgi_request))))


def test_another_supplier_cannot_withdraw_or_retry(client, review_pending_version, other_supplier_user):
    client.force_login(other_supplier_user)
    for name in ("catalogue:version-withdraw", "catalogue:version-retry"):
        assert client.post(reverse(name, args=[review_pending_version.pk])).status_code == 404
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == Status.PENDING_REVIEW


# --- Failed processing and retry (issue 7, issue 8 item 6) -------------------------------------------


def _killed_mid_import(catalogue, csv_path: Path) -> CatalogueVersion:
    """What a killed worker leaves: RECEIVED, part of the items inserted, a temporary folder."""
    version = create_version(catalogue, csv_path, filename="katalog.csv")
    CatalogueItem.objects.create(
        version=version, line_number=1, seller_item_id="KON-0000001", name="x", unit="EA", price=1
    )
    CatalogueVersion.objects.filter(pk=version.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(hours=2), progress_percent=12
    )
    return version


def test_stalled_import_is_failed_its_folder_cleaned_and_the_retry_works(live_version, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(PRICE_CUT_PLUS_ONE, encoding="utf-8")
    version = _killed_mid_import(live_version.catalogue, path)
    folder = Path(tempfile.mkdtemp(prefix=f"catalogue-v{version.pk}-", dir=lifecycle.work_root()))
    fresh = _killed_mid_import(live_version.catalogue, path)
    CatalogueVersion.objects.filter(pk=fresh.pk).update(last_activity_at=timezone.now())

    failed = lifecycle.fail_stalled_imports(timezone.now())
    assert [v.pk for v in failed] == [version.pk]
    version.refresh_from_db()
    assert version.status == Status.FAILED
    assert issues(version, "PROCESSING-FAILED")
    assert not folder.exists()
    assert CatalogueVersion.objects.get(pk=fresh.pk).status == Status.RECEIVED  # still within the limit

    version = intake.retry(version)
    # The half-inserted item of the first attempt does not collide with the new run's.
    assert version.status in {Status.PUBLISHED, Status.SUPERSEDED}, version.report
    assert version.items.count() == 4


def test_a_failed_import_task_fails_the_version_and_a_queued_one_does_not(live_version, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(PRICE_CUT_PLUS_ONE, encoding="utf-8")
    task_failed = _killed_mid_import(live_version.catalogue, path)
    queued = _killed_mid_import(live_version.catalogue, path)
    for version, state in ((task_failed, "FAILED"), (queued, "READY")):
        row = DBTaskResult.objects.create(
            status=state,
            args_kwargs={"args": [version.pk], "kwargs": {}},
            task_path="catalogue.intake.process_catalogue_version",
            backend_name="default",
            run_after=timezone.now(),
        )
        CatalogueVersion.objects.filter(pk=version.pk).update(
            import_task_id=str(row.pk), last_activity_at=timezone.now() - datetime.timedelta(hours=5)
        )
    CatalogueVersion.objects.filter(pk=task_failed.pk).update(last_activity_at=timezone.now())
    lifecycle.fail_stalled_imports()
    assert CatalogueVersion.objects.get(pk=task_failed.pk).status == Status.FAILED
    assert CatalogueVersion.objects.get(pk=queued.pk).status == Status.RECEIVED


def test_retry_is_refused_unless_failed(client, review_pending_version, supplier_user):
    with pytest.raises(IllegalTransition):
        intake.retry(review_pending_version)
    client.force_login(supplier_user)
    response = client.post(reverse("catalogue:version-retry", args=[review_pending_version.pk]))
    assert response.status_code == 302
    assert CatalogueVersion.objects.get(pk=review_pending_version.pk).status == Status.PENDING_REVIEW


def test_reviewer_sees_a_failed_version(client, review_catalogue, reviewer_user):
    version = make_version(review_catalogue, [], status=Status.RECEIVED)
    lifecycle.mark_failed(version, RuntimeError("worker died"))
    client.force_login(reviewer_user)
    listing = client.get(reverse("catalogue:review-list"))
    assert version in list(listing.context["failed"])
    page = client.get(reverse("catalogue:review-detail", args=[version.pk])).content.decode()
    assert "Behandlingen misslyckades" in page
    english = client.get(reverse("catalogue:review-detail", args=[version.pk]).replace("/sv/", "/en/", 1))
    assert "Processing failed" in english.content.decode()


# --- Damaged .xlsx (issue 8 item 7) ----------------------------------------------------------------------


def _damaged_xlsx(tmp_path: Path, how: str) -> Path:
    # A workbook as Excel saves it (with its <dimension>), so openpyxl opens it and the damage shows while reading.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Artiklar"
    sheet.append(["Artikelnummer", "Benämning", "Enhet", "Pris", "Valuta"])
    for number in range(200):
        sheet.append([f"A-{number}", "Kulspetspenna blå", "EA", 8.5, "SEK"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if how == "truncated":
        damaged = data[: len(data) // 2]
    else:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    content = content[: len(content) // 2]  # cut mid-element: not well-formed XML
                target.writestr(item, content)
        damaged = out.getvalue()
    path = tmp_path / f"{how}.xlsx"
    path.write_bytes(damaged)
    return path


@pytest.mark.parametrize("how", ["truncated", "corrupt-sheet-xml"])
def test_a_damaged_xlsx_is_invalid_with_a_clear_row_free_error(intake_catalogue, tmp_path, how):
    version = import_file(_damaged_xlsx(tmp_path, how), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    [issue] = issues(version, "SHEET-DAMAGED")
    assert issue["line"] is None and issue["column"] is None
    assert "skadad" in issue_texts(issue)["sv"] and "damaged" in issue_texts(issue)["en"]
    assert version.items.count() == 0


def test_a_damaged_xlsx_through_the_portal_is_not_a_500(client, supplier_user, intake_catalogue, tmp_path):
    client.force_login(supplier_user)
    path = _damaged_xlsx(tmp_path, "corrupt-sheet-xml")
    url = reverse("catalogue:catalogue", args=[intake_catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("katalog.xlsx", path.read_bytes())})
    assert response.status_code == 302
    assert intake_catalogue.versions.get().status == Status.INVALID


def test_a_restarted_import_task_after_a_kill_during_the_rules_starts_over(live_version, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text(PRICE_CUT_PLUS_ONE, encoding="utf-8")
    version = _killed_mid_import(live_version.catalogue, path)
    CatalogueVersion.objects.filter(pk=version.pk).update(status=Status.CHECKING)
    process_catalogue_version.call(version.pk)
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED, version.report
    assert version.items.count() == 4


def test_the_clean_up_leaves_another_hubs_import_folders_alone(settings, tmp_path):
    """Version numbers repeat from hub to hub: the clean-up of a test run, or of a second hub on the same
    machine, removed the chunk folder of an import running in another one (its retry then ended INVALID)."""
    legacy = Path(tempfile.mkdtemp(prefix="catalogue-v2-"))  # where every hub kept them before
    mine = Path(tempfile.mkdtemp(prefix="catalogue-v2-", dir=lifecycle.work_root()))
    settings.VAR_DIR = tmp_path / "another-hub"
    theirs = Path(tempfile.mkdtemp(prefix="catalogue-v2-", dir=lifecycle.work_root()))
    try:
        assert theirs.parent != mine.parent
        assert lifecycle.remove_work_dirs(keep=set()) == 1
        assert theirs.exists() is False and mine.exists() and legacy.exists()
    finally:
        for folder in (legacy, mine, theirs.parent):
            shutil.rmtree(folder, ignore_errors=True)


def test_a_crash_of_the_official_rules_fails_the_version_for_a_retry(intake_catalogue, peppol_file):
    """The hub's failure, not the file's: FAILED and retryable, never INVALID with "fix the file"."""
    folders = []

    def crash(chunks, **options):
        folders.append(Path(chunks[0].path).parent)
        raise RuntimeError("a rule process died")

    with mock.patch.object(official, "run_chunks", side_effect=crash):
        version = import_file(peppol_file(n=3), catalogue=intake_catalogue, background=False)
    assert version.status == Status.FAILED, version.report
    assert issues(version, "PROCESSING-FAILED") and not issues(version, "PEPPOL-RULES-FAILED")
    assert folders and folders[0].parent == lifecycle.work_root() and not folders[0].exists()
    with translation.override("sv"):
        assert "Försök igen" in lifecycle.outcome_message(version)[1]

    version = intake.retry(version)
    assert version.status == Status.PENDING_REVIEW, version.report  # a first version waits for a reviewer
