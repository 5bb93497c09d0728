"""Parts of a tagged PDF, rendered apart, joined into one tagged PDF (pypdf).

pypdf copies pages but knows nothing of the structure tree that makes a PDF accessible, so the
join merges it: one structure root whose top element holds every part's elements, and one
parent tree whose keys are shifted part by part (with the pages' /StructParents and the
annotations' /StructParent). Named destinations are gathered into one name tree, each name
taken from the part that really holds it (parts carry placeholder anchors for links into other
parts). The outline and the page labels are the book's, not the parts'.

The crux is that every reference into a part lands on one copy of what it points at: the
/Pg of a structure element on the joined page, the /Obj of an OBJR on the joined annotation,
a destination on the joined page. pypdf's `clone` does this with a table per reader
(`writer._id_translated`: object number in the part -> number in the writer); this module
keeps such a table per part (`_Copier.mapping`) and fills it in this order: the part's page
tree nodes, structure root and top element are mapped onto the joined document's (so the
parts' own are never copied, and the elements' /P lead into the one tree); every page gets
its number before anything is copied (so a reference to a page never copies it twice); then
whatever the pages, the structure and the destinations refer to is copied once, on demand.

It does not use `clone` itself, for speed: a part's structure is most of its objects (some 130
a page), and pypdf parses, clones and writes each in pure Python: about 20 s a thousand pages.
Here only pages and their resources (which the page-number stamp edits) become pypdf objects;
every other object is copied as its text, references renumbered by one regular expression that
steps over strings, streams with their data untouched. pypdf still reads the parts (asked to
parse an object of an object stream, it parses the whole stream: the reader below parses just
the one), and the file is written with object streams, as WeasyPrint writes its own (pypdf's
writer has none, and the structure tree alone would make the book five times bigger).
"""

from __future__ import annotations

import hashlib
import inspect
import io
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject, ByteStringObject, DictionaryObject, IndirectObject, NameObject, NullObject, NumberObject,
    PdfObject, StreamObject, TextStringObject, read_object,
)

from ..errors import CookbookError
from ..workers import working_here
from .pdf_output import PackedObjects, TextObject, write_pdf

# Catalog entries of the first part that describe the whole document (PDF/UA needs /Lang,
# /MarkInfo and /ViewerPreferences; /Metadata is the XMP stream that agrees with the info).
CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")
LABEL_STYLES = ("/D", "/r", "/R", "/a", "/A", "")
# What a damaged part can make pypdf (or the copy) raise while it is read, object by object.
READ_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
               zlib.error, struct.error)

_STRING = rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>"  # WeasyPrint and pypdf escape every ( and ) in strings
# The tokens of an object's text the copy acts on; `lastgroup` tells which matched. Strings are
# matched only to be stepped over (a reference inside one is text, not a reference).
_TOKENS = re.compile(
    rb"(?P<string>" + _STRING + rb")"
    rb"|(?<![\w#.+\-/])(?P<ref>\d+)\s+\d+\s+R(?![\w#])"  # an indirect reference
    rb"|/ID\s*(?P<id>" + _STRING + rb")"  # an element identifier
    rb"|(?P<headers>/Headers)(?![\w#])",  # table cells' references to identifiers
    re.S)
# The same, and what an annotation needs changed or checked: its key in the parent tree, and
# the named destination of a link.
_ANNOTATION_TOKENS = re.compile(
    _TOKENS.pattern + rb"|/StructParent\s+(?P<key>\d+)(?![\w.])|/Dest\s*(?P<dest>" + _STRING + rb")", re.S)
_PLAIN_STRING = re.compile(rb"\([^()\\\r]*\)\Z")  # a literal string without escapes or line ends
_ID_TOKENS = re.compile(rb"(?P<string>" + _STRING + rb")|/ID\s*(?P<id>" + _STRING + rb")"
                        rb"|/Headers\s*\[(?P<headers>(?:\s*(?:" + _STRING + rb"))*)\s*\]", re.S)
# The tokens of a parent tree's /Nums array, to shift its keys and renumber its references.
_NUMS_TOKENS = re.compile(
    rb"\s*(?:(?P<string>" + _STRING + rb")|(?P<ref>\d+)\s+\d+\s+R(?![\w#])|(?P<open>\[|<<)|(?P<close>\]|>>)"
    rb"|(?P<int>[+-]?\d+)(?![\w.#])|(?P<other>/[^\s/\[\]<>()%{}]*|[^\s/\[\]<>()%{}]+))", re.S)
# What an object copied for a structure element must not be: only a broken part refers from its
# structure to a page outside its page tree, or to its catalog (copying would drag all in).
_PAGE_TREE = re.compile(rb"/Type\s*/(?:Pages?|Catalog)(?![\w#])")
# Page resources the page-number stamp adds to: pypdf objects, not text.
RESOURCE_CATEGORIES = ("/Font", "/ExtGState", "/ColorSpace", "/XObject", "/Pattern", "/Shading", "/Properties")


class JoinError(CookbookError):
    """A part could not be read or joined."""


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    page: int  # 0-based page index in the JOINED document
    children: tuple["OutlineEntry", ...] = ()


def join_pdfs(
    parts: list[bytes], target: Path, outline: list[OutlineEntry],
    page_labels: Iterable[tuple[int, str, int]] = (), anchor_owner: dict[str, int] | None = None,
    before_write: Callable[[PdfWriter], None] | None = None, document_id: bytes | None = None,
) -> None:
    """Join `parts` (tagged PDFs from WeasyPrint, in order) into `target`.

    `outline`: the bookmarks (pages of the joined document). `page_labels`: (first page index,
    style "/D", "/r" or "", first number) from that page on. `anchor_owner`: name -> index of
    the part whose destination for it wins; other names keep the first part's that has them.
    `before_write` may change the joined pages (the build stamps page numbers). `document_id`:
    the trailer /ID; by default a hash of the inputs, so the same inputs give the same bytes."""
    if not parts:
        raise JoinError("there are no parts to join into a PDF")
    joiner = Joiner(len(parts), anchor_owner)
    for index, data in enumerate(parts):
        joiner.add(index, data)
    joiner.write(target, outline, page_labels, before_write, document_id)


class Joiner:
    """A joined PDF built a part at a time, so that a book can be joined while its later parts
    are still being rendered; each part is let go once copied.

    The parts may come in any order, as long as it is the same order every time (the object
    numbers follow it, and the same input must give the same bytes); the pages, the structure
    and the destinations' "first part that has it" follow the parts' indices."""

    def __init__(self, count: int, anchor_owner: dict[str, int] | None = None) -> None:
        self.count = count
        self.anchor_owner = anchor_owner
        self.writer = PdfWriter()
        self.structure = _Structure(self.writer)
        self.destinations = _Destinations(anchor_owner or {})
        self.packed = PackedObjects()
        self.header = "%PDF-1.5"  # object streams: PDF 1.5
        self.pages: dict[int, list[PageObject]] = {}  # by part index
        self.digests: dict[int, bytes] = {}

    def add(self, index: int, data: bytes) -> None:
        if not 0 <= index < self.count or index in self.pages:
            raise JoinError(f"part {index + 1} is not one of the {self.count} parts, or was joined already")
        # Half a million objects that live to the end: the collector would rescan them again and again.
        with working_here():
            self._add(index, data)
        self.digests[index] = hashlib.md5(data, usedforsecurity=False).digest()

    def _add(self, index: int, data: bytes) -> None:
        start = len(self.writer._objects)
        part = _Part(data, index)
        copier = _Copier(self.writer, part, self.structure.next_key)
        try:
            self.pages[index] = copier.copy_pages()
            self.structure.add_part(copier)
            self.destinations.add(copier)
            if index == 0:
                _copy_document_properties(self.writer, copier)
            copier.drain()
        except JoinError:
            raise
        except READ_ERRORS as error:
            raise JoinError(f"part {index + 1} of {self.count} could not be joined: {error}") from error
        self.header = max(self.header, part.reader.pdf_header)
        del part, copier
        self.packed.pack(self.writer, start)

    def write(self, target: Path, outline: list[OutlineEntry], page_labels: Iterable[tuple[int, str, int]] = (),
              before_write: Callable[[PdfWriter], None] | None = None, document_id: bytes | None = None) -> None:
        """The joined document to `target`; see join_pdfs for the arguments."""
        if missing := [index + 1 for index in range(self.count) if index not in self.pages]:
            raise JoinError(f"parts {', '.join(map(str, missing))} of {self.count} were never joined")
        page_labels = list(page_labels)
        writer = self.writer
        with working_here():
            in_order = [page for index in sorted(self.pages) for page in self.pages[index]]
            writer.flattened_pages[:] = in_order
            writer._pages.get_object()["/Kids"][:] = [page.indirect_reference for page in in_order]
            self.structure.finish()
            self.destinations.write(writer)
            _write_outline(writer, outline)
            _write_page_labels(writer, page_labels)
            if before_write is not None:
                before_write(writer)
            digest = document_id or _document_id([self.digests[i] for i in sorted(self.digests)], outline,
                                                  page_labels, self.anchor_owner)
            writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
            try:
                write_pdf(writer, self.header, target, self.packed)
            except OSError as error:
                raise JoinError(f"could not write {target}: {error.strerror or error}") from error


# ---- Reading -------------------------------------------------------------------------------------

class _Reader(PdfReader):
    """pypdf's reader, parsing an object of an object stream only when it is asked for.

    pypdf parses every object of an object stream at the first request for any, and WeasyPrint
    puts all of a part's objects into one; the join needs few of them parsed."""

    part: "_Part | None" = None

    def _read_xref_subsections(self, idx_pairs, get_entry, used_before) -> None:  # noqa: ANN001 - pypdf's signature
        """The cross-reference stream's entries, read a row at a time rather than a byte.

        pypdf reads each field through two Python calls: a seventh of the join went there.
        Its own reading is kept for anything unusual (no stream and widths to be found)."""
        try:
            found = inspect.getclosurevars(get_entry).nonlocals
            widths = [int(width) for width in found["entry_sizes"]]
            data = found["stream_data"].read()
        except (KeyError, TypeError, ValueError, AttributeError):
            return super()._read_xref_subsections(idx_pairs, get_entry, used_before)
        if len(widths) != 3 or widths[0] != 1 or min(widths) < 0:
            found["stream_data"].seek(-len(data), 1)
            return super()._read_xref_subsections(idx_pairs, get_entry, used_before)
        step, one = sum(widths), 1 + widths[1]  # a row's length; where its third field starts
        position = 0
        for start, size in self._pairs(idx_pairs):
            for number in range(start, start + size):
                row = data[position:position + step]
                position += step
                if len(row) < step:
                    return
                kind, field, third = row[0], int.from_bytes(row[1:one], "big"), int.from_bytes(row[one:], "big")
                if kind == 1:
                    if not used_before(number, third):
                        self.xref.setdefault(third, {})[number] = field
                elif kind == 2:
                    if not used_before(number, 0):
                        self.xref_objStm[number] = (field, third)

    def _get_object_from_stream(self, indirect_reference: IndirectObject) -> PdfObject:
        try:
            assert self.part is not None
            text = self.part.stored_text(indirect_reference.idnum)
        except (AssertionError, *READ_ERRORS):
            return super()._get_object_from_stream(indirect_reference)  # pypdf's careful way
        obj = read_object(io.BytesIO(text.lstrip()), self)
        return self.cache_indirect_object(0, indirect_reference.idnum, obj)


class _Part:
    """One part: its reader, and the text of the objects in its object streams."""

    def __init__(self, data: bytes, index: int) -> None:
        self.index = index
        self._streams: dict[int, tuple[bytes, dict[int, tuple[int, int]]]] = {}
        try:
            self.reader = _Reader(io.BytesIO(data))
            self.reader.part = self
            self.reader.pages  # noqa: B018 - parse the page tree now, to fail here with a clear message
        except READ_ERRORS as error:
            raise JoinError(f"part {index + 1} of the book is not a readable PDF ({error})") from error
        if self.reader.is_encrypted:
            raise JoinError(f"part {index + 1} of the book is an encrypted PDF")

    def text(self, number: int) -> bytes | None:
        """The object as written in the part; None for a stream or a missing object."""
        if number in self.reader.xref_objStm:
            return self.stored_text(number)
        obj = self.reader.get_object(number)
        if obj is None or isinstance(obj, (StreamObject, NullObject)):
            return None
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)  # references are written as they are in the part
        return buffer.getvalue()

    def stored_text(self, number: int) -> bytes:
        """The text of an object kept in an object stream."""
        stream = self.reader.xref_objStm[number][0]
        if stream not in self._streams:
            self._streams[stream] = self._object_stream(stream)
        data, spans = self._streams[stream]
        start, end = spans[number]
        return data[start:end]

    def _object_stream(self, number: int) -> tuple[bytes, dict[int, tuple[int, int]]]:
        stream = self.reader.get_object(number)
        if not isinstance(stream, StreamObject) or stream.get("/Type") != "/ObjStm":
            raise PdfReadError(f"object {number} is not an object stream")
        data, first, count = stream.get_data(), int(stream["/First"]), int(stream["/N"])
        numbers = [int(n) for n in re.findall(rb"\d+", data[:first])]
        if len(numbers) != 2 * count:
            raise PdfReadError(f"object stream {number} has a damaged index")
        index = sorted(zip(numbers[1::2], numbers[0::2]))  # (offset, object number)
        ends = [offset for offset, _ in index[1:]] + [len(data) - first]
        return data, {idnum: (first + offset, first + end) for (offset, idnum), end in zip(index, ends)}


# ---- Copying -------------------------------------------------------------------------------------

class _Copier:
    """Copies the objects of one part into the writer, each once, as they are referred to."""

    def __init__(self, writer: PdfWriter, part: _Part, offset: int) -> None:
        self.writer, self.part, self.reader = writer, part, part.reader
        self.offset = offset  # the part's parent-tree keys are shifted by this much
        self.span = 0  # how many parent-tree keys the part uses (the highest + 1)
        self.mapping: dict[int, int] = {}  # object number in the part -> in the writer
        self.pending: list[int] = []  # numbered, not copied yet
        self.annotations: set[int] = set()  # objects to copy as annotations
        self.links: set[bytes] = set()  # the named destinations of its links, as written
        self.ids: list[tuple[bytes, int]] = []  # element identifiers as written, and their elements
        self.marked: list[TextObject] = []  # objects with identifiers or references to them
        self._current = 0  # the writer number of the object being renumbered

    # -- numbering

    def number(self, old: int) -> int:
        """The writer's number for object `old` of the part; copied (later) if new."""
        new = self.mapping.get(old)
        if new is None:
            new = self.reserve(old)
            self.pending.append(old)
        return new

    def reserve(self, old: int | None) -> int:
        """A writer number for `old` (or for a new object), its object to be put in place."""
        self.writer._objects.append(TextObject())
        new = len(self.writer._objects)
        if old is not None:
            self.mapping[old] = new
        return new

    def place(self, new: int, obj: PdfObject) -> IndirectObject:
        reference = IndirectObject(new, 0, self.writer)
        self.writer._objects[new - 1] = obj
        obj.indirect_reference = reference
        return reference

    def translate(self, value: PdfObject) -> PdfObject:
        """A direct value of the part, its references turned into the writer's."""
        if isinstance(value, IndirectObject):
            return IndirectObject(self.number(value.idnum), 0, self.writer)
        if isinstance(value, DictionaryObject):
            return DictionaryObject({key: self.translate(item) for key, item in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject([self.translate(item) for item in value])
        return value  # names, numbers, strings, null: immutable, shared with the reader

    # -- pages

    def copy_pages(self) -> list[PageObject]:
        """The part's pages, appended to the writer's page tree; their keys shifted."""
        pages_root = self.writer._pages
        self._map_page_tree(self.reader.root_object.raw_get("/Pages"), pages_root.idnum)
        originals = list(self.reader.pages)  # pypdf's flattening gives them inherited entries
        numbers = [self.reserve(page.indirect_reference.idnum) for page in originals]
        kids = pages_root.get_object()["/Kids"]
        copied: list[PageObject] = []
        for original, new in zip(originals, numbers):
            page = PageObject(self.writer)
            for key, value in original.items():
                if key == "/Resources":
                    page[key] = self._resources(value)
                elif key == "/Annots":
                    page[key] = ArrayObject([self._annotation(item) for item in _as_list(value)])
                elif key not in ("/Parent", "/StructParents"):
                    page[key] = self.translate(value)
            page[NameObject("/Parent")] = pages_root
            if "/StructParents" in original:
                page[NameObject("/StructParents")] = NumberObject(self._shift(int(original["/StructParents"])))
            kids.append(self.place(new, page))
            self.writer.flattened_pages.append(page)
            copied.append(page)
        pages_root.get_object()[NameObject("/Count")] = NumberObject(len(self.writer.flattened_pages))
        self.drain()
        return copied

    def _map_page_tree(self, node: PdfObject, pages_root: int) -> None:
        """The part's page tree nodes stand for ours (pages refer to their parent)."""
        stack = [node]
        while stack:
            node = stack.pop()
            if isinstance(node, IndirectObject) and node.idnum not in self.mapping:
                resolved = node.get_object()
                if isinstance(resolved, DictionaryObject) and resolved.get("/Type") == "/Pages":
                    self.mapping[node.idnum] = pages_root
                    stack.extend(_as_list(resolved.raw_get("/Kids")))

    def _resources(self, value: PdfObject) -> PdfObject:
        """A page's resources as pypdf objects, down to the font (and other) dictionaries."""
        return self._editable(value, lambda resources: DictionaryObject({
            key: self._editable(item, self.translate) if key in RESOURCE_CATEGORIES else self.translate(item)
            for key, item in resources.items()}))

    def _editable(self, value: PdfObject, build: Callable[[DictionaryObject], PdfObject]) -> PdfObject:
        if not isinstance(value, IndirectObject):
            return build(value) if isinstance(value, DictionaryObject) else self.translate(value)
        if value.idnum in self.mapping:  # shared by several pages: one copy
            return IndirectObject(self.mapping[value.idnum], 0, self.writer)
        resolved = value.get_object()
        if not isinstance(resolved, DictionaryObject) or isinstance(resolved, StreamObject):
            return self.translate(value)
        new = self.reserve(value.idnum)
        return self.place(new, build(resolved))

    def _annotation(self, value: PdfObject) -> PdfObject:
        if isinstance(value, IndirectObject):
            if value.idnum not in self.mapping:
                self.annotations.add(value.idnum)
            return self.translate(value)
        annotation = self.translate(value)  # a direct one, against the rules
        if isinstance(annotation, DictionaryObject) and "/StructParent" in annotation:
            annotation[NameObject("/StructParent")] = NumberObject(self._shift(int(annotation["/StructParent"])))
        return annotation

    def _shift(self, key: int) -> int:
        self.span = max(self.span, key + 1)
        return key + self.offset

    # -- copying as text

    def drain(self) -> None:
        """Copy every object numbered and not copied yet (copying numbers more)."""
        pending, mapping, objects, stored = self.pending, self.mapping, self.writer._objects, self.reader.xref_objStm
        while pending:
            old = pending.pop()
            new = mapping[old]
            text = self.part.stored_text(old) if old in stored else self.part.text(old)
            if text is None:
                obj = self.reader.get_object(old)
                if isinstance(obj, StreamObject):
                    self._copy_stream(obj, new)
                continue  # missing: it stays null
            if (b"/Page" in text or b"/Catalog" in text) and _PAGE_TREE.search(text) \
                    and _is_page_tree(self.reader.get_object(old)):
                continue  # not to be copied from here: null too
            self._current = new
            tokens = _ANNOTATION_TOKENS if old in self.annotations else _TOKENS
            objects[new - 1].text = tokens.sub(self._replace, text)

    def _replace(self, match: re.Match) -> bytes:
        kind = match.lastgroup
        if kind == "ref":
            old = int(match["ref"])
            new = self.mapping.get(old)
            return b"%d 0 R" % (self.number(old) if new is None else new)
        if kind == "key":
            return b"/StructParent %d" % self._shift(int(match["key"]))
        if kind == "id":
            self.ids.append((match["id"], self._current))
            self.marked.append(self.writer._objects[self._current - 1])
        elif kind == "headers":
            self.marked.append(self.writer._objects[self._current - 1])
        elif kind == "dest":
            self.links.add(match["dest"])
        return match[0]

    def _copy_stream(self, stream: StreamObject, new: int) -> None:
        """A stream with its data as it is (compressed or not); only its dictionary translated."""
        copy = stream.__class__()
        for key, value in stream.items():
            if key != "/Length":  # written anew, and may be an indirect object
                copy[key] = self.translate(value)
        copy._data = stream._data
        self.place(new, copy)

    # -- parent tree

    def parent_tree(self, tree: DictionaryObject) -> bytes:
        """The part's parent tree as entries of ours: keys shifted, references renumbered."""
        node = tree.raw_get("/ParentTree") if "/ParentTree" in tree else None
        text = self.part.text(node.idnum) if isinstance(node, IndirectObject) else None
        entries = self._parent_tree_text(text) if text is not None and b"/Kids" not in text else None
        if entries is not None:
            return entries
        buffer = io.BytesIO()  # not one node of sorted keys as WeasyPrint writes it: pypdf reads it
        leaves = [(int(key), value) for key, value in _tree_pairs(node, "/Nums")]
        for key, value in sorted(leaves, key=lambda entry: entry[0]):
            buffer.write(b"%d " % self._shift(key))
            self.translate(value).write_to_stream(buffer)
            buffer.write(b"\n")
        return buffer.getvalue()

    def _parent_tree_text(self, text: bytes) -> bytes | None:
        """The entries of a parent tree node's /Nums array (None if it is not as expected)."""
        start = re.search(rb"/Nums\s*\[", text)
        if start is None:
            return None
        out: list[bytes] = []
        depth, expect_key, last, end = 0, True, -1, start.end()
        for match in _NUMS_TOKENS.finditer(text, end):
            if match.start() != end:
                return None  # something not understood in between
            end, kind = match.end(), match.lastgroup
            if kind == "close" and depth == 0:
                return b" ".join(out) if expect_key else None
            if depth == 0 and expect_key:
                key = int(match["int"]) if kind == "int" else -1
                if key <= last:
                    return None  # a key that is not a number, or keys out of order
                out.append(b"%d" % self._shift(key))
                expect_key, last = False, key
                continue
            out.append(b"%d 0 R" % self.number(int(match["ref"])) if kind == "ref" else match[0].strip())
            depth += (kind == "open") - (kind == "close")
            expect_key = depth == 0
        return None

    # -- element identifiers

    def prefix_ids(self, prefix: str) -> None:
        """Prefix the part's element identifiers, and the cells' references to them."""
        def replace(match: re.Match) -> bytes:
            kind = match.lastgroup
            if kind == "id":
                return b"/ID " + _prefixed_token(match["id"], prefix)
            if kind == "headers":
                inner = re.sub(_STRING, lambda m: _prefixed_token(m[0], prefix), match["headers"])
                return b"/Headers [" + inner + b"]"
            return match[0]
        for obj in dict.fromkeys(self.marked):  # each once, in order
            obj.text = _ID_TOKENS.sub(replace, obj.text)
        self.ids = [(_prefixed_token(token, prefix), number) for token, number in self.ids]


def _prefixed_token(token: bytes, prefix: str) -> bytes:
    """A string token (as written) with `prefix` (ASCII) put before its text."""
    if _PLAIN_STRING.match(token):
        return b"(" + prefix.encode() + token[1:]
    value = _string(token)
    value = TextStringObject(prefix + str(value)) if isinstance(value, TextStringObject) else \
        ByteStringObject(prefix.encode() + bytes(value))
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


def _string(token: bytes) -> TextStringObject | ByteStringObject:
    """A string token as written in a PDF, read."""
    return read_object(io.BytesIO(token), None)


def _string_key(token: bytes) -> bytes:
    """A string token's bytes, however it is written (names and identifiers sort as bytes)."""
    if _PLAIN_STRING.match(token):
        return token[1:-1]
    value = _string(token)
    return value.get_encoded_bytes() if isinstance(value, TextStringObject) else bytes(value)


def _is_page_tree(obj: PdfObject | None) -> bool:
    return isinstance(obj, DictionaryObject) and obj.get("/Type") in ("/Page", "/Pages", "/Catalog")


def _name(value: PdfObject) -> str:
    """A destination name as the build spells it (a string the PDF way, or bytes no encoding reads)."""
    return str(value) if isinstance(value, TextStringObject) else bytes(value).decode("latin-1")


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _as_list(value: PdfObject | None) -> list[PdfObject]:
    """An entry that may be one object or an array of them (/K, /A...), as a list."""
    value = _resolved(value)
    if value is None or isinstance(value, NullObject):
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]


# ---- Structure tree ------------------------------------------------------------------------------

class _Structure:
    """The joined structure tree, built part by part."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = writer._add_object(self.root)
        self.top_ref: IndirectObject | None = None  # made from the first part's top element
        self.kids = ArrayObject()
        self.part_kids: dict[int, list[PdfObject]] = {}  # by part index: the top element's kids, in order at the end
        self.nums: list[bytes] = []  # the merged parent tree's entries (one flat /Nums array, sorted), part by part
        self.next_key = 0  # the first parent-tree key of the next part
        self.maps: dict[str, DictionaryObject] = {}  # merged /RoleMap and /ClassMap
        self.namespaces = ArrayObject()
        self.ids: dict[bytes, tuple[PdfObject, IndirectObject]] = {}  # element /ID -> (as written, element)

    def add_part(self, copier: _Copier) -> None:
        part = copier.part
        tree = _resolved(part.reader.root_object.get("/StructTreeRoot"))
        if not isinstance(tree, DictionaryObject):
            raise JoinError(f"part {part.index + 1} of the book is not a tagged PDF (it has no structure tree)")
        top, kids = _top_element(tree)
        if self.top_ref is None:
            self._make_top(copier, top)
        # The part's root and top element stand for ours: the /P of its elements lead into the
        # joined tree, and the part's own root and top element are never copied.
        if tree.indirect_reference is not None:
            copier.mapping[tree.indirect_reference.idnum] = (self.root_ref if top is not None else self.top_ref).idnum
        if top is not None and top.indirect_reference is not None:
            copier.mapping[top.indirect_reference.idnum] = self.top_ref.idnum
        self.part_kids[part.index] = [copier.translate(kid) for kid in kids]
        self.nums.append(copier.parent_tree(tree))
        self.namespaces.extend(copier.translate(namespace) for namespace in _as_list(tree.get("/Namespaces")))
        for key in ("/RoleMap", "/ClassMap"):
            source = _resolved(tree.get(key))
            if isinstance(source, DictionaryObject):
                merged = self.maps.setdefault(key, DictionaryObject())
                for name, value in source.items():
                    if name not in merged:  # the first part's meaning of a name wins
                        merged[NameObject(name)] = copier.translate(value)
        copier.drain()
        self._collect_ids(copier)
        self.next_key += max(copier.span, int(_resolved(tree.get("/ParentTreeNextKey")) or 0))

    def _make_top(self, copier: _Copier, top: DictionaryObject | None) -> None:
        """Our top element: a copy of the first part's (its type, /Lang, /NS...) without kids."""
        element = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                    NameObject("/S"): NameObject("/Document")})
        for key, value in (top or {}).items():
            if key not in ("/K", "/P", "/Pg", "/ID"):
                element[NameObject(key)] = copier.translate(value)
        element[NameObject("/P")] = self.root_ref
        element[NameObject("/K")] = self.kids
        self.top_ref = self.writer._add_object(element)

    def _collect_ids(self, copier: _Copier) -> None:
        """Gather the part's element identifiers (/ID) for the /IDTree.

        WeasyPrint names table headers after its own object numbers, which repeat from part to
        part; a part whose identifiers clash with an earlier part's gets them all prefixed,
        with the /Headers of its cells that refer to them."""
        if any(_string_key(token) in self.ids for token, _ in copier.ids):
            copier.prefix_ids(f"p{copier.part.index + 1}-")
        for token, number in copier.ids:
            self.ids.setdefault(_string_key(token), (TextObject(token), IndirectObject(number, 0, self.writer)))

    def finish(self) -> None:
        for index in sorted(self.part_kids):
            self.kids.extend(self.part_kids[index])
        root = self.root
        root[NameObject("/K")] = self.top_ref
        entries = b"\n".join(part for part in self.nums if part)
        root[NameObject("/ParentTree")] = self.writer._add_object(TextObject(b"<</Nums [" + entries + b"]>>"))
        root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        for key, merged in self.maps.items():
            root[NameObject(key)] = merged
        if self.namespaces:
            root[NameObject("/Namespaces")] = self.namespaces
        if self.ids:  # required whenever elements have identifiers (ISO 32000-1, 14.7.2)
            names = ArrayObject()
            for key in sorted(self.ids):
                names.extend(self.ids[key])
            root[NameObject("/IDTree")] = self.writer._add_object(DictionaryObject({NameObject("/Names"): names}))
        self.writer._root_object[NameObject("/StructTreeRoot")] = self.root_ref


def _top_element(tree: DictionaryObject) -> tuple[DictionaryObject | None, list[PdfObject]]:
    """The part's top element and the kids to move into ours.

    WeasyPrint writes one /Document element holding elements only: its kids move. A part whose
    root holds several elements, or whose top element holds content of its own (marked content
    needs that element's /Pg), moves whole instead."""
    top = _as_list(tree.get("/K"))
    if len(top) == 1 and isinstance(element := _resolved(top[0]), DictionaryObject):
        kids = _as_list(element.get("/K"))
        if all(isinstance(kid, IndirectObject) for kid in kids):
            return element, kids
    return None, top


def _tree_pairs(node: PdfObject | None, key: str) -> Iterator[tuple[PdfObject, PdfObject]]:
    """The (key, value) leaves of a number tree (`key` "/Nums") or a name tree ("/Names")."""
    node = _resolved(node)
    if not isinstance(node, DictionaryObject):
        return
    pairs = _as_list(node.get(key))
    for index in range(0, len(pairs) - 1, 2):
        yield pairs[index], pairs[index + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _tree_pairs(kid, key)


# ---- Named destinations --------------------------------------------------------------------------

class _Destinations:
    """One name tree: each name from the part that owns it, or else from the first that has it.

    Gathered part by part, as each is copied: a destination is translated at once (its page
    reference lands on the joined page), so no part has to stay open until the end. The
    placeholders of the parts that do not own a name are left behind."""

    def __init__(self, owners: dict[str, int]) -> None:
        self.owners = owners
        self.chosen: dict[str, tuple[int, PdfObject, PdfObject]] = {}  # name -> (part, key, value)
        self.links: set[str] = set()  # the names links lead to

    def add(self, copier: _Copier) -> None:
        index = copier.part.index
        names = _resolved(copier.reader.root_object.get("/Names"))
        if isinstance(names, DictionaryObject):
            for key, value in _tree_pairs(names.get("/Dests"), "/Names"):
                name = _name(key)
                held, owner = self.chosen.get(name), self.owners.get(name)
                if held is None or (held[0] != owner and (index == owner or index < held[0])):
                    self.chosen[name] = (index, key, copier.translate(value))
        self.links.update(_name(_string(token)) for token in copier.links)

    def write(self, writer: PdfWriter) -> None:
        if missing := sorted(self.links.difference(self.chosen)):
            raise JoinError(f"links in the book lead to anchors no part has: {', '.join(missing[:5])}")
        if not self.chosen:
            return
        array = ArrayObject()
        # Sorted by the names' bytes, as the spec says (one flat node is a valid name tree).
        for _, key, value in sorted(self.chosen.values(), key=lambda entry: _string_bytes(entry[1])):
            array.extend([key, value])
        dests = writer._add_object(DictionaryObject({NameObject("/Names"): array}))
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): dests})


def _string_bytes(value: PdfObject) -> bytes:
    return value.get_encoded_bytes() if isinstance(value, TextStringObject) else bytes(value)


# ---- Document properties, outline, page labels ---------------------------------------------------

def _copy_document_properties(writer: PdfWriter, first: _Copier) -> None:
    """The first part's language, tagging flags, viewer preferences, XMP and document info."""
    catalog = first.reader.root_object
    for key in CATALOG_KEYS:
        if key in catalog:
            writer._root_object[NameObject(key)] = first.translate(catalog.raw_get(key))
    info = _resolved(first.reader.trailer.get("/Info"))
    if isinstance(info, DictionaryObject):
        writer._info.clear()  # pypdf's own "/Producer pypdf" gives way to the part's producer
        for key, value in info.items():
            writer._info[NameObject(key)] = first.translate(value)


def _write_outline(writer: PdfWriter, entries: list[OutlineEntry]) -> None:
    """Bookmarks, open, each fitting its page in the window (built by hand: linear time)."""
    if not entries:
        return
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    root_ref = writer._add_object(root)
    root[NameObject("/Count")] = NumberObject(_outline_items(writer, entries, root, root_ref))
    writer._root_object[NameObject("/Outlines")] = root_ref
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")


def _outline_items(writer: PdfWriter, entries: Iterable[OutlineEntry], parent: DictionaryObject,
                   parent_ref: IndirectObject) -> int:
    """Add `entries` under `parent`; returns how many items are visible under it."""
    pages = writer.pages
    visible = 0
    previous: tuple[DictionaryObject, IndirectObject] | None = None
    for entry in entries:
        if not 0 <= entry.page < len(pages):
            raise JoinError(f"bookmark {entry.title!r} is on page {entry.page + 1} of a {len(pages)}-page book")
        item = DictionaryObject({
            NameObject("/Title"): TextStringObject(entry.title),
            NameObject("/Parent"): parent_ref,
            NameObject("/Dest"): ArrayObject([pages[entry.page].indirect_reference, NameObject("/Fit")]),
        })
        item_ref = writer._add_object(item)
        if previous is None:
            parent[NameObject("/First")] = item_ref
        else:
            previous[0][NameObject("/Next")] = item_ref
            item[NameObject("/Prev")] = previous[1]
        previous = (item, item_ref)
        visible += 1
        if entry.children:
            count = _outline_items(writer, entry.children, item, item_ref)
            item[NameObject("/Count")] = NumberObject(count)  # positive: open
            visible += count
    if previous is not None:
        parent[NameObject("/Last")] = previous[1]
    return visible


def _write_page_labels(writer: PdfWriter, page_labels: list[tuple[int, str, int]]) -> None:
    """The catalog's /PageLabels number tree (one flat node); page 0 must have a label."""
    if not page_labels:
        return
    count = len(writer.pages)
    labels: dict[int, DictionaryObject] = {0: DictionaryObject({NameObject("/S"): NameObject("/D")})}
    for first, style, start in page_labels:
        if style not in LABEL_STYLES or not 0 <= first < count or start < 1:
            raise JoinError(f"page label {(first, style, start)!r} does not fit a {count}-page book")
        label = DictionaryObject()
        if style:
            label[NameObject("/S")] = NameObject(style)
        if start != 1:
            label[NameObject("/St")] = NumberObject(start)
        labels[first] = label
    nums = ArrayObject()
    for first in sorted(labels):
        nums.extend([NumberObject(first), labels[first]])
    writer._root_object[NameObject("/PageLabels")] = writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))


# ---- Identity and writing ------------------------------------------------------------------------

def _document_id(digests: list[bytes], outline: list[OutlineEntry], page_labels: list[tuple[int, str, int]],
                 anchor_owner: dict[str, int] | None) -> bytes:
    """A file identifier from the inputs only (pypdf would draw a random one): the parts' MD5s."""
    digest = hashlib.md5(usedforsecurity=False)
    for part_digest in digests:
        digest.update(part_digest)
    digest.update(repr((outline, page_labels, sorted((anchor_owner or {}).items()))).encode())
    return digest.digest()
