"""`make run` is safe by default: no DEBUG, a kept secret key, images only from media, a T58 that downloads."""

from __future__ import annotations

import importlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import clear_url_caches, reverse

import hub.urls
from catalogue.catalogue_response import check_response
from catalogue.review import approve
from hub.management.commands.seed_hub import Command
from hub.media import public_image

REPO_ROOT = Path(__file__).resolve().parents[2]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def local_settings(var_dir: Path) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "HUB_PEPPOL_ID"}}
    environment.update(DJANGO_SETTINGS_MODULE="hub.settings.local", HUB_VAR_DIR=str(var_dir))
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'key': s.SECRET_KEY, 'peppol': s.HUB_PEPPOL_ID, "
        "'hosts': s.ALLOWED_HOSTS, 'media': s.HUB_SERVE_PUBLIC_MEDIA}))"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_make_run_settings_are_safe_and_keep_their_secret_key(tmp_path):
    first = local_settings(tmp_path)
    assert first["debug"] is False
    assert first["hosts"] == ["127.0.0.1", "localhost"]
    assert first["media"] is True
    assert first["peppol"] == "0007:2120000142"  # the T58 downloads after `make run` (issue 7 item 4)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first["key"]) >= 50 and "dev-only" not in first["key"]
    assert local_settings(tmp_path)["key"] == first["key"]  # kept: sessions survive a restart


def test_the_demo_hub_id_signs_a_valid_t58_download(
    client, settings, supplier_user, review_pending_version, reviewer_user
):
    settings.HUB_PEPPOL_ID = settings.DEMO_HUB_PEPPOL_ID
    assert not review_pending_version.catalogue.agreement.buyers.exists()  # nothing else to sign it
    approve(review_pending_version, reviewer_user, "OK")
    client.force_login(supplier_user)
    response = client.get(reverse("catalogue:version-response", args=[review_pending_version.pk]))
    assert response.status_code == 200
    assert check_response(response.content).ok


@pytest.fixture
def media_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name, data in {
        "original_images/vas.png": PNG,
        "original_images/evil.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "original_images/evil.html": b"<script>alert(1)</script>",
        "catalogues/2026/12/RA-2026-002.xml": b"<Catalogue/>",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.fixture
def public_media_urls(settings):
    """hub.urls as `make run` builds it (DEBUG off, HUB_SERVE_PUBLIC_MEDIA on)."""
    settings.DEBUG = False
    settings.HUB_SERVE_PUBLIC_MEDIA = True
    importlib.reload(hub.urls)
    clear_url_caches()
    yield
    settings.HUB_SERVE_PUBLIC_MEDIA = False
    importlib.reload(hub.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_make_run_serves_product_images_and_nothing_else_from_media(client, media_files, public_media_urls):
    image = client.get("/media/original_images/vas.png")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content) == PNG
    for path in (
        "/media/original_images/evil.svg",
        "/media/original_images/evil.html",
        "/media/catalogues/2026/12/RA-2026-002.xml",
        "/media/original_images/../catalogues/2026/12/RA-2026-002.xml",
        "/media/original_images/missing.png",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/media/original_images/vas.png").status_code in {403, 405}


def test_public_image_refuses_paths_out_of_the_image_folders(rf, media_files):
    for path in ("catalogues/2026/12/RA-2026-002.xml", "original_images/../../etc/passwd.png", "vas.png"):
        with pytest.raises(Http404):
            public_image(rf.get("/"), path)


@pytest.mark.django_db
def test_seed_hub_refuses_production_settings_unless_forced(settings):
    settings.HUB_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_hub", "--no-catalogues")

    assert not get_user_model().objects.filter(username="leverantor").exists()


def test_seed_hub_prints_a_punchout_test_command_for_the_hub_it_seeded(settings, tmp_path):
    """`make run PORT=8010`: the printed command must test that hub, not the default port 8000."""
    settings.VAR_DIR = tmp_path
    settings.HUB_BASE_URL = "http://127.0.0.1:8010"
    out = io.StringIO()
    Command(stdout=out).print_logins()
    hint = next(line for line in out.getvalue().splitlines() if "punchout_test" in line)
    assert "--hub-url http://127.0.0.1:8010 " in hint and "--receiver-port 8765" in hint
