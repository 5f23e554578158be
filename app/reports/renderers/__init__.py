"""Renderers of the one report model: CSV, XLSX and HTML (JSON is the model itself)."""
