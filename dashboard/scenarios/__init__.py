"""Cached compute of each page: scenario parameters in, tables and numbers out."""
