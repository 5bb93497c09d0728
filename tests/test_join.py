"""Tagged parts, rendered apart by WeasyPrint, joined into one tagged PDF (cookbook/print/join.py).

The parts are small books of their own, as the build makes them: a front matter with a link
into chapter B (and a placeholder anchor for it, so WeasyPrint keeps the link), chapter B, and
an appendix. Read back with pypdf, the joined file must be one accessible document: one
structure tree over every page, a parent tree that leads each page's marked content and each
link back to elements on that very page, links that land in the part owning their anchor.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, TextStringObject

from cookbook.errors import CookbookError
from cookbook.print.join import OutlineEntry, join_pdfs
from cookbook.print.lean_tags import lean_structure


CSS = "@page { size: A5; margin: 15mm; @bottom-center { content: 'Cookbook' } } .new-page { break-before: page }"
# A row header: its headers keep their identifiers (a simple table's say /Scope, lean_tags.py).
TABLE = ("<table><thead><tr><th>Metric</th><th>Unit</th></tr></thead>"
         "<tbody><tr><th scope='row'>Salt</th><td>g</td></tr></tbody></table>")
PARTS_HTML = [
    # 0: front matter, 2 pages; a link to #b (chapter B) and #shared; a placeholder for #b.
    """<h1>Contents</h1><p>See <a href="#b">chapter B</a> and <a href="#shared">the note</a>.</p>
       <span id="b"></span><p id="shared">A note kept in the front matter.</p>
       <p class="new-page">Preface, second page of the front matter.</p>""",
    # 1: chapter B, 3 pages; the real #b, a table (element identifiers), a link to #c.
    """<h1 id="b">Chapter B</h1><p>Simmer the stock gently. See <a href="#c">the appendix</a>.</p>"""
    + TABLE + """<span id="shared"></span><span id="c"></span>
       <p class="new-page">Second page of chapter B.</p><h2 class="new-page">Serving</h2><p>Third page.</p>""",
    # 2: appendix, 1 page; the real #c, a table, and a link back to #b (placeholder here too).
    """<h1 id="c">Appendix</h1><p>Back to <a href="#b">chapter B</a>.</p><span id="b"></span>""" + TABLE,
]
PAGES = [2, 3, 1]
FIRST = [0, 2, 5]  # first page of each part in the joined document
OWNERS = {"b": 1, "c": 2}
OUTLINE = [OutlineEntry("Contents", 0),
           OutlineEntry("Chapter B", 2, (OutlineEntry("Serving", 4),)),
           OutlineEntry("Appendix", 5)]
LABELS = [(0, "/r", 1), (2, "/D", 1)]


def render(index: int, body: str, lean: bool = True) -> bytes:
    """A part as the build renders it: tagged, its structure made lean (lean_tags.py)."""
    document = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test cookbook</title>'
                f'<meta name="author" content="Kitchen"><meta name="description" content="Part {index}">'
                f'<style>{CSS}</style></head><body>{body}</body></html>')
    return weasyprint.HTML(string=document).write_pdf(pdf_variant="pdf/ua-1", finisher=lean_structure if lean else None)


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    rendered = [render(index, body) for index, body in enumerate(PARTS_HTML)]
    assert [len(PdfReader(io.BytesIO(part)).pages) for part in rendered] == PAGES
    return rendered


def join(parts: list[bytes], target: Path, **options) -> PdfReader:
    join_pdfs(parts, target, OUTLINE, page_labels=LABELS, anchor_owner=OWNERS, **options)
    return PdfReader(target)


@pytest.fixture(scope="module")
def joined(parts, tmp_path_factory) -> PdfReader:
    return join(parts, tmp_path_factory.mktemp("join") / "book.pdf")


def all_objects(reader: PdfReader) -> list:
    numbers = set(reader.xref_objStm) | {n for table in reader.xref.values() for n in table}
    return [reader.get_object(n) for n in sorted(numbers)]


def number_tree(node) -> dict[int, object]:
    node = node.get_object()
    found = {}
    nums = node.get("/Nums", [])
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found.update(number_tree(kid))
    return found


def elements(root: DictionaryObject):
    """Every structure element under the structure root, each with its parent."""
    stack = [(kid, root) for kid in kids_of(root)]
    while stack:
        kid, parent = stack.pop()
        if not isinstance(kid, IndirectObject):
            continue  # marked-content ids and direct MCR/OBJR dictionaries
        element = kid.get_object()
        if element.get("/Type") in ("/OBJR", "/MCR"):
            continue
        yield kid, element, parent
        stack.extend((grandchild, element) for grandchild in kids_of(element))


def kids_of(element: DictionaryObject) -> list:
    """An element's /K as a list of kids, as written (references kept)."""
    kids = element.raw_get("/K") if "/K" in element else None
    resolved = kids.get_object() if isinstance(kids, IndirectObject) else kids
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [] if kids is None else [kids]


def page_of(element: DictionaryObject):
    """The page an element starts on: its /Pg, or else its first kid's (a container holds no
    marked content of its own, so lean_tags.py leaves it without one)."""
    if "/Pg" in element:
        return element.raw_get("/Pg")
    kid = kids_of(element)[0]
    return page_of(kid.get_object() if isinstance(kid, IndirectObject) else kid)


def as_list(value) -> list:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]


def as_bytes(string) -> bytes:
    """A string object's bytes (pypdf reads some byte strings as text)."""
    return string.get_original_bytes() if isinstance(string, TextStringObject) else bytes(string)


def test_every_page_in_order(joined, parts):
    assert len(joined.pages) == sum(PAGES)
    texts = [page.extract_text() for page in joined.pages]
    assert "Contents" in texts[0] and "Preface" in texts[1]
    assert "Chapter B" in texts[2] and "Second page of chapter B" in texts[3] and "Serving" in texts[4]
    assert "Appendix" in texts[5]
    # No part's page dragged in twice, no second structure tree, no part catalog or outline.
    types = [o.get("/Type") for o in all_objects(joined) if isinstance(o, DictionaryObject)]
    assert types.count("/Page") == sum(PAGES)
    assert types.count("/StructTreeRoot") == 1 and types.count("/Catalog") == 1
    assert [o for o in all_objects(joined) if isinstance(o, DictionaryObject) and o.get("/S") == "/Document"] \
        == [joined.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()]


def test_one_structure_tree_over_every_part(joined):
    root = joined.trailer["/Root"]["/StructTreeRoot"].get_object()
    top = root["/K"].get_object()
    assert top["/S"] == "/Document" and top.raw_get("/P").idnum == root.indirect_reference.idnum
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(joined.pages)}
    # The top element holds the kids of every part's top element, in order, as its own.
    starts = []
    for kid in top["/K"]:
        element = kid.get_object()
        assert element.raw_get("/P").idnum == top.indirect_reference.idnum
        starts.append(pages[page_of(element).idnum])
    assert starts == sorted(starts) and {0, FIRST[1], FIRST[2]} <= set(starts)
    # Every element and every OBJR is on a page of the joined document; every /P is its parent.
    seen_pages = set()
    for reference, element, parent in elements(root):
        assert element.raw_get("/P").idnum == parent.indirect_reference.idnum
        if "/Pg" in element:
            assert element.raw_get("/Pg").idnum in pages
            seen_pages.add(pages[element.raw_get("/Pg").idnum])
        for kid in as_list(element.get("/K")):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                page = joined.pages[pages[kid.raw_get("/Pg").idnum]]
                assert kid.raw_get("/Obj").idnum in [a.idnum for a in page["/Annots"]]
    assert seen_pages == set(range(sum(PAGES)))


def test_parent_tree_leads_back_to_each_page_and_link(joined):
    root = joined.trailer["/Root"]["/StructTreeRoot"].get_object()
    tree = number_tree(root["/ParentTree"])
    assert int(root["/ParentTreeNextKey"]) > max(tree)
    keys = set()
    for index, page in enumerate(joined.pages):
        key = int(page["/StructParents"])
        assert key in tree and key not in keys, f"page {index + 1}"
        keys.add(key)
        marked = [e.get_object() for e in tree[key] if e is not None]
        assert marked, f"page {index + 1} has no tagged content"
        for mcid, entry in enumerate(tree[key]):
            assert entry is None or holds(entry.get_object(), mcid, page), f"page {index + 1}, content {mcid}"
        for annotation in page.get("/Annots", []):
            key = int(annotation.get_object()["/StructParent"])
            assert key in tree and key not in keys
            keys.add(key)
            element = tree[key].get_object()  # the Link element whose OBJR is this annotation
            objects = [k.get_object() for k in as_list(element["/K"]) if not isinstance(k, int)]
            assert annotation.idnum in [o.raw_get("/Obj").idnum for o in objects if o.get("/Type") == "/OBJR"]


def holds(element: DictionaryObject, mcid: int, page) -> bool:
    """Whether the element holds marked content `mcid` of `page`: an MCID on its own /Pg, or an MCR."""
    number = page.indirect_reference.idnum
    for kid in as_list(element.get("/K")):
        if isinstance(kid, int) and kid == mcid and "/Pg" in element and element.raw_get("/Pg").idnum == number:
            return True
        if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR" and kid["/MCID"] == mcid:
            return kid.raw_get("/Pg").idnum == number
    return False


def test_text_runs_are_held_by_their_element_not_a_span_of_their_own(joined):
    """WeasyPrint wraps every run of text in a bare /Span and leaves empty elements (most of a
    book's objects): lean_tags.py gives the text to the span's parent, which the parent tree
    then names (checked above), and drops what holds nothing."""
    def counts(reader: PdfReader) -> tuple[int, int, int]:
        found = list(elements(reader.trailer["/Root"]["/StructTreeRoot"].get_object()))
        bare = sum(1 for _, element, _ in found if element.get("/S") == "/Span"
                   and (kids := kids_of(element)) and all(isinstance(kid, int) for kid in kids))
        empty = sum(1 for _, element, _ in found if not kids_of(element))
        typed = sum(1 for _, element, _ in found if "/Type" in element)
        return bare, empty, typed

    plain = PdfReader(io.BytesIO(render(1, PARTS_HTML[1], lean=False)))
    bare, empty, typed = counts(plain)
    assert bare > 10 and empty > 0 and typed > 20  # what WeasyPrint writes
    assert counts(joined) == (0, 0, 0)


def test_links_land_in_the_part_that_owns_the_anchor(joined):
    names = {name: joined.get_destination_page_number(dest) for name, dest in joined.named_destinations.items()}
    assert names["b"] == FIRST[1]  # not the placeholders of parts 0 and 2
    assert names["c"] == FIRST[2]
    assert names["shared"] == 0  # no owner given: the first part that has it
    raw = joined.trailer["/Root"]["/Names"]["/Dests"]["/Names"]
    keys = [raw[i].get_original_bytes() for i in range(0, len(raw), 2)]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    links = []
    for index, page in enumerate(joined.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                assert annotation["/Dest"] in names, f"page {index + 1}: #{annotation['/Dest']}"
                links.append((index, str(annotation["/Dest"]), names[annotation["/Dest"]]))
    assert (0, "b", FIRST[1]) in links and (FIRST[2], "b", FIRST[1]) in links and (FIRST[1], "c", FIRST[2]) in links


def test_outline_and_page_labels(joined):
    root = joined.trailer["/Root"]
    assert root["/PageMode"] == "/UseOutlines"

    def walk(items):
        return [walk(item) if isinstance(item, list) else (item.title, joined.get_destination_page_number(item))
                for item in items]
    assert walk(joined.outline) == [("Contents", 0), ("Chapter B", 2), [("Serving", 4)], ("Appendix", 5)]
    first = root["/Outlines"]["/First"].get_object()
    assert first["/Dest"][1] == "/Fit"
    assert joined.page_labels == ["i", "ii", "1", "2", "3", "4"]


def test_document_properties_of_the_first_part(joined, parts):
    root = joined.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert joined.metadata.title == "Test cookbook" and joined.metadata.author == "Kitchen"
    assert joined.metadata.subject == "Part 0"
    assert joined.metadata.producer == PdfReader(io.BytesIO(parts[0])).metadata.producer
    xmp = root["/Metadata"].get_object().get_data()
    assert b"Test cookbook" in xmp and b"pdfuaid" in xmp


def test_element_identifiers_are_unique(joined):
    """WeasyPrint names table headers after its object numbers, which repeat between parts."""
    root = joined.trailer["/Root"]["/StructTreeRoot"].get_object()
    ids = [element["/ID"] for _, element, _ in elements(root) if "/ID" in element]
    assert len(ids) == 6 and len(set(ids)) == len(ids)
    id_tree = root["/IDTree"].get_object()["/Names"]
    assert sorted(str(id_tree[i]) for i in range(0, len(id_tree), 2)) == sorted(map(str, ids))
    for _, element, _ in elements(root):
        attributes = element.get("/A")
        if isinstance(attributes, DictionaryObject) and "/Headers" in attributes:
            assert set(map(str, attributes["/Headers"])) <= set(map(str, ids))


def test_same_input_same_bytes(parts, joined, tmp_path):
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    join(parts, first)
    join(parts, second)
    assert first.read_bytes() == second.read_bytes()
    identifier = PdfReader(first).trailer["/ID"]
    assert as_bytes(identifier[0]) == as_bytes(identifier[1]) and len(as_bytes(identifier[0])) == 16
    # A chosen identifier is the permanent first half; the second is the file's, as qpdf makes it.
    chosen = join(parts, tmp_path / "3.pdf", document_id=b"0123456789abcdef").trailer["/ID"]
    assert as_bytes(chosen[0]) == b"0123456789abcdef" and len(as_bytes(chosen[1])) == 16


def test_page_numbers_stamped_before_writing(parts, tmp_path):
    """The build's hook gets the joined document (pikepdf) before the file is written."""
    seen = []
    join(parts, tmp_path / "book.pdf", before_write=lambda writer: seen.append(len(writer.pages)))
    assert seen == [sum(PAGES)]


def test_unreadable_or_untagged_part_is_a_clear_error(parts, tmp_path):
    with pytest.raises(CookbookError, match="part 2 of the book is not a readable PDF"):
        join_pdfs([parts[0], b"%PDF-1.7\nnot really", parts[2]], tmp_path / "x.pdf", [])
    with pytest.raises(CookbookError, match="part 2 of the book is not a readable PDF"):
        join_pdfs([parts[0], parts[1][: len(parts[1]) // 2]], tmp_path / "x.pdf", [])
    untagged = weasyprint.HTML(string="<p>No tags</p>").write_pdf()
    with pytest.raises(CookbookError, match="part 2 of the book is not a tagged PDF"):
        join_pdfs([parts[0], untagged], tmp_path / "x.pdf", [])
    with pytest.raises(CookbookError, match="bookmark"):
        join_pdfs(parts, tmp_path / "x.pdf", [OutlineEntry("Nowhere", 99)])
    assert not (tmp_path / "x.pdf").exists()


def test_many_parts(parts, tmp_path):
    """Parts repeated: keys keep increasing, identifiers stay unique, every link resolves."""
    many = [parts[0]] + [parts[1]] * 8 + [parts[2]]
    reader = PdfReader(_join_many(many, tmp_path / "many.pdf"))
    assert len(reader.pages) == 2 + 3 * 8 + 1
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    tree = number_tree(root["/ParentTree"])
    assert sorted({int(page["/StructParents"]) for page in reader.pages}) == \
        [int(page["/StructParents"]) for page in reader.pages]
    for page in reader.pages:
        for mcid, entry in enumerate(tree[int(page["/StructParents"])]):
            assert entry is None or holds(entry.get_object(), mcid, page)
    ids = [str(element["/ID"]) for _, element, _ in elements(root) if "/ID" in element]
    assert len(ids) == 3 * 9 and len(set(ids)) == len(ids)


def _join_many(parts: list[bytes], target: Path) -> Path:
    join_pdfs(parts, target, [OutlineEntry("Start", 0)], anchor_owner={"b": 1, "c": len(parts) - 1})
    return target


@pytest.mark.usefixtures("poppler")
def test_poppler_reads_the_joined_book(joined, tmp_path, parts):
    target = tmp_path / "book.pdf"
    join(parts, target)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and f"Pages:           {sum(PAGES)}" in info
    assert "Title:           Test cookbook" in info
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True)
    assert not text.stderr.strip(), text.stderr
    for words in ("Contents", "Chapter B", "Serving", "Appendix"):
        assert words in text.stdout


def test_parent_tree_of_another_shape(parts, joined, tmp_path):
    """WeasyPrint writes each part's parent tree as one node; a tree of several nodes (/Kids)
    is read the same, to the same merged tree."""
    import pikepdf

    reshaped = []
    for data in parts:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tree = pdf.Root.StructTreeRoot.ParentTree
            nums = list(tree.Nums)
            half = len(nums) // 4 * 2
            tree.Kids = pikepdf.Array([
                pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(chunk), Limits=pikepdf.Array([chunk[0], chunk[-2]])))
                for chunk in (nums[:half], nums[half:])])
            del tree.Nums
            out = io.BytesIO()
            pdf.save(out)
            reshaped.append(out.getvalue())
    other = join(reshaped, tmp_path / "other.pdf")

    def entries(reader: PdfReader) -> dict[int, list[tuple[str, int]]]:
        """Each key's elements: their type and the page they are on."""
        pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
        tree = number_tree(reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"])
        return {key: [(str(element.get_object()["/S"]), pages[element.get_object().raw_get("/Pg").idnum])
                      for element in as_list(value) if element is not None] for key, value in tree.items()}
    assert entries(other) == entries(joined)
