"""WeasyPrint reads only the project's own files: nothing remote, nothing private, no attachments."""

from __future__ import annotations

import io

from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from cookbook.print.fetcher import ProjectFetcher
from conftest import ROOT
from cookbook.contributed_html import ContributedMarkdown


@pytest.fixture
def fetcher(tmp_path: Path) -> ProjectFetcher:
    (tmp_path / "allowed").mkdir()
    (tmp_path / "allowed" / "style.css").write_text("p { color: black }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("private", encoding="utf-8")
    (tmp_path / "allowed" / "link.css").symlink_to(tmp_path / "secret.txt")
    return ProjectFetcher([tmp_path / "allowed"])


def test_fetches_files_inside_the_allowed_folders(fetcher: ProjectFetcher, tmp_path: Path):
    response = fetcher.fetch((tmp_path / "allowed" / "style.css").as_uri())
    assert response is not None


def test_reads_generated_png_images_such_as_qr_codes(fetcher: ProjectFetcher):
    from cookbook.print.pdf import qr_png

    response = fetcher.fetch(qr_png("https://example.org/recipes/a/"))
    assert response.read().startswith(b"\x89PNG")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/image.png",
    "https://example.org/font.woff2",
    "data:text/plain;base64,cHJpdmF0ZQ==",
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>",
    "data:text/css,@import url(file:///etc/passwd);",
    "ftp://example.org/x",
])
def test_refuses_everything_else(fetcher: ProjectFetcher, url: str):
    with pytest.raises(URLFetchingError):
        fetcher.fetch(url)


def test_refuses_escapes_from_the_allowed_folders(fetcher: ProjectFetcher, tmp_path: Path):
    with pytest.raises(URLFetchingError):
        fetcher.fetch((tmp_path / "allowed" / ".." / "secret.txt").as_uri())
    with pytest.raises(URLFetchingError):
        fetcher.fetch((tmp_path / "allowed" / "link.css").as_uri())  # a link pointing outside


def test_hostile_html_renders_without_what_it_asks_for(fetcher: ProjectFetcher, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    html = f"""<html><head><link rel="attachment" href="{secret.as_uri()}"></head><body>
      <p>Text</p>
      <img src="{secret.as_uri()}" alt="">
      <img src="http://127.0.0.1:9/x.png" alt="">
      {ContributedMarkdown(ROOT / "mkdocs.yml").html(f'<a rel="attachment" href="{secret.as_uri()}">file</a>')}
      <a rel="attachment" href="{secret.as_uri()}">file</a>
    </body></html>"""
    target = tmp_path / "out.pdf"
    HTML(string=html, base_url=(tmp_path / "allowed").as_uri() + "/", url_fetcher=fetcher).write_pdf(target)
    reader = PdfReader(target)
    assert "Text" in reader.pages[0].extract_text()
    assert not reader.attachments
    assert b"private" not in target.read_bytes()


def test_contributed_markdown_keeps_no_rel_in_any_spelling():
    render = ContributedMarkdown(ROOT / "mkdocs.yml").html
    for tag in ['<a rel="attachment" href="https://x.fi">', "<a REL='attachment' href=https://x.fi>", "<a rel=attachment href=x>",
                '[a](https://x.fi){: rel="attachment" }']:
        assert "rel" not in render(f"Text {tag}link</a>").lower()


def test_renderer_builds_a_hostile_recipe_without_what_it_asks_for(built_project: Path, tmp_path: Path):
    """Behind the check: even a recipe that slipped past it cannot make the PDF fetch or embed."""
    import dataclasses

    from cookbook.source.check import check_project
    from cookbook.config import Project
    from cookbook.print.pdf import PdfRenderer

    project = Project(built_project)
    cookbook = check_project(project).cookbook
    recipe = cookbook.recipes_in("fi")[0]
    hostile = dataclasses.replace(recipe, sections={**recipe.sections, "why": (
        "![Salaisuus](/etc/passwd)\n\n![Etä](http://127.0.0.1:9/kuva.png)\n\n"
        '<a rel="attachment" href="file:///etc/hostname">liite</a> Tekstiä.')})
    pdf = PdfRenderer(project, cookbook).handout(hostile).pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    assert "Tekstiä" in "".join(p.extract_text().replace("\x00", "") for p in reader.pages)
    assert b"root:" not in pdf


def test_source_date_epoch_sets_the_pdf_date(built_project: Path, tmp_path: Path, monkeypatch):
    from cookbook.source.check import check_project
    from cookbook.config import Project
    from cookbook.print.pdf import PdfRenderer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    project = Project(built_project)
    cookbook = check_project(project).cookbook
    pdf = PdfRenderer(project, cookbook).handout(cookbook.recipes_in("fi")[0]).pdf
    assert PdfReader(io.BytesIO(pdf)).metadata["/CreationDate"].startswith("D:20231114")
