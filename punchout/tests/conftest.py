"""Fixture modules for the punchout tests."""

from punchout.tests.fixtures import *  # noqa: F403
