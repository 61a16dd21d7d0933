"""Supplier portal (catalogue.views.portal) and review screens (catalogue.views.review)."""
