"""Project-wide pytest fixtures. App fixtures live in each app's tests/fixtures.py."""

import os
from pathlib import Path

import pytest

# Fixture modules of each app (pytest only accepts pytest_plugins in the root conftest).
pytest_plugins = [
    "hub.organisations.tests.fixtures",
    "catalogue.tests.review_fixtures",
    "hub.guidance.tests.fixtures",
    "hub.testing.browser",
]

REPO_ROOT = Path(__file__).resolve().parent
SHARED_STANDARDS = Path(os.environ.get("HUB_SHARED_STANDARDS", REPO_ROOT.parent / "shared" / "standards"))


def require_service(name: str, reason: str) -> None:
    """Skip loudly when a service is missing; under CI=true a missing service fails the run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is required under CI=true but is not available: {reason}")
    pytest.skip(f"{name} NOT AVAILABLE, test skipped: {reason}")


@pytest.fixture
def shared_standards() -> Path:
    """The reference and conformance corpus (../shared/standards), or skip with a reason."""
    if not SHARED_STANDARDS.is_dir():
        pytest.skip(f"reference corpus not found at {SHARED_STANDARDS} (a user's clone has none)")
    return SHARED_STANDARDS
