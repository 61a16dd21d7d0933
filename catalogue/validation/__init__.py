"""Catalogue validation: the UBL XSD, the official Peppol rules and the hub's own rules, into one Report.

Importable without Django settings so worker processes stay light.
"""
