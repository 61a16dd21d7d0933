"""Demo data for `make run`: organisations, suppliers, agreements, users and a catalogue.

Every step is idempotent, so a second `make run` reuses what the first one made.
The organisation numbers have valid check digits but belong to fictional organisations.
"""

from __future__ import annotations

import datetime
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from hub.organisations import roles
from hub.organisations.models import BuyerOrganisation, Membership, Supplier

BUYERS = (
    ("2120000142", "Exempelstads kommun"),
    ("2321000180", "Region Exempelland"),
    ("2021005307", "Myndigheten för exempeltjänster"),
)
SUPPLIERS = (
    ("5566778899", "Kontorsvaror i Norden AB"),
    ("5561234567", "IT-partner Sverige AB"),
    ("5590123450", "Rent & Fräscht Städgrossist AB"),
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
    DemoAgreement("RA-2023-009", "Möbler (utgånget avtal)", "5566778899", 1200, -30, preferred_rank=2),
)

DEMO_USERS = (
    ("admin", None, {}),
    ("redaktor", roles.EDITOR, {}),
    ("katalogansvarig", roles.CATALOGUE_REVIEWER, {}),
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
    from catalogue.models import Agreement

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
    from catalogue.generator import Party, generate_items, write_peppol
    from catalogue.intake import import_file
    from catalogue.models import Agreement, Catalogue
    from catalogue.review import approve

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
