"""One small case per diagnostic code: the code, the line (and column) and the exit status."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "esimerkki"
RECENT = (date.today() - timedelta(days=30)).isoformat()


@pytest.fixture
def small(small_project: Path) -> Path:
    return small_project


def edit(old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, f"fixture lacks {old!r}"
        return text.replace(old, new, 1)

    return apply


def line_of(text: str, marker: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not found")


# (code, file, edit, the text on the reported line, reported column or None)
ERROR_CASES = [
    ("unknown-field", "fi", edit("summary:", "sumary:"), "sumary:", 1),
    ("missing-field", "fi", edit("difficulty: medium\n", ""), "---", 1),
    ("unknown-term", "fi", edit("theme: networks", "theme: netwrks"), "theme:", 8),
    ("unknown-term", "fi", edit("actors: [city, companies]", "actors: [city, firms]"), "actors:", 16),
    ("unknown-term", "fi", edit("level: outcome", "level: result"), "level: result", 12),
    ("invalid-value", "fi", edit("status: published", "status: ready"), "status:", 9),
    ("wrong-type", "fi", edit("stages: [launch, grow]", "stages: launch"), "stages:", 9),
    ("wrong-type", "fi", edit("year: 2024", "year: '2024'"), "year:", 11),
    ("too-short", "fi", edit("title: Esimerkkiresepti testejä varten", "title: Ab"), "title:", 8),
    ("too-long", "fi", edit("title: Esimerkkiresepti testejä varten", "title: " + "a" * 121), "title:", 8),
    ("too-few", "fi", edit("stages: [launch, grow]", "stages: []"), "stages:", 1),
    ("duplicate-item", "fi", edit("stages: [launch, grow]", "stages: [grow, grow]"), "stages:", 9),
    ("bad-url", "fi", edit("    year: 2024", "    year: 2024\n    url: ftp://example.org/x"), "url: ftp", 10),
    ("bad-format", "fi", edit("related: []", "related: [Not_An_Id]"), "related:", 11),
    ("bad-date", "fi", edit(f"updated: {RECENT}", "updated: 2024-02-30"), "updated:", 10),
    ("out-of-range", "fi", edit("group_size: {min: 10", "group_size: {min: 0"), "group_size:", 19),
    ("future-date", "fi", edit(f"updated: {RECENT}", f"updated: {date.today().year + 1}-01-01"), "updated:", 10),
    ("min-above-max", "fi", edit("duration: {min: 1, max: 3", "duration: {min: 5, max: 3"), "duration:", 12),
    ("duplicate-key", "fi", edit("difficulty: medium", "difficulty: medium\ndifficulty: easy"), "difficulty: easy", 1),
    ("yaml-anchor", "fi", edit("theme: networks", "theme: &t networks"), "theme:", 8),
    ("yaml-alias", "fi", edit("stages: [launch, grow]", "stages: [*t]"), "stages:", 10),
    ("yaml-tag", "fi", edit("theme: networks", "theme: !!python/name:os.system networks"), "theme:", 8),
    ("yaml-tag", "fi", edit("theme: networks", "theme: !custom networks"), "theme:", 8),
    ("yaml-merge-key", "fi", edit("group_size: {min: 10, max: 40}", "group_size:\n  <<: {min: 10, max: 40}"), "<<:", 3),
    ("yaml-syntax", "fi", edit("summary: Lyhyt", "summary: [Lyhyt"), "theme:", None),  # where the parser notices
    ("yaml-number", "fi", edit("year: 2024", "year: " + "9" * 5000), "year:", 11),
    ("yaml-complex-key", "fi", edit("difficulty: medium", "? [a, b]\n: medium"), "? [a, b]", 3),
    ("front-matter-not-mapping", "fi", lambda t: "---\n- just\n- a list\n---\n" + t.split("---\n", 2)[2], "- just", 1),
    ("no-front-matter", "fi", lambda t: t.split("---\n", 2)[2], "---", 1),
    ("unterminated-front-matter", "fi", lambda t: t.replace("\n---\n", "\n\n", 2).replace("---\n", "---\n", 1), "---", 1),
    ("encoding", "fi", None, "title:", None),
    ("file-too-large", "fi", lambda t: t + "x" * (257 * 1024), "---", 1),
    ("missing-section", "fi", edit("## Miksi\n\nKoska verkostot syntyvät kohtaamisista.\n\n", ""), "BODY", 1),
    ("unknown-section", "fi", edit("## Vinkit", "## Vinkkejä"), "## Vinkkejä", 1),
    ("duplicate-section", "fi", edit("## Vinkit", "## MIKSI"), "## MIKSI", 1),
    ("empty-section", "fi", edit("- Pidä kierrokset lyhyinä.", ""), "## Vinkit", 1),
    ("steps-not-numbered", "fi", edit("1. Varaa tila.\n2. Kutsu osallistujat.", "Varaa tila ja kutsu."), "## Vaiheet", 1),
    ("text-outside-section", "fi", edit("---\n\n## Miksi", "---\n\nJohdanto ilman otsikkoa.\n\n## Miksi"), "Johdanto", 1),
    ("heading-level", "fi", edit("## Vinkit\n", "## Vinkit\n\n# Iso otsikko\n"), "# Iso otsikko", 1),
    ("unsafe-html", "fi", edit("- Pidä kierrokset lyhyinä.", "- Pidä <script>alert(1)</script> lyhyinä."), "<script>", 8),
    ("unsafe-html", "fi", edit("- Pidä kierrokset lyhyinä.", '- <iframe src="https://example.org"></iframe>'), "<iframe", 3),
    ("unsafe-html", "fi", edit("- Pidä kierrokset lyhyinä.", '- <span onclick="steal()">Pidä</span>'), "onclick", 3),
    ("unsafe-html", "fi", edit("- Pidä kierrokset lyhyinä.", '- <a rel="attachment" href="/etc/passwd">x</a>'), "attachment", 3),
    ("unsafe-html", "fi", edit("- Pidä kierrokset lyhyinä.", "- Pidä [x](https://example.org){: onclick=alert(1) }"), "onclick", None),
    ("html-not-allowed", "fi", edit("- Pidä kierrokset lyhyinä.", "- <div>Pidä</div>"), "<div>", 3),
    ("html-attribute", "fi", edit("- Pidä kierrokset lyhyinä.", '- <span style="color:red">Pidä</span>'), "<span", 3),
    ("unsafe-url", "fi", edit("- Pidä kierrokset lyhyinä.", "- Katso [tästä](javascript:alert(1))."), "javascript", 9),
    ("unsafe-url", "fi", edit("- Pidä kierrokset lyhyinä.", "- Katso [tästä](data:text/html;base64,PHNjcmlwdD4=)."), "data:", 9),
    ("bad-url", "fi", edit("- Pidä kierrokset lyhyinä.", "- Katso [tästä](ftp://example.org)."), "ftp:", 9),
    ("relative-link", "fi", edit("- Pidä kierrokset lyhyinä.", "- Katso [tästä](../muu/fi.md)."), "../muu", 9),
    ("remote-image", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![Kuva](https://example.org/x.png)"), "example.org/x.png", 3),
    ("missing-image", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![Kuva salista](sali.png)"), "sali.png", 3),
    ("image-outside", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![Salasanat](../../../etc/passwd.png)"), "passwd", 3),
    ("image-outside", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![Salasanat](/etc/kuva.png)"), "/etc/kuva", 3),
    ("image-type", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![Kaavio](kaavio.svg)"), "kaavio.svg", 3),
    ("missing-alt", "fi", edit("- Pidä kierrokset lyhyinä.", "- ![](kuva.png)"), "kuva.png", 3),
    ("translation-mismatch", "en", edit("tags: [networks, events]", "theme: launch\ntags: [networks, events]"), "theme:", 8),
    ("translation-mismatch", "en", edit("    source: Registration list", "    level: impact\n    source: Registration list"), "level: impact", 12),
    ("translation-length", "en", edit("  - name: Participants\n    source: Registration list\n    frequency: after each event\n", ""), "metrics:", 1),
    ("unknown-related", "fi", edit("related: []", "related: [ei-ole-olemassa]"), "related:", 11),
    ("related-self", "fi", edit("related: []", "related: [esimerkki]"), "related:", 11),
    ("placeholder", "fi", edit("summary: Lyhyt", "summary: TÄYDENNÄ Lyhyt"), "summary:", 10),
    ("placeholder", "fi", edit("- Pidä kierrokset lyhyinä.", "- Pidä kierrokset TÄYDENNÄ"), "- Pidä kierrokset", 19),
    ("placeholder", "en", edit("tags: [networks, events]", "tags: [networks, events, FILL IN]"), "tags:", 26),
]


@pytest.mark.parametrize(
    "code, lang, change, marker, column", ERROR_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(ERROR_CASES)]
)
def test_error_is_reported_at_its_line(small: Path, cli, code, lang, change, marker, column):
    path = small / "recipes" / "esimerkki" / f"{lang}.md"
    if code == "encoding":
        raw = path.read_bytes().replace("Esimerkkiresepti".encode(), "Esimerkkiresepti\xe4".encode("latin-1"))
        path.write_bytes(raw)
        text = raw.decode("utf-8", errors="replace")
    else:
        text = change(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")

    exit_code, out, err = cli("--project", str(small), "check")

    assert exit_code == 1, out
    assert "Traceback" not in out + err
    if marker == "---":
        line = 1
    elif marker == "BODY":  # the first line after the front matter
        line = text.split("\n").index("---", 1) + 2
    else:
        line = line_of(text, marker)
    where = str(column) if column else r"\d+"
    pattern = rf"^recipes/esimerkki/{lang}\.md:{line}:{where}: error\[{re.escape(code)}\]: "
    assert re.search(pattern, out, re.M), f"expected {code} at line {line}:\n{out}"


def test_a_translation_of_an_unreadable_original_is_reported_without_failing(small: Path, cli):
    """The original's broken front matter is its own problem: the translation, which inherits
    from it, is neither built from a guess nor a crash of the checker."""
    path = small / "recipes" / "esimerkki" / "fi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: Lyhyt", "summary: Lyhyt: rikki"), encoding="utf-8")
    code, out, err = cli("--project", str(small), "check")
    assert code == 1 and "Traceback" not in out + err
    assert "error[yaml-syntax]" in out and "error[internal]" not in out, out


def test_every_problem_comes_with_a_hint_where_one_helps(small: Path, cli):
    path = small / "recipes" / "esimerkki" / "fi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("difficulty: medium", "dificulty: medium"), encoding="utf-8")
    _, out, _ = cli("--project", str(small), "check")
    assert "hint: did you mean 'difficulty'?" in out


def test_every_one_of_many_unknown_fields_is_reported(small: Path, cli):
    """Past a few unknown fields no "did you mean" is guessed (thousands would take seconds),
    but each is still reported on its own line, with the fields allowed there."""
    from cookbook.source.schema_check import MAX_GUESSED_FIELDS

    path = small / "recipes" / "esimerkki" / "fi.md"
    extra = "".join(f"sumary{n}: x\n" for n in range(MAX_GUESSED_FIELDS + 1))
    path.write_text(path.read_text(encoding="utf-8").replace("summary:", extra + "summary:", 1), encoding="utf-8")
    _, out, _ = cli("--project", str(small), "check")
    reported = re.findall(r"error\[unknown-field\]: unknown field 'sumary\d+'\n    hint: the fields allowed here: title, ", out)
    assert len(reported) == MAX_GUESSED_FIELDS + 1, out


def test_all_problems_of_all_files_in_one_run(small: Path, cli):
    fi = small / "recipes" / "esimerkki" / "fi.md"
    en = small / "recipes" / "esimerkki" / "en.md"
    fi.write_text(fi.read_text(encoding="utf-8").replace("theme: networks", "theme: x").replace("## Vinkit", "## Muuta"), encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8").replace("summary:", "summry:"), encoding="utf-8")
    _, out, _ = cli("--project", str(small), "check")
    assert "fi.md" in out and "error[unknown-term]" in out and "error[unknown-section]" in out
    assert "en.md" in out and "error[unknown-field]" in out


def test_bad_folder_name_and_translation_without_source(small: Path, cli):
    (small / "recipes" / "esimerkki").rename(small / "recipes" / "Huono_Nimi")
    orphan = small / "recipes" / "orpo"
    orphan.mkdir()
    (orphan / "en.md").write_text((FIXTURE / "en.md").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = cli("--project", str(small), "check")
    assert code == 1
    assert "recipes/Huono_Nimi/fi.md:1:1: error[bad-id]" in out
    assert "recipes/orpo/en.md:1:1: error[missing-source]" in out


def test_duplicate_title(small: Path, cli):
    copy = small / "recipes" / "toinen"
    copy.mkdir()
    for lang in ("fi", "en"):
        (copy / f"{lang}.md").write_text((small / "recipes" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = cli("--project", str(small), "check")
    assert code == 1
    assert re.search(r"^recipes/toinen/fi\.md:2:8: error\[duplicate-title\]", out, re.M)


def test_broken_taxonomy_is_reported_with_its_line(small: Path, cli):
    taxonomy = small / "recipes" / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("  - id: networks\n", "  - id: networks\n    label: [\n", 1), encoding="utf-8")
    code, out, err = cli("--project", str(small), "check")
    assert code == 1
    assert re.search(r"^recipes/taxonomy\.yml:\d+:1: error\[taxonomy\]", out, re.M)
    assert "Traceback" not in out + err


def test_real_image_in_the_folder_passes(small: Path, cli):
    folder = small / "recipes" / "esimerkki"
    (folder / "sali.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    path = folder / "fi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("- Pidä kierrokset lyhyinä.", "- ![Sali ennen tilaisuutta](sali.png)"), encoding="utf-8")
    code, out, _ = cli("--project", str(small), "check")
    assert code == 0, out


def test_image_over_two_megabytes(small: Path, cli):
    folder = small / "recipes" / "esimerkki"
    (folder / "iso.jpg").write_bytes(b"\xff\xd8" + b"\0" * (2 * 1024 * 1024 + 1))
    path = folder / "fi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("- Pidä kierrokset lyhyinä.", "- ![Iso kuva](iso.jpg)"), encoding="utf-8")
    _, out, _ = cli("--project", str(small), "check")
    assert f"recipes/esimerkki/fi.md:{line_of(path.read_text(encoding='utf-8'), 'iso.jpg')}:3: error[image-too-large]" in out


def test_safe_inline_html_and_code_are_allowed(small: Path, cli):
    path = small / "recipes" / "esimerkki" / "fi.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "- Pidä kierrokset lyhyinä.",
            '- Pidä <abbr title="Tutkimus, kehitys ja innovaatiot">TKI</abbr>-kierrokset lyhyinä.\n'
            "- Koodissa `<script>` on vain tekstiä.\n\n```html\n<iframe src=x></iframe>\n```\n"
            "- Katso <https://example.org> ja [sivu](https://example.org/a_(b)).",
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("--project", str(small), "check")
    assert code == 0, out


def test_bom_and_crlf_are_fine(small: Path, cli):
    path = small / "recipes" / "esimerkki" / "fi.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    code, out, _ = cli("--project", str(small), "check")
    assert code == 0, out


# Warnings: reported always, failing only with --strict.
WARNING_CASES = [
    ("missing-translation", lambda p: (p / "en.md").unlink(), "fi", "---"),
    ("stale-translation", lambda p: _replace(p / "en.md", f"updated: {RECENT}", f"updated: {date.today() - timedelta(days=60)}"), "en", "updated:"),
    ("outdated", lambda p: [_replace(p / f"{lang}.md", f"updated: {RECENT}", "updated: 2020-01-01") for lang in ("fi", "en")], "fi", "updated:"),
]


def _replace(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("code, change, lang, marker", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warning_fails_only_with_strict(small: Path, cli, code, change, lang, marker):
    folder = small / "recipes" / "esimerkki"
    change(folder)
    text = (folder / f"{lang}.md").read_text(encoding="utf-8")
    line = 1 if marker == "---" else line_of(text, marker)

    exit_code, out, _ = cli("--project", str(small), "check")
    assert exit_code == 0, out
    assert re.search(rf"^recipes/esimerkki/{lang}\.md:{line}:\d+: warning\[{code}\]", out, re.M), out

    assert cli("--project", str(small), "check", "--strict")[0] == 1


def test_similar_tag_warning(small: Path, cli):
    copy = small / "recipes" / "toinen"
    copy.mkdir()
    for lang in ("fi", "en"):
        text = (small / "recipes" / "esimerkki" / f"{lang}.md").read_text(encoding="utf-8")
        text = text.replace("title: Esimerkkiresepti", "title: Toinen resepti").replace("title: Example recipe", "title: Another recipe")
        (copy / f"{lang}.md").write_text(text.replace("tags: [verkostot, tapahtumat]", "tags: [verkostot, tapahtumt]"), encoding="utf-8")
    code, out, _ = cli("--project", str(small), "check", "--strict")
    assert code == 1
    assert re.search(r"^recipes/toinen/fi\.md:7:\d+: warning\[similar-tag\]: the tag 'tapahtumt'", out, re.M), out
    assert "did you mean 'tapahtumat'?" in out


def test_github_annotations(small: Path, cli, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _replace(small / "recipes" / "esimerkki" / "fi.md", "theme: networks", "theme: netwrks")
    _, out, _ = cli("--project", str(small), "check")
    assert re.search(r"^::error file=recipes/esimerkki/fi\.md,line=4,col=8,title=unknown-term::", out, re.M), out


def test_check_only_the_given_paths(small: Path, cli, monkeypatch):
    other = small / "recipes" / "toinen"
    other.mkdir()
    (other / "fi.md").write_text("no front matter\n", encoding="utf-8")
    monkeypatch.chdir(small)
    code, out, _ = cli("--project", str(small), "check", "recipes/esimerkki")
    assert code == 0, out
    assert "toinen" not in out
    code, out, _ = cli("--project", str(small), "check", "recipes/toinen/fi.md")
    assert code == 1 and "recipes/toinen/fi.md:1:1: error[no-front-matter]" in out


def test_unknown_path_is_a_usage_error(small: Path, cli):
    code, _, err = cli("--project", str(small), "check", str(small / "recipes" / "nothing-here"))
    assert code == 2
    assert "no such file or folder" in err
