"""The web site: whole pages from the model, the site engine that wraps them, search and open data.

`pages` writes each page (our HTML and headings) from templates/site/, `site_engine` has the
engine (MkDocs, ProperDocs or Zensical; `engines`, `engine_markdown`) build each edition,
`search_pages`, `search_index` and `local_search` make the search indexes, `export` the open
data. May import the shared modules at the top of the package and cookbook.source (the schema it
publishes), never cookbook.print: what both renderers need (download names, digests, the
Markdown renderer) is at the top.
"""
