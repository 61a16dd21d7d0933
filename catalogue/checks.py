"""System checks (`manage.py check`, run by `make run` and at deploy): the official rule files are installed.

Without them every Peppol upload would fail at its first chunk; here the operator is told at start-up,
in one line, what to run.
"""

from __future__ import annotations

from django.core import checks

from catalogue.validation.standards import StandardsMissing, rule_path, xsd_path

# What the hub reads at run time: T19 checks catalogues, T58 checks the hub's Catalogue Response.
REQUIRED_RULES = ("T19", "T58")
REQUIRED_SCHEMAS = ("Catalogue", "ApplicationResponse")


@checks.register(checks.Tags.compatibility)
def check_official_standards_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    lookups = [(rule_path, name) for name in REQUIRED_RULES] + [(xsd_path, name) for name in REQUIRED_SCHEMAS]
    for lookup, name in lookups:
        try:
            lookup(name)
        except StandardsMissing as missing:
            problems.append(checks.Warning(str(missing), hint="make standards", obj=name, id="catalogue.W001"))
    return problems
