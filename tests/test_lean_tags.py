"""The structure tree made lean before WeasyPrint writes it (cookbook/print/lean_tags.py).

The same document rendered with and without the finisher must tell a screen reader the same
thing: the same marked content in the same reading order, in the same meaningful elements
(only NonStruct, Div, Sect, bare spans and empty groupings go, and the lines of a link are one
link), and the parent tree must lead each piece
of content to the element that now holds it, on its own page or through a reference.
"""

from __future__ import annotations

import io
from functools import partial

import pikepdf
import weasyprint

from cookbook.print.lean_tags import lean_structure

# Text across a page break, inline elements in inline elements, a link over two lines, nested
# lists, a list of terms grouped in divs, a simple table and one with a row header, an image and
# empty elements: what the book's templates make.
HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Lean</title>
<style>@page { size: A6; margin: 12mm } body { font-size: 11pt } .tall { height: 60mm }</style></head><body>
<section><h1>Recipe</h1><div class="tall"><p>Start with <strong>well <em>chosen</em> partners</strong> and
<span>a <span>shared</span> aim</span>.</p></div>
<p>This paragraph is long enough to run over the end of the page and on to the next one, so that
its lines lie on two pages and its text is held by elements on both of them, as a book's text is
when a recipe's page ends in the middle of a step. It goes on for a while longer to make sure
that it does: <a href="https://example.org/a-long-address">a link whose words break over two
lines of the page</a> and then the end, with <a href="https://example.org/b"><span>a <span>spanned</span></span>
link</a>.</p><span></span><div></div>
<ul><li>One <ul><li>Nested <b>bold</b></li></ul></li><li>Two</li></ul>
<table><thead><tr><th>Metric</th><th>Unit</th></tr></thead><tbody><tr><td><em>Firms</em></td><td>count</td></tr></tbody></table>
<dl><div><dt>Time</dt><dd>A year</dd></div><div><dt>Cost</dt><dd>Small</dd></div></dl>
<table><thead><tr><th>Level</th><th>Metric</th></tr></thead><tbody><tr><th scope="row">Output</th><td>Events</td></tr></tbody></table>
<ol style="display: table; list-style: none"><li style="display: table-cell">Inputs</li><li style="display: table-cell">Outputs</li></ol>
<img alt="A dot" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=">
</section></body></html>"""


def render(lean: bool) -> pikepdf.Pdf:
    data = weasyprint.HTML(string=HTML).write_pdf(pdf_variant="pdf/ua-1", finisher=lean_structure if lean else None)
    return pikepdf.open(io.BytesIO(data))


def kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    found = element.get("/K")
    return [] if found is None else list(found) if isinstance(found, pikepdf.Array) else [found]


def walk(pdf: pikepdf.Pdf) -> tuple[list[tuple[int, int]], list[str]]:
    """Depth first from the root: the marked content in reading order (page index, MCID), and
    the meaningful elements in order (NonStruct, Div, Span and elements over no content left out)."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    content, kinds = [], []

    def visit(element: pikepdf.Object, page: int | None) -> None:
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        at, held = len(kinds), len(content)
        kinds.append(str(element.get("/S")) + _link_target(element))
        for kid in kids(element):
            if isinstance(kid, int):
                content.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                content.append((pages[kid.Pg.objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != pikepdf.Name.OBJR:
                visit(kid, page)
        only = kids(element)
        in_list = kinds[at] == "/L" and len(only) == 1 and isinstance(only[0], pikepdf.Dictionary) and only[0].get("/S") == pikepdf.Name.L
        if in_list or kinds[at] in ("/NonStruct", "/Div", "/Span", "/Sect") or len(content) == held and not kinds[at].startswith("/Link"):
            del kinds[at]  # says nothing of its own (a list that only holds a list), or holds nothing
        elif kinds[at].startswith("/Link") and at and kinds[at - 1] == kinds[at]:
            del kinds[at]  # the next line of the same link

    for top in kids(pdf.Root.StructTreeRoot):
        visit(top, None)
    return content, kinds


def _link_target(element: pikepdf.Object) -> str:
    """Where a link leads (its annotations' destination or address), as text; else ''."""
    if element.get("/S") != pikepdf.Name.Link:
        return ""
    annotations = [kid.Obj for kid in kids(element) if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid]
    return " " + " ".join(sorted({str(a.get("/Dest", "")) + str(a.get("/A", {}).get("/URI", "")) for a in annotations}))


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found, stack = [], kids(pdf.Root.StructTreeRoot)
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and element.get("/Type") not in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
            found.append(element)
            stack.extend(kids(element))
    return found


def test_the_same_content_in_the_same_order_in_the_same_elements():
    plain, lean = render(lean=False), render(lean=True)
    assert len(plain.pages) == len(lean.pages) == 2
    assert walk(lean) == walk(plain)
    kinds = walk(lean)[1]
    assert {"/H1", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TH", "/TD", "/Link", "/Figure"} <= {k.split()[0] for k in kinds}


def test_what_said_nothing_is_gone_and_the_rest_is_smaller():
    plain_pdf, lean_pdf = render(lean=False), render(lean=True)  # kept open while their objects are read
    plain, lean = elements(plain_pdf), elements(lean_pdf)
    assert sum(1 for e in plain if e.S in (pikepdf.Name.NonStruct, pikepdf.Name.Div, pikepdf.Name.Span)) > 20
    assert not [e for e in lean if e.S in (pikepdf.Name.NonStruct, pikepdf.Name.Div, pikepdf.Name.Span)]
    # a list's items (and lists in them: WeasyPrint puts those beside them) are its own kids, not a div's
    assert all(kid.S in (pikepdf.Name.LI, pikepdf.Name.L) for e in lean if e.S == pikepdf.Name.L for kid in kids(e))
    assert not [e for e in lean if not kids(e)]  # nothing empty
    assert len(lean) < len(plain) * 0.6
    assert not [e for e in lean if "/Type" in e]
    # every link holds its annotations, and they share one border style: none
    links = [e for e in lean if e.S == pikepdf.Name.Link]
    assert len(links) >= 3 and all(any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR
                                       for kid in kids(link)) for link in links)
    borders = {annotation.BS.objgen for page in lean_pdf.pages for annotation in page.Annots}
    assert len(borders) == 1 and (0, 0) not in borders and lean_pdf.get_object(borders.pop()).W == 0
    # /Pg stays where it says which page an MCID is on, and only there.
    assert all(("/Pg" in e) == any(isinstance(kid, int) for kid in kids(e)) for e in lean)


def test_a_link_over_two_lines_is_one_link_and_a_list_laid_out_as_a_table_one_list():
    plain_pdf, lean_pdf = render(lean=False), render(lean=True)
    plain, lean = elements(plain_pdf), elements(lean_pdf)

    def pieces(found: list[pikepdf.Dictionary]) -> list[int]:  # annotations of each link to the long address
        return [len([kid for kid in kids(e) if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid])
                for e in found if "a-long-address" in _link_target(e)]
    # three lines, two at the end of page 1 and one on page 2, in the paragraph's piece there
    assert pieces(plain) == [1, 1, 1]  # WeasyPrint's: a link for each line
    assert pieces(lean) == [2, 1]
    # the list laid out as a table: WeasyPrint's lists in lists, one list of two items now
    assert any(e.S == pikepdf.Name.L and [kid.S for kid in kids(e)] == [pikepdf.Name.L] for e in plain)
    tabled = [e for e in lean if e.S == pikepdf.Name.L and len(kids(e)) == 2
              and all(kid.S == pikepdf.Name.LI and "/Lbl" not in [str(k.get("/S")) for k in kids(kid)] for kid in kids(e))]
    assert len(tabled) == 1
    assert not [e for e in lean if e.S == pikepdf.Name.L and [kid.S for kid in kids(e)] == [pikepdf.Name.L]]
    # sections: their headings tell them; nothing but content under the top element keeps one
    assert not [e for e in lean if e.S == pikepdf.Name.Sect and all(isinstance(kid, pikepdf.Dictionary) for kid in kids(e))]


def test_a_link_within_the_document_is_described_by_what_it_leads_to():
    """PDF/UA asks each link for a description in its annotation's /Contents; WeasyPrint writes
    the anchor's name there, which the renderer replaces with the title it knows."""
    document = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Links</title></head><body>
    <h1 id="recipe-kumppanit">Kumppanit</h1><p><a href="#recipe-kumppanit">Kumppanit</a>, <a href="#elsewhere">muualle</a>
    ja <a href="https://example.org/">verkkoon</a>.</p><p id="elsewhere">Muualla.</p></body></html>"""
    finisher = partial(lean_structure, link_descriptions={"recipe-kumppanit": "Kumppanit löytyvät yhdessä"})
    pdf = pikepdf.open(io.BytesIO(weasyprint.HTML(string=document).write_pdf(pdf_variant="pdf/ua-1", finisher=finisher)))
    described = {str(a.get("/Dest", a.get("/A", {}).get("/URI"))): str(a.Contents) for a in pdf.pages[0].Annots}
    assert described == {"recipe-kumppanit": "Kumppanit löytyvät yhdessä", "elsewhere": "elsewhere",
                         "https://example.org/": "https://example.org/"}


def test_the_parent_tree_names_the_element_that_holds_each_piece_of_content():
    pdf = render(lean=True)
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    tree = dict(zip(nums[0::2], nums[1::2]))
    crossing = 0
    for index, page in enumerate(pdf.pages):
        marks = tree[int(page.StructParents)]
        assert len(marks) > 0
        for mcid, element in enumerate(marks):
            held = [kid for kid in kids(element) if isinstance(kid, int) and kid == mcid and element.Pg.objgen == page.obj.objgen]
            referenced = [kid for kid in kids(element) if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR
                          and kid.MCID == mcid and kid.Pg.objgen == page.obj.objgen]
            assert len(held) + len(referenced) == 1, f"page {index + 1}, content {mcid}"
            crossing += len(referenced)
        for annotation in page.get("/Annots", ()):
            link = tree[int(annotation.StructParent)]
            assert link.S == pikepdf.Name.Link
            assert annotation.objgen in [kid.Obj.objgen for kid in kids(link) if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid]


def test_a_simple_table_says_its_headers_with_scope_and_the_others_keep_identifiers():
    """PDF/UA asks either: /Scope on the headers, or identifiers named in each cell's /Headers."""
    def tables(pdf: pikepdf.Pdf) -> list[list[tuple[str, object, object, object]]]:
        found = [e for e in elements(pdf) if e.S == pikepdf.Name.Table]
        found.sort(key=lambda table: min(int(kid.MCID) if isinstance(kid, pikepdf.Dictionary) else int(kid)
                                         for e in [table, *elements_under(table)] for kid in kids(e)
                                         if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid)))
        return [[(str(cell.S), cell.get("/ID"), (cell.get("/A") or {}).get("/Scope"),
                  [str(header) for header in (cell.get("/A") or {}).get("/Headers", [])])
                 for cell in elements_under(table) if cell.S in (pikepdf.Name.TH, pikepdf.Name.TD)] for table in found]

    plain, lean = tables(render(lean=False)), tables(render(lean=True))
    simple, row_headed = lean
    assert [(kind, scope, headers) for kind, _, scope, headers in simple] == [
        ("/TH", pikepdf.Name.Column, []), ("/TH", pikepdf.Name.Column, []), ("/TD", None, []), ("/TD", None, [])]
    assert not any(identifier for _, identifier, _, _ in simple)
    assert row_headed == plain[1]  # a row header: left as WeasyPrint wrote it
    assert [headers for kind, _, _, headers in row_headed if kind == "/TD"][0] and all(
        identifier for kind, identifier, _, _ in row_headed if kind == "/TH")


def elements_under(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """Its descendant elements, in reading order."""
    found = []
    for kid in kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *elements_under(kid)]
    return found
