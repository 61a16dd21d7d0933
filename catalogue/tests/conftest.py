"""Fixture modules for the catalogue tests."""

from catalogue.tests.fixtures import *  # noqa: F403
from hub.organisations.tests.fixtures import *  # noqa: F403
