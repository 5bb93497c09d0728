"""The structure tree WeasyPrint writes, told in fewer and smaller objects (a WeasyPrint finisher).

WeasyPrint gives every run of text a /Span element of its own, keeps elements that hold nothing
(empty anonymous boxes), wraps each piece of a page's layout in a /Div and writes /Type and /Pg
on every element, and identifiers on every table's headers: a thousand recipes' book had some
370,000 objects, and qpdf holds each value in memory (a number or a name about 350 bytes) while
it joins the parts. Before a tagged document is written, on the objects WeasyPrint hands to its
documented `finisher`, elements that say nothing of their own give their kids to their parent,
in their place: a NonStruct (whose kids count as its parent's, ISO 32000-1 14.8.4.2), a Div (a
grouping for layout only; a list's items so become its own, as the list structure wants), a
Sect (a section is told by its heading; a book had 17,000 of them), a list that is all its
parent list holds (WeasyPrint makes one for each box of a list laid out as a table), a bare
span of text (no attributes; WeasyPrint itself gives a link's text to the link so, and a span
in a link gives it the link's annotation too) and an empty grouping (Art…). The parent
tree then names the parent, which holds the same content in the same order (an MCID where
both are on one page, else a marked-content reference). /Type, optional for elements, goes; so
does /Pg where an element holds no MCID; a /K of one kid is that kid. A simple table (headers
only in its head, no spans) says with /Scope /Column on its headers what each cell's /Headers
said (PDF/UA asks one or the other), the links share one border style, and a link within the
document is described by the title of what it leads to (WeasyPrint gives the anchor's name),
where the renderer knows it. Only exactly these shapes change; whatever else a WeasyPrint
version writes stays.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pydyf

ELEMENT = "/StructElem"
BARE_KEYS = frozenset({"Type", "S", "K", "Pg", "P"})  # an element with nothing of its own
# Groupings that say nothing when they hold nothing (WeasyPrint leaves a section that goes on
# over a page with none of its content there). An empty cell, item or heading keeps its place.
GROUPINGS = frozenset({"/Span", "/Sect", "/Art", "/Part", "/L"})
SPANS = ("ColSpan", "RowSpan")


def lean_structure(_document: Any, pdf: pydyf.PDF, link_descriptions: Mapping[str, str] | None = None) -> None:
    """WeasyPrint's `finisher`: the changes above, made to `pdf` before it is written. A link
    to an anchor of `link_descriptions` is described by its text there, not the anchor's name."""
    objects = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.free != "f"}
    root = objects.get(pdf.catalog.get("StructTreeRoot"))
    parent_tree = objects.get(root.get("ParentTree")) if root is not None else None
    nums = parent_tree.get("Nums") if parent_tree is not None else None
    if not isinstance(nums, list):
        return
    elements = [obj for obj in objects.values() if obj.get("Type") == ELEMENT]
    holder = _dissolve(objects, elements, pdf.catalog["StructTreeRoot"])
    _join_split_links(objects, elements, holder)
    for table in elements:
        if table["S"] == "/Table":
            _scope_headers(objects, table)
    _finish_links(pdf, objects.values(), link_descriptions or {})
    for index in range(1, len(nums), 2):  # the parent tree names who holds the content now
        entry = nums[index]
        if isinstance(entry, list):
            entry[:] = [_final(holder, reference) for reference in entry]
        else:
            nums[index] = _final(holder, entry)
    for element in elements:
        if element.reference in holder:
            element.clear()  # unreferenced now: written as an empty dictionary
            continue
        del element["Type"]
        kids = element.get("K")
        if isinstance(kids, list):
            if "Pg" in element and not any(isinstance(kid, int) for kid in kids):
                del element["Pg"]
            if len(kids) == 1:
                element["K"] = kids[0]


def _dissolvable(element: pydyf.Dictionary, parent: pydyf.Dictionary, objects: dict[bytes, pydyf.Dictionary]) -> bool:
    """NonStruct says its kids are its parent's (ISO 32000-1, 14.8.4.2); a Div, a Sect (a
    recipe's sections are told by their headings), a bare span of marked content and an empty
    grouping say nothing of their own either, nor does a span in a link that holds the link's
    annotation (the link should: PDF/UA, ISO 14289-1 7.18.5), nor a list that is all there is
    of a list (WeasyPrint makes one for each box of a list laid out as a table)."""
    if element.keys() != BARE_KEYS or not isinstance(kids := element["K"], list):
        return False
    kind, in_link = element["S"], parent.get("S") in ("/Link", "/Span")

    def bare(kid: Any) -> bool:  # marked content, or (in a link) a link annotation
        return isinstance(kid, int) or in_link and (objects.get(kid) or {}).get("Type") == "/OBJR"
    return kind in ("/NonStruct", "/Div", "/Sect") or (kind in GROUPINGS and not kids) \
        or (kind == "/Span" and all(map(bare, kids))) or (kind == "/L" and parent["S"] == "/L" and parent["K"] == [element.reference])


def _dissolve(objects: dict[bytes, pydyf.Dictionary], elements: list[pydyf.Dictionary], root: bytes) -> dict[bytes, bytes]:
    """Each dissolvable element's kids moved into its parent, in its place. Leaves first
    (WeasyPrint makes an element before its kids), so that a span whose own spans went is
    seen with their content. The top element (under the `root`) takes elements only: a book's
    parts are joined under one. Returns element -> the element that took its kids."""
    holder: dict[bytes, bytes] = {}
    for element in sorted(elements, key=lambda obj: obj.number, reverse=True):
        parent = objects.get(element["P"])
        if parent is None or parent.get("Type") != ELEMENT or not isinstance(parent.get("K"), list) \
                or not _dissolvable(element, parent, objects) or element.reference not in parent["K"] \
                or (parent.get("P") == root and not all(isinstance(kid, bytes) for kid in element["K"])):
            continue
        same_page = parent.get("Pg") == element.get("Pg")
        kids = []
        for kid in element["K"]:
            if isinstance(kid, int) and not same_page:  # its page named where it now lies
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": element["Pg"], "MCID": kid})
            elif isinstance(kid, bytes) and (child := objects.get(kid)) is not None and child.get("Type") == ELEMENT:
                child["P"] = element["P"]
            kids.append(kid)
        at = parent["K"].index(element.reference)
        parent["K"][at:at + 1] = kids
        holder[element.reference] = element["P"]
    return holder


def _join_split_links(objects: dict[bytes, pydyf.Dictionary], elements: list[pydyf.Dictionary],
                      holder: dict[bytes, bytes]) -> None:
    """WeasyPrint makes a Link of each line a link's text runs over. Pieces that follow each
    other in one parent, on one page, to one place, become one link holding all their
    annotations (PDF/UA, ISO 14289-1 7.18.5), as a reader should hear them: once."""
    for parent in elements:
        kids = parent.get("K")
        if not isinstance(kids, list) or len(kids) < 2:
            continue
        kept: list[Any] = []
        last_place = None  # (page, where it leads) of the last kid kept, if that is a link
        for kid in kids:
            link = objects.get(kid) if isinstance(kid, bytes) else None
            place = _link_place(link, objects) if link is not None else None
            if place is None or place != last_place:
                kept.append(kid)
                last_place = place
                continue
            before = objects[kept[-1]]
            for moved in link["K"]:
                if isinstance(moved, bytes) and (child := objects.get(moved)) is not None and child.get("Type") == ELEMENT:
                    child["P"] = before.reference
            before["K"].extend(link["K"])
            holder[link.reference] = before.reference
        kids[:] = kept


def _link_place(link: pydyf.Dictionary, objects: dict[bytes, pydyf.Dictionary]) -> tuple[Any, str] | None:
    """A bare Link's page and the one place its annotations lead to; None for anything else."""
    if link.get("S") != "/Link" or not link.keys() <= BARE_KEYS or not isinstance(link.get("K"), list):
        return None
    places = set()
    for kid in link["K"]:
        reference = (objects.get(kid) or {}).get("Obj") if isinstance(kid, bytes) else None
        if reference is not None:
            if (annotation := objects.get(reference)) is None:
                return None
            places.add(repr(_text(annotation.get("Dest"))) + repr(_text((annotation.get("A") or {}).get("URI"))))
    return (link.get("Pg"), places.pop()) if len(places) == 1 else None


def _scope_headers(objects: dict[bytes, pydyf.Dictionary], table: pydyf.Dictionary) -> None:
    """A table whose cells' /Headers name just the headers above them in its head: /Scope
    /Column on those headers says the same, and the identifiers and /Headers go."""
    def kids(element: pydyf.Dictionary) -> list[pydyf.Dictionary]:
        return [objects.get(kid) for kid in _list(element.get("K")) if isinstance(kid, bytes)]
    head, body = [], []  # rows of cells
    for section in kids(table):
        if section is None or section.get("S") not in ("/THead", "/TBody", "/TFoot"):
            continue  # a caption
        for row in kids(section):
            if row is None or row.get("S") != "/TR" or None in (cells := kids(row)):
                return
            (head if section["S"] == "/THead" else body).append(cells)
    if not head or not body or any(cell.get("S") != "/TH" for row in head for cell in row):
        return
    columns = [[_text(row[column].get("ID")) for row in head if column < len(row)] for column in range(max(map(len, head)))]
    if any(None in ids for ids in columns) or any(not _plain_cell(cell) for row in head for cell in row):
        return
    for row in body:
        if len(row) > len(columns) or any(cell.get("S") != "/TD" or not _plain_cell(cell)
                                          or list(map(_text, _list(cell["A"].get("Headers")))) != columns[column]
                                          for column, cell in enumerate(row)):
            return
    for row in head:
        for cell in row:
            cell["A"]["Scope"] = "/Column"
            del cell["ID"]
    for row in body:
        for cell in row:
            del cell["A"]["Headers"]
            if cell["A"].keys() == {"O"}:
                del cell["A"]


def _finish_links(pdf: pydyf.PDF, objects: Iterable[pydyf.Dictionary], descriptions: Mapping[str, str]) -> None:
    """WeasyPrint gives each link annotation a border style of its own, always no border: one
    object serves them all (a book has some 20,000 links). A link within the document is
    described by what it leads to, where that is known."""
    shared: pydyf.Dictionary | None = None
    for annotation in objects:
        if annotation.get("Type") != "/Annot":
            continue
        if (description := descriptions.get(_text(annotation.get("Dest")))) is not None:
            annotation["Contents"] = pydyf.String(description)
        if annotation.get("BS") == {"W": 0}:
            if shared is None:
                shared = pydyf.Dictionary({"W": 0})
                pdf.add_object(shared)
            annotation["BS"] = shared.reference


def _plain_cell(cell: pydyf.Dictionary) -> bool:
    """Table attributes (/O /Table) that span no other row or column."""
    given = cell.get("A")
    return isinstance(given, pydyf.Dictionary) and given.get("O") == "/Table" and not given.keys() & SPANS


def _text(value: Any) -> Any:
    return getattr(value, "string", value)  # a pydyf.String's own, which has no equality


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _final(holder: dict[bytes, bytes], reference: Any) -> Any:
    while isinstance(reference, bytes) and reference in holder:
        reference = holder[reference]
    return reference
