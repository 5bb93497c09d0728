"""The structure tree WeasyPrint writes, told in fewer and smaller objects (a WeasyPrint finisher).

WeasyPrint gives every run of text a /Span element of its own, keeps elements that hold nothing
(empty anonymous boxes) and writes /Type and /Pg on every element: a thousand recipes' book has
some 370,000 objects, and qpdf holds each in memory (about 1.5 kB) while it joins the parts.
Before a tagged document is written, on the objects WeasyPrint hands to its documented
`finisher`, elements that say nothing of their own give their kids to their parent, in their
place: a NonStruct (whose kids count as its parent's, ISO 32000-1 14.8.4.2), a bare span of
text (no attributes; WeasyPrint itself gives a link's text to the link so) and an empty
grouping (Div, Sect…). The parent tree then names the parent, which holds the same content in
the same order (an MCID where both are on one page, else a marked-content reference). /Type,
optional for elements, goes; so does /Pg where an element holds no MCID; a /K of one kid is
that kid. Only exactly these shapes change; whatever else a WeasyPrint version writes stays.
"""

from __future__ import annotations

from typing import Any

import pydyf

ELEMENT = "/StructElem"
BARE_KEYS = frozenset({"Type", "S", "K", "Pg", "P"})  # an element with nothing of its own
# Groupings that say nothing when they hold nothing (WeasyPrint leaves a section that goes on
# over a page with none of its content there). An empty cell, item or heading keeps its place.
GROUPINGS = frozenset({"/Span", "/Div", "/Sect", "/Art", "/Part", "/L"})


def lean_structure(_document: Any, pdf: pydyf.PDF) -> None:
    """WeasyPrint's `finisher`: the changes above, made to `pdf` before it is written."""
    objects = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.free != "f"}
    root = objects.get(pdf.catalog.get("StructTreeRoot"))
    parent_tree = objects.get(root.get("ParentTree")) if root is not None else None
    nums = parent_tree.get("Nums") if parent_tree is not None else None
    if not isinstance(nums, list):
        return
    elements = [obj for obj in objects.values() if obj.get("Type") == ELEMENT]
    holder = _dissolve(objects, elements, pdf.catalog["StructTreeRoot"])
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


def _dissolvable(element: pydyf.Dictionary) -> bool:
    """NonStruct says its kids are its parent's (ISO 32000-1, 14.8.4.2); a bare span of marked
    content, and an empty grouping, say nothing of their own either."""
    if element.keys() != BARE_KEYS or not isinstance(kids := element["K"], list):
        return False
    kind = element["S"]
    return (kind == "/NonStruct" or (kind == "/Span" and all(isinstance(kid, int) for kid in kids))
            or (kind in GROUPINGS and not kids))


def _dissolve(objects: dict[bytes, pydyf.Dictionary], elements: list[pydyf.Dictionary], root: bytes) -> dict[bytes, bytes]:
    """Each dissolvable element's kids moved into its parent, in its place. Leaves first
    (WeasyPrint makes an element before its kids), so that a span whose own spans went is
    seen with their content. The top element (under the `root`) takes elements only: a book's
    parts are joined under one. Returns element -> the element that took its kids."""
    holder: dict[bytes, bytes] = {}
    for element in sorted(elements, key=lambda obj: obj.number, reverse=True):
        if not _dissolvable(element):
            continue
        parent = objects.get(element["P"])
        if parent is None or parent.get("Type") != ELEMENT or not isinstance(parent.get("K"), list) \
                or element.reference not in parent["K"] \
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


def _final(holder: dict[bytes, bytes], reference: Any) -> Any:
    while isinstance(reference, bytes) and reference in holder:
        reference = holder[reference]
    return reference
