"""HUB_CXML_IDENTITY and HUB_CXML_DTD, read and checked by hub.settings.environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hub.settings.environment import cxml_dtd_from_env, cxml_identity_from_env


def test_the_identity_defaults_and_is_read(monkeypatch):
    monkeypatch.delenv("HUB_CXML_IDENTITY", raising=False)
    assert cxml_identity_from_env() == "e-handelshubben"
    monkeypatch.setenv("HUB_CXML_IDENTITY", " hubben@example.se ")
    assert cxml_identity_from_env() == "hubben@example.se"


@pytest.mark.parametrize("value", ["två ord", "x" * 201, "tab\tinside"])
def test_a_bad_identity_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("HUB_CXML_IDENTITY", value)
    with pytest.raises(ImproperlyConfigured, match="HUB_CXML_IDENTITY"):
        cxml_identity_from_env()


def test_the_dtd_is_the_newest_in_the_shared_folder(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("HUB_CXML_DTD", raising=False)
    for version in ("1.2.9", "1.2.063", "1.2.050"):
        (tmp_path / "dtd" / version).mkdir(parents=True)
        (tmp_path / "dtd" / version / "cXML.dtd").write_text("<!-- -->")
    assert cxml_dtd_from_env(tmp_path) == tmp_path / "dtd" / "1.2.063" / "cXML.dtd"
    assert cxml_dtd_from_env(tmp_path / "none") is None


def test_the_dtd_setting_must_name_a_file(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HUB_CXML_DTD", str(tmp_path / "missing.dtd"))
    with pytest.raises(ImproperlyConfigured, match="HUB_CXML_DTD"):
        cxml_dtd_from_env(tmp_path)
    (tmp_path / "cXML.dtd").write_text("<!-- -->")
    monkeypatch.setenv("HUB_CXML_DTD", str(tmp_path / "cXML.dtd"))
    assert cxml_dtd_from_env(tmp_path / "elsewhere") == tmp_path / "cXML.dtd"
