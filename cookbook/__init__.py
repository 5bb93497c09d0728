"""Klusterikehittämisen keittokirja: recipes as structured Markdown, rendered to a site and PDFs."""

__version__ = "0.1.0"
