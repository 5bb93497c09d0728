"""Reading and checking: recipe files, pages and vocabularies into the model, or problems.

Each file is read once (load), checked against the schema and the house rules (validate,
schema_check, body, content, translations) and turned into the typed model (cookbook.model);
`check` runs it all, `contributing` and `scaffold` serve contributors. May import the shared
modules at the top of the package (config, model, taxonomy, errors, files, workers…), never
cookbook.site or cookbook.print: the renderers read the model, not the other way round.
"""
