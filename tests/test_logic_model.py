"""The logic model on every recipe: the five levels in order, each metric under its level, an
empty level marked empty, its text a reader (or a screen reader) gets whole; on the site, in
the handouts and in the books."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import page_texts
from cookbook.config import Project
from cookbook.source.check import check_project


@pytest.fixture(scope="module")
def cookbook(built_project: Path):
    return check_project(Project(built_project)).cookbook


class Diagram(HTMLParser):
    """The logic model of one recipe page (figure.cb-logic), as a reader gets it: its caption,
    and per level its name, metric names and 'no metric' text; what is hidden from screen
    readers (aria-hidden) apart. Also every tag and attribute inside it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.figures = 0
        self.depth = 0  # inside the figure
        self.hidden = 0  # inside an aria-hidden element
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.caption = ""
        self.levels: list[dict] = []
        self.text = ""  # what is read, in order
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "figure" and "cb-logic" in classes:
            self.figures += 1
            self.depth = 1
            return
        if not self.depth:
            return
        self.tags.append((tag, found))
        if tag not in ("br", "path", "img"):
            self.depth += 1
            if self.hidden or found.get("aria-hidden") == "true":
                self.hidden += 1
        if "cb-logic-level" in classes:
            self.levels.append({"level": found.get("data-level"), "empty": "cb-logic-empty" in classes,
                                "label": "", "metrics": [], "none": ""})
        elif "cb-logic-label" in classes:
            self._in = "label"
        elif "cb-logic-none" in classes:
            self._in = "none"
        elif tag == "figcaption":
            self._in = "caption"
        elif tag == "li" and self.levels:
            self._in = "metric"
            self.levels[-1]["metrics"].append("")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in ("br", "path", "img"):
            return
        self.depth -= 1
        if self.hidden:
            self.hidden -= 1
        if tag in ("span", "p", "li", "figcaption"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if not self.depth or self.hidden:
            return
        self.text += data
        if self._in == "caption":
            self.caption += data
        elif self._in == "metric":
            self.levels[-1]["metrics"][-1] += data
        elif self._in in ("label", "none"):
            self.levels[-1][self._in] += data


def recipe_pages(site: Path, cookbook):
    for lang in cookbook.languages:
        edition = site if lang == "fi" else site / lang
        for recipe in cookbook.recipes_in(lang):
            yield lang, recipe, (edition / "recipes" / recipe.id / "index.html").read_text(encoding="utf-8")


def test_every_recipe_page_shows_each_metric_under_its_level(built_project: Path, cookbook):
    project = Project(built_project)
    levels = cookbook.taxonomy.ids("metric_levels")
    pages = 0
    for lang, recipe, html in recipe_pages(built_project / "site", cookbook):
        labels = project.language(lang).strings["labels"]
        diagram = Diagram(html)
        where = f"{lang} {recipe.id}"
        assert diagram.figures == 1, where
        assert diagram.caption == labels["logic_model"], where
        assert [level["level"] for level in diagram.levels] == levels, where
        for level in diagram.levels:
            names = [m.name for m in recipe.metrics if m.level == level["level"]]
            assert level["label"] == cookbook.taxonomy.label("metric_levels", level["level"], lang), where
            assert level["metrics"] == names, where
            # An empty level is marked so, in words and in its class (the dashed frame).
            assert level["empty"] == (not names), where
            assert level["none"] == ("" if names else labels["no_metric"]), where
        # The diagram comes just before the metrics table.
        assert html.index('class="cb-logic"') < html.index("<table") < html.index("</figure>") + 200, where
        pages += 1
    assert pages == sum(len(cookbook.recipes_in(lang)) for lang in cookbook.languages) > 10


def test_the_diagrams_text_names_every_level_and_metric_and_it_runs_no_script(built_project: Path, cookbook):
    """What a screen reader reads of the figure (its arrows hidden): the caption, then each
    level's name followed by its metrics, in the chain's order. Nothing in it runs or is fetched."""
    for lang, recipe, html in recipe_pages(built_project / "site", cookbook):
        labels = Project(built_project).language(lang).strings["labels"]
        diagram = Diagram(html)
        expected = [labels["logic_model"]]
        for level in cookbook.taxonomy.ids("metric_levels"):
            names = [m.name for m in recipe.metrics if m.level == level]
            expected += [cookbook.taxonomy.label("metric_levels", level, lang), *(names or [labels["no_metric"]])]
        assert re.sub(r"\s+", "", diagram.text) == re.sub(r"\s+", "", "".join(expected)), f"{lang} {recipe.id}"
        for tag, attrs in diagram.tags:
            assert tag not in ("script", "img", "iframe", "object", "use", "image", "foreignobject", "a"), tag
            assert not any(name.startswith("on") or name in ("href", "src", "xlink:href", "style") for name in attrs), (tag, attrs)
            if tag == "svg":  # the arrows: decoration, out of the reading and the tab order
                assert attrs.get("aria-hidden") == "true" and attrs.get("focusable") == "false"


def squeeze(text: str) -> str:
    """Text to compare across line breaks, hyphenation and the labels' capitals."""
    return re.sub(r"[\s\-\u00ad\x00]", "", text).casefold()


def diagram_sequence(cookbook, recipe, lang: str, labels: dict) -> list[str]:
    found = []
    for level in cookbook.taxonomy.ids("metric_levels"):
        names = [m.name for m in recipe.metrics if m.level == level]
        found += [cookbook.taxonomy.label("metric_levels", level, lang), *(names or [labels["no_metric"]])]
    return found


def assert_in_order(text: str, caption: str, next_heading: str, sequence: list[str], where: str) -> int:
    """The sequence between the caption and the next section's heading (on paper the diagram
    follows the metrics table), in order; where it ends."""
    start = text.index(squeeze(caption))
    end = text.index(squeeze(next_heading), start)
    at = start + len(squeeze(caption))
    for part in sequence:
        found = text.find(squeeze(part), at, end)
        assert found >= 0, f"{where}: {part!r} is not in the diagram, or not in level order"
        at = found + len(squeeze(part))
    return end


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_handouts_text_holds_the_diagram_in_level_order(built_project: Path, cookbook, lang: str):
    labels = Project(built_project).language(lang).strings["labels"]
    for recipe in cookbook.recipes_in(lang):
        text = squeeze("".join(page_texts(built_project / "site" / "downloads" / f"{recipe.id}-{lang}.pdf")))
        assert_in_order(text, labels["logic_model"], labels["methods"],
                        diagram_sequence(cookbook, recipe, lang, labels), f"{lang} {recipe.id}")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_books_have_the_diagram_on_every_recipe(built_project: Path, cookbook, lang: str):
    project = Project(built_project)
    strings = project.language(lang).strings
    labels = strings["labels"]
    downloads = built_project / "site" / "downloads"
    book_a4 = downloads / strings["pdf"]["book"]
    book_a5 = next(path for path in downloads.glob("*-a5.pdf") if path.name.startswith(book_a4.name.rsplit("-a4", 1)[0]))
    for book in (book_a4, book_a5):
        text = squeeze("".join(page_texts(book)))
        at = 0
        for recipe in cookbook.recipes_in(lang):
            # Recipes follow each other in the book; each one's diagram, in level order.
            title = text.index(squeeze(recipe.title), at)
            at = assert_in_order(text[title:], labels["logic_model"], labels["methods"],
                                 diagram_sequence(cookbook, recipe, lang, labels), f"{book.name} {recipe.id}") + title


def test_the_diagram_is_never_split_across_pages(built_project: Path, cookbook):
    """In the handouts: the caption and the last level's name on the same page."""
    for lang in cookbook.languages:
        labels = Project(built_project).language(lang).strings["labels"]
        last = cookbook.taxonomy.label("metric_levels", cookbook.taxonomy.ids("metric_levels")[-1], lang)
        for recipe in cookbook.recipes_in(lang):
            pages = [squeeze(text) for text in page_texts(built_project / "site" / "downloads" / f"{recipe.id}-{lang}.pdf")]
            page = next(text for text in pages if squeeze(labels["logic_model"]) in text)
            assert squeeze(last) in page[page.index(squeeze(labels["logic_model"])):], f"{lang} {recipe.id}"
