"""Demo data for `make run`: organisations, suppliers, agreements, users and a catalogue.

Every step is idempotent, so a second `make run` reuses what the first one made.
The organisation numbers have valid check digits but belong to fictional organisations.
"""

from __future__ import annotations

import datetime
import random
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from catalogue.generator import Party, generate_items, write_peppol
from catalogue.intake import import_file
from catalogue.models import Agreement, Catalogue, CatalogueItem
from catalogue.review import approve
from followup.figures import forget_search_months
from followup.models import PurchaseImport, TransferredLine
from followup.purchases import import_purchases
from followup.spend import Lookups, lines_to_keep, rebuild_monthly_spend
from hub.organisations import roles
from hub.organisations.models import BuyerOrganisation, Membership, Supplier
from punchout.credentials import hash_shared_secret, set_shared_secret, token_hash
from punchout.models import BasketLine, BuyerSystem, Protocol, PunchoutSession
from search.models import SearchLog

BUYERS = (
    ("2120000142", "Exempelstads kommun"),
    ("2321000180", "Region Exempelland"),
    ("2021005307", "Myndigheten för exempeltjänster"),
)
SUPPLIERS = (
    ("5566778899", "Kontorsvaror i Norden AB"),
    ("5561234567", "IT-partner Sverige AB"),
    ("5590123450", "Rent & Fräscht Städgrossist AB"),
    ("5569000002", "Kontorsmöbler i Sverige AB"),
)


@dataclass(frozen=True)
class DemoAgreement:
    reference: str
    title: str
    supplier_orgnr: str
    starts_days_ago: int
    ends_in_days: int
    buyer_orgnrs: tuple[str, ...] = ()
    preferred_rank: int = 1
    catalogue_lines: int = 0
    categories: tuple[str, ...] = field(default_factory=tuple)


AGREEMENTS = (
    # Each supplier sells its own kind of goods (catalogue.generator categories).
    DemoAgreement(
        "RA-2026-001",
        "Kontorsmaterial och papper",
        "5566778899",
        300,
        700,
        catalogue_lines=1500,
        categories=("kontorsmaterial",),
    ),
    DemoAgreement(
        "RA-2026-002",
        "IT-tillbehör",
        "5561234567",
        200,
        500,
        buyer_orgnrs=("2120000142",),
        catalogue_lines=800,
        categories=("it",),
    ),
    DemoAgreement(
        "RA-2026-003",
        "Städ, hygien och förbrukning",
        "5590123450",
        100,
        900,
        catalogue_lines=1200,
        categories=("städ", "vård"),
    ),
    # Live furniture, so the search page's own examples ("kontorsstol", "office chair") find something.
    DemoAgreement(
        "RA-2026-004",
        "Kontorsmöbler",
        "5569000002",
        150,
        600,
        catalogue_lines=400,
        categories=("möbler",),
    ),
    DemoAgreement("RA-2023-009", "Möbler (utgånget avtal)", "5566778899", 1200, -30, preferred_rank=2),
)

# (username, group, membership: {"organisation" or "supplier": orgnr}); the admin has no group.
DEMO_USERS: tuple[tuple[str, str | None, dict[str, str]], ...] = (
    ("admin", None, {}),
    ("redaktor", roles.EDITOR, {}),
    ("katalogansvarig", roles.CATALOGUE_REVIEWER, {"organisation": "2120000142"}),
    ("bestallare", roles.BUYER, {"organisation": "2120000142"}),
    ("leverantor", roles.SUPPLIER, {"supplier": "5566778899"}),
)


def demo_password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-password.txt"


def demo_password() -> str:
    """One generated password for the demo users, kept in var/ (mode 600) so it survives reruns."""
    path = demo_password_file()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


@transaction.atomic
def seed_organisations() -> dict[str, int]:
    created = 0
    for orgnr, name in BUYERS:
        created += BuyerOrganisation.objects.get_or_create(orgnr=orgnr, defaults={"name": name})[1]
    for orgnr, name in SUPPLIERS:
        created += Supplier.objects.get_or_create(orgnr=orgnr, defaults={"name": name})[1]
    return {"organisations_created": created}


@transaction.atomic
def seed_agreements(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    created = 0
    for demo in AGREEMENTS:
        agreement, was_created = Agreement.objects.get_or_create(
            reference=demo.reference,
            defaults={
                "title": demo.title,
                "valid_from": today - datetime.timedelta(days=demo.starts_days_ago),
                "valid_to": today + datetime.timedelta(days=demo.ends_in_days),
                "open_to_all": not demo.buyer_orgnrs,
                "preferred_rank": demo.preferred_rank,
            },
        )
        if was_created:
            created += 1
            agreement.suppliers.add(Supplier.objects.get(orgnr=demo.supplier_orgnr))
            agreement.buyers.add(*BuyerOrganisation.objects.filter(orgnr__in=demo.buyer_orgnrs))
    return {"agreements_created": created}


def seed_users() -> dict[str, object]:
    password = demo_password()
    user_model = get_user_model()
    created = 0
    for username, group_name, membership in DEMO_USERS:
        user, was_created = user_model.objects.get_or_create(username=username)
        if was_created:
            created += 1
            user.set_password(password)
            user.is_staff = user.is_superuser = username == "admin"
            user.email = f"{username}@example.org"  # password reset mails go to the console in dev
            user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        if membership and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(
                user=user,
                organisation=BuyerOrganisation.objects.filter(orgnr=membership.get("organisation")).first(),
                supplier=Supplier.objects.filter(orgnr=membership.get("supplier")).first(),
            )
    return {"users_created": created}


def seed_catalogues(stdout=None) -> dict[str, int]:
    """Generate and import a demo catalogue per agreement that has none live yet."""
    imported = 0
    today = timezone.localdate()
    receiver = Party(*BUYERS[0])
    for seed, demo in enumerate(AGREEMENTS, start=1):
        if not demo.catalogue_lines:
            continue
        agreement = Agreement.objects.get(reference=demo.reference)
        supplier = Supplier.objects.get(orgnr=demo.supplier_orgnr)
        catalogue = Catalogue.objects.filter(agreement=agreement, supplier=supplier).first()
        if catalogue and catalogue.live_version_id:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{demo.reference}.xml"
            # No image addresses: the generator's are made up, and fetching them would only fill the
            # demo's reports with broken-image notes (and wait on DNS on an offline machine).
            items = [
                replace(item, image_url="") for item in generate_items(demo.catalogue_lines, seed, demo.categories)
            ]
            write_peppol(
                path,
                items,
                supplier=supplier,
                receiver=receiver,
                agreement_ref=demo.reference,
                issue_date=today,
                valid_from=today,
                valid_to=agreement.valid_to,
            )
            version = import_file(path, agreement=agreement, supplier=supplier, background=False)
        if version.status == version.Status.INVALID:
            raise RuntimeError(f"Demo catalogue for {demo.reference} did not validate: {version.report}")
        if version.status != version.Status.PUBLISHED:
            approve(version, user=None, comment="Demodata / demo data")
        imported += version.line_count
        if stdout:
            stdout.write(f"  {demo.reference}: {version.line_count} artiklar / items")
    return {"catalogue_lines_imported": imported}


# A demo ordering system for Exempelstads kommun, so `make run` can show punchout with `manage.py punchout_test`.
# The secret is public (README.md, docs/punchout.md): local use only. seed_hub refuses production settings,
# and with --force under them it leaves this system out.
DEMO_BUYER_SYSTEM = "Demo beställningssystem"
DEMO_PUNCHOUT_SECRET = "demo-punchout-endast-lokalt"  # noqa: S105 - documented, for a local demo only
DEMO_PUNCHOUT_PORT = 8765
DEMO_CXML_IDENTITY = "demo-bestallningssystem"
DEMO_OCI_USERNAME = "demo-oci"


@transaction.atomic
def seed_buyer_system() -> dict[str, int]:
    local = f"http://127.0.0.1:{DEMO_PUNCHOUT_PORT}"
    system, created = BuyerSystem.objects.get_or_create(
        name=DEMO_BUYER_SYSTEM,
        defaults={
            "organisation": BuyerOrganisation.objects.get(orgnr=BUYERS[0][0]),
            "protocols": [Protocol.CXML, Protocol.OCI, Protocol.PEPPOL],
            "cxml_from_identity": DEMO_CXML_IDENTITY,
            "oci_username": DEMO_OCI_USERNAME,
            "return_url_prefixes": [local + "/"],
            "frame_origins": [local, f"http://localhost:{DEMO_PUNCHOUT_PORT}"],
        },
    )
    if created:
        set_shared_secret(system, DEMO_PUNCHOUT_SECRET)
        system.save()
    elif not system.oci_username:  # seeded before the demo spoke OCI
        system.protocols = sorted({*system.protocols, Protocol.OCI})
        system.oci_username = DEMO_OCI_USERNAME
        system.save(update_fields=["protocols", "oci_username"])
    return {"buyer_systems_created": int(created)}


# ------------------------------------------------------------------------------------ a year of activity

DEMO_HISTORY_BUYER_SYSTEM = "Demo: Proceedo"
DEMO_FINANCE_FILE = "demo-ekonomisystem.csv"
DEMO_SEARCH_BACKEND = "demo"
# Suppliers outside every agreement, for purchases off agreement (fictional, valid check digits).
OFF_AGREEMENT_SUPPLIERS = ("5560000001", "5561111113", "5562222225")
DEMO_SEARCHES = (
    # (query, results, weight): what staff look for; the zero- and low-hit ones are the unmet demand.
    ("kopieringspapper", 45, 30),
    ("kuvert c5", 12, 18),
    ("toner", 25, 15),
    ("handsprit", 8, 12),
    ("tangentbord", 14, 10),
    ("kontorsstol", 0, 14),
    ("skrivbordslampa", 0, 9),
    ("hörselskydd", 0, 7),
    ("kaffebryggare", 0, 6),
    ("whiteboardpennor", 2, 8),
    ("dockningsstation", 1, 6),
    ("mikrofibertrasa", 3, 5),
)


def _off_agreement_orgnr(base: str) -> str:
    return base[:9] + luhn.calc_check_digit(base[:9])


def seed_activity(today: datetime.date | None = None, *, seed: int = 2026) -> dict[str, int]:
    """A year of plausible follow-up data, once per organisation: transferred baskets through the punchout
    models, finance-system purchases (on and off agreement) and searches. Idempotent."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts = {"basket_lines": 0, "purchases": 0, "searches": 0}
    for org_index, (orgnr, _name) in enumerate(BUYERS):
        organisation = BuyerOrganisation.objects.get(orgnr=orgnr)
        if PurchaseImport.objects.filter(organisation=organisation, original_filename=DEMO_FINANCE_FILE).exists():
            continue
        scale = (1.0, 1.6, 0.6)[org_index % 3]
        items = list(
            CatalogueItem.objects.buyable(organisation, today)
            .select_related("version__catalogue__agreement", "version__catalogue__supplier")
            .order_by("pk")[:400]
        )
        with transaction.atomic():
            system, _ = BuyerSystem.objects.get_or_create(
                name=f"{DEMO_HISTORY_BUYER_SYSTEM} ({organisation.name})"[:100],
                defaults={
                    "organisation": organisation,
                    "protocols": [Protocol.CXML],
                    "shared_secret_hash": hash_shared_secret(secrets.token_urlsafe(24)),
                    "active": False,  # demo history only: nothing may punch out with it
                },
            )
            kept = []
            lookups = Lookups(
                [item.version.catalogue.agreement.reference for item in items],
                [item.version.catalogue.supplier.orgnr for item in items],
            )
            for days_ago in range(364, -1, -1) if items else ():
                day = today - datetime.timedelta(days=days_ago)
                if day.weekday() >= 5 or rng.random() > 0.55 * scale:
                    continue
                # Punchout offers only agreements in force: no basket before an agreement began.
                offered = [item for item in items if item.version.catalogue.agreement.is_valid_on(day)]
                if not offered:
                    continue
                when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8))))
                session = PunchoutSession.objects.create(
                    buyer_system=system,
                    organisation=organisation,
                    protocol=Protocol.CXML,
                    state=PunchoutSession.State.TRANSFERRED,
                    return_url="https://proceedo.example.se/punchout/retur",
                    start_token_hash=token_hash(secrets.token_urlsafe(16)),
                    start_expires_at=when,
                    started_at=when,
                    expires_at=when + datetime.timedelta(hours=2),
                    closed_at=when + datetime.timedelta(minutes=12),
                    created_at=when,
                )
                lines = [
                    BasketLine.from_item(session, item, Decimal(rng.choice((1, 2, 3, 5, 10, 20))))
                    for item in rng.sample(offered, k=min(len(offered), rng.randint(1, 6)))
                ]
                for line in lines:
                    line.added_at = when
                BasketLine.objects.bulk_create(lines)
                kept.extend(lines_to_keep(session, lines, when=when + datetime.timedelta(minutes=12), lookups=lookups))
            TransferredLine.objects.bulk_create(kept, batch_size=2000)
            rebuild_monthly_spend(organisation.pk)
        counts["basket_lines"] += len(kept)
        result = import_purchases(_demo_finance_file(rng, organisation, today, scale), DEMO_FINANCE_FILE, organisation)
        if not result.ok:
            raise RuntimeError(f"Demo finance file did not import: {[e.message for e in result.errors]}")
        counts["purchases"] += result.row_count
    demo_searches = SearchLog.objects.filter(backend=DEMO_SEARCH_BACKEND)
    if not demo_searches.filter(organisation__isnull=False).exists():
        demo_searches.delete()  # seeded before the log kept the organisation: seed them again with it
        counts["searches"] = _seed_searches(rng, today)
        forget_search_months()  # the demo wrote into months that may have been counted already
    return counts


def _demo_finance_file(rng, organisation, today: datetime.date, scale: float) -> bytes:
    """Purchases from the finance system: most on an agreement in force (half with the reference, half matched),
    some from suppliers outside every agreement, a few still on the furniture agreement after it ended."""
    agreements = list(Agreement.objects.entitled(organisation).prefetch_related("suppliers"))
    rows = ["Leverantörens organisationsnummer;Belopp exkl. moms;Datum;Avtalsnummer;Konto"]
    off = [_off_agreement_orgnr(orgnr) for orgnr in OFF_AGREEMENT_SUPPLIERS]
    for days_ago in range(364, -1, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        # Compliance improves over the year: fewer purchases off agreement as the months go by.
        off_share = 0.35 - 0.2 * (364 - days_ago) / 364
        for _ in range(rng.choice((0, 1, 1, 2)) if scale >= 1 else rng.choice((0, 0, 1))):
            amount = f"{rng.uniform(150, 25000):.2f}".replace(".", ",")
            account = rng.choice(("5410", "5460", "6110", "6250"))
            in_force = [agreement for agreement in agreements if agreement.is_valid_on(day)]
            expired = [agreement for agreement in agreements if agreement.valid_to < day]
            if expired and rng.random() < 0.04:  # still bought on an agreement that has ended: not valid
                agreement = rng.choice(expired)
                supplier = agreement.suppliers.all()[0]
                rows.append(f"{supplier.orgnr};{amount};{day.isoformat()};{agreement.reference};{account}")
                continue
            if rng.random() < off_share or not in_force:
                rows.append(f"{rng.choice(off)};{amount};{day.isoformat()};;{account}")
                continue
            agreement = rng.choice(in_force)
            supplier = agreement.suppliers.all()[0]
            reference = agreement.reference if rng.random() < 0.5 else ""
            rows.append(f"{supplier.orgnr};{amount};{day.isoformat()};{reference};{account}")
    return "\n".join(rows).encode("utf-8")


def _seed_searches(rng, today: datetime.date) -> int:
    queries = [(query, results) for query, results, weight in DEMO_SEARCHES for _ in range(weight)]
    # Searches are made for an organisation (its staff or its punchout sessions), a few by anonymous visitors.
    searchers = [
        *BuyerOrganisation.objects.filter(orgnr__in=[orgnr for orgnr, _name in BUYERS]).order_by("orgnr"),
        None,
    ]
    created = 0
    for days_ago in range(364, -1, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        picked = [rng.choice(queries) for _ in range(rng.randint(2, 7))]
        entries = SearchLog.objects.bulk_create(
            SearchLog(
                query=query,
                result_count=results,
                zero_hit=results == 0,
                backend=DEMO_SEARCH_BACKEND,
                duration_ms=rng.randint(8, 60),
                organisation=rng.choice(searchers),
            )
            for query, results in picked
        )
        # created_at is auto_now_add: set the day afterwards, one UPDATE per day.
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        SearchLog.objects.filter(pk__in=[entry.pk for entry in entries]).update(created_at=when)
        created += len(entries)
    return created
