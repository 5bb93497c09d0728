"""The site engine is replaceable: ProperDocs builds the same generated pages as MkDocs."""

from __future__ import annotations

from pathlib import Path


def test_properdocs_builds_the_same_site(small_project: Path, cli):
    project = small_project
    settings = project / "cookbook.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("site_engine: mkdocs", "site_engine: properdocs"), encoding="utf-8")
    code, out, err = cli("--project", str(project), "site")
    assert code == 0, out + err
    site = project / "site"
    for page in ("index.html", "recipes/esimerkki/index.html", "en/recipes/esimerkki/index.html", "finder/index.html"):
        assert (site / page).is_file(), page
    html = (site / "recipes" / "esimerkki" / "index.html").read_text(encoding="utf-8")
    assert "Esimerkkiresepti testejä varten" in html and "<table>" in html


def test_strict_build_fails_on_a_broken_link_in_a_page(project: Path, cli):
    page = project / "content" / "about.fi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Puuttuva sivu](puuttuva.md)\n", encoding="utf-8")
    code, out, err = cli("--project", str(project), "site")
    assert code == 1
    assert "relative-link" in out  # caught by the check before the engine runs
