import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from hub.organisations.identifiers import normalise_orgnr, peppol_participant_id
from hub.organisations.models import BuyerOrganisation, Membership, Supplier


@pytest.mark.parametrize("written", ["212000-0142", "2120000142", " 212000-0142 "])
def test_orgnr_is_normalised_to_ten_digits(written):
    assert normalise_orgnr(written) == "2120000142"


@pytest.mark.parametrize("bad", ["212000-0143", "123", "abcdefghij", ""])
def test_bad_orgnr_gets_a_message_in_the_active_language(bad):
    for language, expected, other in (
        ("sv", "organisationsnummer", "organisation number"),
        ("en", "organisation number", "organisationsnummer"),
    ):
        with translation.override(language):
            with pytest.raises(ValidationError) as excinfo:
                normalise_orgnr(bad)
            message = " ".join(excinfo.value.messages)
        assert expected in message and other not in message


def test_peppol_participant_id_uses_icd_0007():
    assert peppol_participant_id("556016-0680") == "0007:5560160680"


@pytest.mark.django_db
def test_saving_with_a_bad_orgnr_is_refused():
    with pytest.raises(ValidationError):
        Supplier.objects.create(name="Fel AB", orgnr="5560160681")
    assert not Supplier.objects.exists()


@pytest.mark.django_db
def test_create_organisation_command_registers_and_updates(capsys):
    call_command("create_organisation", "212000-0142", "--name", "Exempelkommun")
    organisation = BuyerOrganisation.objects.get()
    assert (organisation.orgnr, organisation.name, organisation.public_catalogue) == (
        "2120000142",
        "Exempelkommun",
        True,
    )
    assert "0007:2120000142" in capsys.readouterr().out

    call_command("create_organisation", "2120000142", "--name", "Exempelkommunen", "--private-catalogue")
    organisation.refresh_from_db()
    assert BuyerOrganisation.objects.count() == 1
    assert organisation.name == "Exempelkommunen"
    assert organisation.public_catalogue is False


@pytest.mark.django_db
def test_create_organisation_command_rejects_bad_orgnr():
    with translation.override("sv"), pytest.raises(CommandError, match="giltigt svenskt organisationsnummer"):
        call_command("create_organisation", "212000-0143", "--name", "Fel")
    assert not BuyerOrganisation.objects.exists()


@pytest.mark.django_db
def test_a_membership_cannot_be_both_buyer_and_supplier(django_user_model, buyer_organisation, supplier):
    user = django_user_model.objects.create_user("dubbel")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=buyer_organisation, supplier=supplier)
