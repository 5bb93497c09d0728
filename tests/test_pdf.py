"""The PDFs, read back: contents pages right to the page, outline, links, QR codes,
accessibility metadata, and the same bytes from the same input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_built, page_texts
from cookbook.source.check import check_project
from cookbook.config import Project
from cookbook.downloads import FORMATS, book_name, booklet_name, plan_name
from cookbook.print.print_formats import booklet_label


@pytest.fixture(scope="module")
def cookbook(built_project: Path):
    return check_project(Project(built_project)).cookbook


def book_path(built_project: Path, lang: str) -> Path:
    return built_project / "site" / "downloads" / Project(built_project).language(lang).strings["pdf"]["book"]


@pytest.fixture(scope="module", params=["fi", "en"])
def book(request, built_project: Path, cookbook):
    lang = request.param
    return lang, PdfReader(book_path(built_project, lang))


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_contents_page_numbers_match_where_recipes_start(book, cookbook, built_project: Path):
    lang, reader = book
    texts = [text.replace("\x00", "") for text in page_texts(book_path(built_project, lang))]
    # The contents: the first page of entries "1.2 Title … 5" (number, title, page number).
    contents = next(t for t in texts if len(re.findall(r"^\d+\.\d+ .+ \d+$", t, re.M)) >= 3)
    outline = dict(outline_titles(reader))
    for recipe in cookbook.recipes_in(lang):
        match = re.search(re.escape(recipe.title) + r"[ .]*?(\d+)\s*$", contents, re.M)
        assert match, f"{recipe.title} is not in the contents"
        printed = match.group(1)
        start = outline[recipe.title]  # 0-based index of the page the recipe starts on
        assert recipe.title in texts[start]
        assert texts[start].strip().endswith(printed), f"{recipe.title}: contents says {printed}"
        assert reader.page_labels[start] == printed  # what a PDF viewer shows as the page number


def test_outline_has_every_chapter_and_recipe(book, cookbook):
    lang, reader = book
    titles = [title for title, _ in outline_titles(reader)]
    for theme, chapter in cookbook.by_theme(lang):
        assert cookbook.taxonomy.label("themes", theme, lang) in titles
        for recipe in chapter:
            assert recipe.title in titles


def test_internal_links_resolve(book):
    lang, reader = book
    names = set(reader.named_destinations)
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/URI":
                continue
            target = annotation.get("/Dest") or (action or {}).get("/D")
            assert target is not None
            if isinstance(target, str):
                assert target in names, target
            internal += 1
    assert internal > 0


def test_links_between_parts_land_on_the_recipe(book, cookbook):
    """The book is rendered in parts and joined: a link from the contents, the appendix or a
    related recipe in another part still opens the page the recipe starts on, and is described
    (its /Contents, for a screen reader: PDF/UA 7.18.5) by the recipe's title."""
    lang, reader = book
    outline = dict(outline_titles(reader))
    starts = {f"recipe-{r.id}": outline[r.title] for r in cookbook.recipes_in(lang)}
    titles = {f"recipe-{r.id}": r.title for r in cookbook.recipes_in(lang)}
    destinations = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    checked = set()
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            target = annotation.get_object().get("/Dest")
            if isinstance(target, str) and target in starts:
                assert destinations[target] == starts[target], f"page {index + 1}: #{target}"
                assert annotation.get_object()["/Contents"] == titles[target], f"page {index + 1}: #{target}"
                checked.add(index)
    # Links leave the front matter, several chapters and the appendix.
    assert min(checked) < 5 and max(checked) == len(reader.pages) - 1 and len(checked) > 10


def test_each_recipe_has_a_qr_code_to_its_page(book, cookbook, built_project: Path):
    lang, reader = book
    base = str(Project(built_project).settings["site_url"]).rstrip("/") + "/" + ("" if lang == "fi" else f"{lang}/")
    text = "".join(page_texts(book_path(built_project, lang))).replace("\x00", "").replace("\n", "")
    for recipe in cookbook.recipes_in(lang):
        assert f"{base}recipes/{recipe.id}/" in text


def test_no_page_holds_only_a_recipes_qr_code(book, built_project: Path):
    """The QR box closes a recipe; it goes over with the text before it, never alone on a page."""
    lang, _ = book
    caption = Project(built_project).language(lang).strings["print"]["qr"]
    for number, text in enumerate(page_texts(book_path(built_project, lang)), start=1):
        if caption in text:
            assert text[:text.index(caption)].strip(), f"page {number} has only the QR code"


def test_handouts_carry_the_qr_code_image_of_their_page(built_project: Path, cookbook):
    """The code is made at render time from a placeholder in the HTML: the image must be there,
    with the modules of the recipe's own address."""
    import segno

    from cookbook.print.pdf import QR_PIXELS_PER_MODULE

    site_url = str(Project(built_project).settings["site_url"]).rstrip("/")
    for recipe in cookbook.recipes_in("fi")[:3]:
        url = f"{site_url}/recipes/{recipe.id}/"
        expected = segno.make(url, error="m").symbol_size(scale=QR_PIXELS_PER_MODULE, border=0)
        reader = PdfReader(built_project / "site" / "downloads" / f"{recipe.id}-fi.pdf")
        sizes = {image.image.size for page in reader.pages for image in page.images}
        assert expected in sizes, (recipe.id, sizes)


def test_tagged_pdf_with_language_and_metadata(book):
    lang, reader = book
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title and reader.metadata.author and reader.metadata.subject


def test_one_structure_tree_covers_every_page_of_the_joined_book(book):
    """Joined from parts, the book is still one tagged document: each page's marked content
    leads, through the parent tree, to structure elements on that very page."""
    lang, reader = book
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    document = root["/K"].get_object()
    assert document["/S"] == "/Document" and len(document["/K"]) > 10
    nums = root["/ParentTree"].get_object()["/Nums"]
    tree = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    assert int(root["/ParentTreeNextKey"]) > max(tree)
    keys = set()
    for index, page in enumerate(reader.pages):
        key = int(page["/StructParents"])
        assert key not in keys, f"page {index + 1} shares its parent-tree key"
        keys.add(key)
        elements = [e.get_object() for e in tree[key] if e is not None]
        assert elements, f"page {index + 1} has no tagged content"
        assert all(e.raw_get("/Pg").idnum == page.indirect_reference.idnum for e in elements if "/Pg" in e)


def heading_levels(path: Path) -> list[int]:
    """The heading levels (H1 = 1, …) of a PDF's structure tree, in its order: /StructTreeRoot,
    then each element's /K, depth first. Empty for an untagged PDF."""
    import pikepdf

    levels = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        stack = [root.get("/K")] if root is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)))
            elif isinstance(node, pikepdf.Dictionary):
                name = str(node.get("/S", ""))
                if re.fullmatch(r"/H[1-6]", name):
                    levels.append(int(name[2]))
                if "/K" in node:
                    stack.append(node.K)
    return levels


def heading_problems(levels: list[int]) -> list[str]:
    """What a PDF/UA checker would say of these heading levels: not starting at H1, a skip."""
    if not levels:
        return ["no headings"]
    problems = [f"starts at H{levels[0]}"] if levels[0] != 1 else []
    return problems + [f"H{above} then H{below}" for above, below in zip(levels, levels[1:]) if below > above + 1]


def test_every_tagged_pdf_starts_its_headings_at_h1_and_skips_no_level(built_project: Path, cookbook):
    """Handouts, card decks (single and on sheets), the themes' measurement plans and every
    edition of the book: the heading structure a screen reader lists starts at H1 and goes down
    one level at a time."""
    project = Project(built_project)
    downloads = built_project / "site" / "downloads"
    pdfs = {downloads / f"{recipe.id}-{lang}.pdf" for lang in cookbook.languages for recipe in cookbook.recipes_in(lang)}
    for lang in cookbook.languages:
        names = project.language(lang).strings["pdf"]
        pdfs |= {downloads / names["cards"], downloads / names["card_sheets"]}
        pdfs |= {downloads / book_name(project, lang, page_format) for page_format in FORMATS}
        pdfs |= {downloads / plan_name(project, lang, theme, ".pdf") for theme, _ in cookbook.by_theme(lang)}
    assert {path.name for path in downloads.glob("*.pdf") if not path.name.endswith("-booklet.pdf")} == {p.name for p in pdfs}
    found = {}
    for path in sorted(pdfs):
        levels = heading_levels(path)
        if problems := heading_problems(levels):
            found[path.name] = problems[:3]
    assert not found, found
    # A handout is H1 (its title) and H2 (its sections); a card H1 (front) and H2 (back).
    recipe = cookbook.recipes_in("fi")[0]
    assert set(heading_levels(downloads / f"{recipe.id}-fi.pdf")) == {1, 2}
    assert heading_levels(downloads / project.language("fi").strings["pdf"]["cards"])[:4] == [1, 2, 1, 2]


def test_contributed_sub_headings_sit_one_level_below_their_section(built_small_project: Path, cli):
    """A `###` in a recipe's section is an H3 on the handout (the section is an H2) and an H4
    in the book (the section is an H3 under the chapter's H1 and the recipe's H2)."""
    recipe = built_small_project / "recipes" / "esimerkki" / "fi.md"
    text = recipe.read_text(encoding="utf-8")
    recipe.write_text(text.replace("## Vaiheet", "### Kenen kanssa\n\nKaupunki ja yritykset.\n\n## Vaiheet"), encoding="utf-8")
    code, out, err = cli("--project", str(built_small_project), "--quiet", "pdf", "--only", "book", "--only", "handouts")
    assert code == 0, out + err
    downloads = built_small_project / "site" / "downloads"
    handout, book = heading_levels(downloads / "esimerkki-fi.pdf"), heading_levels(downloads / "keittokirja-a4.pdf")
    assert 3 in handout and not heading_problems(handout), handout
    assert 4 in book and not heading_problems(book), book


def test_metrics_appendix_lists_every_metric_with_its_page(book, cookbook, built_project: Path):
    lang, reader = book
    start = max(page for _, page in outline_titles(reader))  # the appendix is the last outline entry
    appendix = " ".join(page_texts(book_path(built_project, lang))[start:]).replace("\x00", "")
    appendix = re.sub(r"-\n", "", appendix).replace("\n", " ")  # undo hyphenation and line breaks
    for recipe in cookbook.recipes_in(lang):
        for metric in recipe.metrics:
            assert metric.name.split()[0] in appendix, metric.name


def test_same_input_gives_the_same_bytes(built_small_template: Path, tmp_path: Path, cli):
    """Rendered again, elsewhere, without the cache: every PDF is the same to the byte."""
    project = copy_built(built_small_template, tmp_path / "project")
    shutil.rmtree(project / "build")
    shutil.rmtree(project / "site")
    assert cli("--project", str(project), "--no-cache", "pdf")[0] == 0

    def pdfs(root: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (root / "site" / "downloads").glob("*.pdf")}

    first, second = pdfs(built_small_template), pdfs(project)
    assert first == second and len(first) >= 10


MM = 72 / 25.4


def size(box) -> tuple[float, float]:
    return float(box.width), float(box.height)


def test_a5_booklet_and_print_shop_editions(built_project: Path):
    downloads = built_project / "site" / "downloads"
    a5 = PdfReader(downloads / "keittokirja-a5.pdf")
    for page in a5.pages:
        assert size(page.mediabox) == pytest.approx((148 * MM, 210 * MM), abs=1)
    booklet = PdfReader(downloads / "keittokirja-a5-booklet.pdf")
    assert len(booklet.pages) == (len(a5.pages) + 3) // 4 * 2  # two sides per sheet
    for page in booklet.pages:
        assert size(page.mediabox) == pytest.approx((297 * MM, 210 * MM), abs=1)  # A4 landscape
    # The outer side of the first sheet holds the cover (and the last page, if there is one).
    from cookbook.print.impose import saddle_stitch_order

    outer = booklet.pages[0].extract_text()
    for index in saddle_stitch_order(len(a5.pages))[0]:
        if index is not None:
            assert a5.pages[index].extract_text().split("\n")[0] in outer
    # The pages' drawings are placed as they are, compressed: about the A5 book's size (which has
    # a structure tree the booklet has not; qpdf compresses each page's drawing anew, in one
    # stream); drawings decoded or drawn again would make it several times bigger.
    assert (downloads / "keittokirja-a5-booklet.pdf").stat().st_size < 1.1 * (downloads / "keittokirja-a5.pdf").stat().st_size
    shop = PdfReader(downloads / "keittokirja-print.pdf")
    for page in shop.pages:
        assert size(page.trimbox) == pytest.approx((210 * MM, 297 * MM), abs=1)
        assert size(page.bleedbox) == pytest.approx((216 * MM, 303 * MM), abs=1)
        assert size(page.mediabox)[0] >= size(page.bleedbox)[0]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_booklet_says_it_is_the_print_imposition_and_names_the_edition_to_read(built_project: Path, lang: str):
    """The booklet is untagged, its pages out of reading order: its title, subject and XMP say,
    in the edition's language, that it is for printing, and name the tagged A5 edition."""
    import pikepdf

    project = Project(built_project)
    downloads = built_project / "site" / "downloads"
    reading = book_name(project, lang, "a5")
    label = booklet_label(project, lang, reading)
    strings = project.language(lang).strings
    assert label.reading_edition in label.description and "A5" in label.title_suffix
    with pikepdf.open(downloads / booklet_name(project, lang)) as booklet:
        title = f"{strings['site_name']} – {label.title_suffix}"
        assert str(booklet.docinfo["/Title"]) == title
        assert str(booklet.docinfo["/Subject"]) == label.description
        assert str(booklet.Root.Lang) == lang and booklet.Root.ViewerPreferences.DisplayDocTitle
        assert "/StructTreeRoot" not in booklet.Root  # untagged: hence the pointer to the edition to read
        with booklet.open_metadata() as xmp:
            assert xmp["dc:title"] == title and xmp["dc:description"] == label.description
            assert xmp["dc:relation"] == {reading} and xmp["dc:language"] == {lang}  # rdf:Bag
    with pikepdf.open(downloads / reading) as edition:  # published beside it, tagged, in reading order
        assert "/StructTreeRoot" in edition.Root and str(edition.Root.Lang) == lang
        assert str(edition.docinfo["/Title"]) == strings["site_name"]


def test_saddle_stitch_order():
    from cookbook.print.impose import saddle_stitch_order

    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert saddle_stitch_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]


def test_handouts_are_one_or_two_a4_sheets(built_project: Path, cookbook):
    """A recipe for a workshop table: printed on both sides, one sheet or two (the second
    edition's recipes, with their timetables, costs and evidence, take more than one)."""
    for lang in cookbook.languages:
        for recipe in cookbook.recipes_in(lang):
            reader = PdfReader(built_project / "site" / "downloads" / f"{recipe.id}-{lang}.pdf")
            assert 1 <= len(reader.pages) <= 4, f"{recipe.id}-{lang}.pdf has {len(reader.pages)} pages"
            assert size(reader.pages[0].mediabox) == pytest.approx((210 * MM, 297 * MM), abs=1)


def test_only_the_cookbooks_own_fonts_are_embedded(book):
    """No glyph fell back to a system font: every font is ours, and embedded."""
    lang, reader = book
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descendant = font.get("/DescendantFonts")
            if descendant:
                descriptor = descendant[0].get_object()["/FontDescriptor"].get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert fonts and all(name.startswith(("Source-Sans-3", "Source-Serif-4")) for name in fonts), fonts


def test_a_footnote_or_reference_defined_in_another_section_works_on_the_site_and_on_paper(built_small_project: Path, cli):
    """A recipe file is one Markdown document: a footnote or a link reference defined at the end
    of the file serves the section that uses it, as a contributor expects (the check accepts it)."""
    path = built_small_project / "recipes" / "esimerkki" / "fi.md"
    text = path.read_text(encoding="utf-8").replace(
        "Koska verkostot syntyvät kohtaamisista.",
        "Koska verkostot syntyvät kohtaamisista[^tutkimus] ja [luottamuksesta][perusta].")
    path.write_text(text.rstrip("\n") + "\n\n[^tutkimus]: Kohtaamistutkimus 2024.\n\n[perusta]: https://example.org/luottamus\n",
                    encoding="utf-8")
    assert cli("--project", str(built_small_project), "--quiet", "check")[0] == 0
    assert cli("--project", str(built_small_project), "--quiet", "site")[0] == 0
    assert cli("--project", str(built_small_project), "--quiet", "pdf", "--only", "handouts")[0] == 0

    page = (built_small_project / "site" / "recipes" / "esimerkki" / "index.html").read_text(encoding="utf-8")
    assert 'href="#fn:tutkimus"' in page and 'id="fn:tutkimus"' in page and "Kohtaamistutkimus 2024." in page
    assert 'href="https://example.org/luottamus"' in page and "[^tutkimus]" not in page and "[perusta]" not in page
    handout = " ".join(page_texts(built_small_project / "site" / "downloads" / "esimerkki-fi.pdf"))
    assert "Kohtaamistutkimus 2024." in handout and "[^tutkimus]" not in handout and "[perusta]" not in handout
