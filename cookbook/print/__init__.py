"""The PDFs: the book in its editions, card decks, handouts and workshop packs, with WeasyPrint.

`pdf` renders HTML from templates/print/ to PDF (`lean_tags` makes its structure tree lean),
`pdf_jobs` schedules the parts on every core, `book` plans the book's parts, `join` joins them
(in a process of its own: `book_joiner`), `folio` numbers the pages, `impose` makes the A5
booklet, `pdf_cache` keeps what need not be rendered again and `pdf_verify` checks every PDF
before it is published. May import the shared modules at the top of the package and
cookbook.source, never cookbook.site: what both renderers need is at the top.
"""
