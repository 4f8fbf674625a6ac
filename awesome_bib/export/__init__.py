"""Exporters: pure functions from CSL-JSON items to a file format's text."""
