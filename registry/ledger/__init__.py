"""Importing a county's spreadsheet ledger (registry import): columns, values, rows, writing."""
