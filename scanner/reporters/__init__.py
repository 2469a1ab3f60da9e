"""Renderers of a report, one module per output format."""
