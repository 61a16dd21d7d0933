"""Benchmark: a punchout setup request to its response, beside a minimal Django view on the same server.

Target (issue 11): setup request to response p95 <= 30 ms, and <= 3x a minimal Django view in the same run.

Rerun:
    .venv/bin/python bench/punchout_setup_bench.py [--requests 300]
    DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/punchout_setup_bench.py

Steps: a throw-away database (migrated), one buyer organisation and one buyer system registered with
`create_buyer_system` for cXML and Peppol Punch Out 3 (the shared secret hashed with the production
password hasher, not the tests' MD5); the hub served by gunicorn (1 worker, 1 thread, so every request
meets the same process), a minimal view mounted beside it. Requests go one at a time from this process,
alternating: cXML PunchOutSetupRequest, minimal view, Peppol start token, minimal view. Each setup opens
a real session (a database write). The first setup request pays the slow password-hash check once per
process (printed apart); the rest use the per-process verified-secret cache, as an ordering system's
repeated setups do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")
os.environ.setdefault("HUB_PEPPOL_ID", "0007:5567321707")

import django

django.setup()

from django.conf import global_settings, settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_test_environment

from hub.organisations.models import BuyerOrganisation
from punchout import harness
from punchout.models import BuyerSystem
from punchout.protocols import peppol

SECRET = "bench-hemlighet-2026"
SYSTEM = "Bench beställningssystem"
RETURN_URL = "http://127.0.0.1:8765/retur"
MINIMAL_PATH = "/bench/minimal/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def register_buyer_system() -> BuyerSystem:
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # hashed as in production
    organisation = BuyerOrganisation.objects.create(name="Benchstads kommun", orgnr="2120000142")
    call_command(
        "create_buyer_system",
        SYSTEM,
        organisation_orgnr=organisation.orgnr,
        protocols=["cxml", "peppol"],
        from_identity="bench-kommun",
        shared_secret=SECRET,
        return_url_prefixes=[RETURN_URL],
        stdout=open(os.devnull, "w"),  # noqa: SIM115 - closed with the process
    )
    return BuyerSystem.objects.get(name=SYSTEM)


def server_settings(tmp: Path) -> str:
    """Settings for the served hub: the bench database, the production password hasher, a minimal view."""
    (tmp / "hub_punchout_bench_urls.py").write_text(
        textwrap.dedent(
            f"""
            from django.http import HttpResponse
            from django.urls import path

            from hub.urls import urlpatterns as hub_urlpatterns

            def minimal(request):
                return HttpResponse("ok", content_type="text/plain")

            urlpatterns = [path({MINIMAL_PATH.lstrip("/")!r}, minimal), *hub_urlpatterns]
            """
        )
    )
    (tmp / "hub_punchout_bench_settings.py").write_text(
        textwrap.dedent(
            f"""
            from hub.settings.test import *  # noqa: F403
            DATABASES["default"]["NAME"] = {connection.settings_dict["NAME"]!r}  # noqa: F405
            PASSWORD_HASHERS = {global_settings.PASSWORD_HASHERS!r}
            ROOT_URLCONF = "hub_punchout_bench_urls"
            """
        )
    )
    return "hub_punchout_bench_settings"


def timed(request: urllib.request.Request, expect: int) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # loopback only
            response.read()
            status = response.status
    except urllib.error.HTTPError as redirect:  # the Peppol start answers 303, which is not followed
        redirect.read()
        status = redirect.code
    elapsed = (time.perf_counter() - started) * 1000
    if status != expect:
        raise RuntimeError(f"{request.full_url} answered {status}, not {expect}")
    return elapsed


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def measure(base: str, system: BuyerSystem, requests: int) -> dict[str, list[float]]:
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    hub_url = base

    def cxml_setup() -> urllib.request.Request:
        body = harness.setup_request(system, SECRET, RETURN_URL, "bench-cookie", hub_url)
        return urllib.request.Request(
            base + "/punchout/cxml/", data=body, headers={"Content-Type": "text/xml; charset=UTF-8"}
        )

    def peppol_start() -> urllib.request.Request:
        claims = peppol.start_claims(system, RETURN_URL, state="bench", buyer_reference="Bench")
        data = urllib.parse.urlencode({"token": peppol.sign_start_token(SECRET, claims)}).encode()
        return urllib.request.Request(base + "/punchout/peppol/start/", data=data)

    minimal = urllib.request.Request(base + MINIMAL_PATH)
    times: dict[str, list[float]] = {"cxml first": [], "cxml setup": [], "peppol start": [], "minimal view": []}
    times["cxml first"].append(timed(cxml_setup(), 200))
    for _ in range(5):  # warm up
        timed(minimal, 200)
        timed(cxml_setup(), 200)
        timed(peppol_start(), 303)
    for _ in range(requests):
        times["cxml setup"].append(timed(cxml_setup(), 200))
        times["minimal view"].append(timed(minimal, 200))
        times["peppol start"].append(timed(peppol_start(), 303))
        times["minimal view"].append(timed(minimal, 200))
    return times


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the bench server did not answer {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    args = parser.parse_args()
    setup_test_environment()
    if connection.vendor == "sqlite":
        test_file = Path(tempfile.gettempdir()) / f"hub-po-bench-{os.getpid()}.sqlite3"
        connection.settings_dict["TEST"]["NAME"] = str(test_file)
    else:
        connection.settings_dict["TEST"]["NAME"] = f"test_hub_punchout_bench_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    tmp = Path(tempfile.mkdtemp(prefix="hub-punchout-bench-"))
    port = free_port()
    server = None
    try:
        system = register_buyer_system()
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=server_settings(tmp), PYTHONPATH=f"{tmp}:{ROOT}")
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "hub.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=1",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(base + MINIMAL_PATH)
        load_before = os.getloadavg()[0]
        times = measure(base, system, args.requests)
        load_after = os.getloadavg()[0]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    minimal_p50, minimal_p95 = statistics.median(times["minimal view"]), pct(times["minimal view"], 95)
    print(f"{connection.vendor}, gunicorn 1 worker x 1 thread, loopback, {args.requests} requests of each kind")
    print(f"  cxml setup, first (slow hash check): {times['cxml first'][0]:7.1f} ms")
    for kind in ("cxml setup", "peppol start", "minimal view"):
        p50, p95 = statistics.median(times[kind]), pct(times[kind], 95)
        print(
            f"  {kind:14s} p50={p50:6.1f} ms  p95={p95:6.1f} ms  "
            f"x minimal: p50 {p50 / minimal_p50:4.1f}  p95 {p95 / minimal_p95:4.1f}"
        )
    print(f"load average (1 min): {load_before:.2f} -> {load_after:.2f}")


if __name__ == "__main__":
    main()
