"""Fixture modules for the search tests."""

from hub.organisations.tests.fixtures import *  # noqa: F403
from search.tests.fixtures import *  # noqa: F403
