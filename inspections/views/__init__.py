"""Inspection pages, one module per area."""
