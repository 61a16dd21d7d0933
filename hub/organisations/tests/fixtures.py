"""Organisations, suppliers and users in each role, for any app's tests."""

import pytest
from django.contrib.auth.models import Group

from hub.organisations import roles
from hub.organisations.models import BuyerOrganisation, Membership, Supplier

# Real-format numbers with valid check digits (Luhn), not real organisations' data.
BUYER_ORGNR = "2120000142"
OTHER_BUYER_ORGNR = "2120001124"
SUPPLIER_ORGNR = "5560160680"
OTHER_SUPPLIER_ORGNR = "5565475489"


@pytest.fixture
def buyer_organisation(db) -> BuyerOrganisation:
    return BuyerOrganisation.objects.create(name="Exempelkommun", orgnr=BUYER_ORGNR)


@pytest.fixture
def other_buyer_organisation(db) -> BuyerOrganisation:
    return BuyerOrganisation.objects.create(name="Annan region", orgnr=OTHER_BUYER_ORGNR)


@pytest.fixture
def supplier(db) -> Supplier:
    return Supplier.objects.create(name="Kontorsleverantören AB", orgnr=SUPPLIER_ORGNR)


@pytest.fixture
def other_supplier(db) -> Supplier:
    return Supplier.objects.create(name="Städgrossisten AB", orgnr=OTHER_SUPPLIER_ORGNR)


def make_user(django_user_model, username: str, group: str | None, **membership):
    user = django_user_model.objects.create_user(username=username, password="test-password-1")
    if group:
        user.groups.add(Group.objects.get(name=group))
    if membership:
        Membership.objects.create(user=user, **membership)
    return user


@pytest.fixture
def buyer_user(django_user_model, buyer_organisation):
    return make_user(django_user_model, "bestallare", roles.BUYER, organisation=buyer_organisation)


@pytest.fixture
def supplier_user(django_user_model, supplier):
    return make_user(django_user_model, "leverantor", roles.SUPPLIER, supplier=supplier)


@pytest.fixture
def other_supplier_user(django_user_model, other_supplier):
    return make_user(django_user_model, "annan-leverantor", roles.SUPPLIER, supplier=other_supplier)


@pytest.fixture
def reviewer_user(django_user_model):
    return make_user(django_user_model, "katalogansvarig", roles.CATALOGUE_REVIEWER)


@pytest.fixture
def editor_user(django_user_model):
    return make_user(django_user_model, "redaktor", roles.EDITOR)


@pytest.fixture
def administrator_user(django_user_model):
    return make_user(django_user_model, "administrator", roles.ADMINISTRATOR)
