"""Writing a PDF built with pypdf's writer: object streams, a cross-reference stream, no lag.

pypdf's writer has no object streams, and a tagged book without them is five times bigger (its
structure tree is most of its objects). Objects that are done early (the join's parts, one by
one) are packed and compressed as soon as they are final, so a long book is never held in
memory as plain text; the file is written straight to disk. Nothing here depends on time or
chance: the same objects give the same bytes.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from array import array
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject, PdfObject, StreamObject

from ..errors import writing

OBJECTS_PER_STREAM = 200  # small object streams: a reader parses a whole one to get one object


class TextObject(PdfObject):
    """An object kept as its PDF text, written back as it is."""

    __slots__ = ("text",)

    def __init__(self, text: bytes = b"null") -> None:
        self.text = text

    def write_to_stream(self, stream, encryption_key=None) -> None:  # noqa: ANN001 - pypdf's signature
        stream.write(self.text)


class PackedObjects:
    """Objects of a writer that will not change again, already in compressed object streams.

    A packed object's slot in `writer._objects` becomes None (pypdf's writer skips those), so
    its text can be freed; the stream it went into is written with the rest."""

    def __init__(self) -> None:
        self.streams: list[tuple[list[int], bytes, int]] = []  # (object numbers, compressed data, /First)

    def pack(self, writer: PdfWriter, start: int) -> None:
        """Pack the text objects numbered after `start` (every number up to the writer's last)."""
        objects = writer._objects
        texts: list[tuple[int, bytes]] = []
        for number in range(start + 1, len(objects) + 1):
            obj = objects[number - 1]
            if type(obj) is TextObject:
                texts.append((number, obj.text))
                objects[number - 1] = None
        self.streams.extend(_object_streams(texts))


def _object_streams(texts: list[tuple[int, bytes]]) -> list[tuple[list[int], bytes, int]]:
    """(object numbers, compressed data, /First) of object streams holding `texts`, in order."""
    streams = []
    for at in range(0, len(texts), OBJECTS_PER_STREAM):
        batch = texts[at:at + OBJECTS_PER_STREAM]
        offsets, position = [], 0
        for number, text in batch:
            offsets.append(b"%d %d" % (number, position))
            position += len(text) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(text for _, text in batch) + b"\n")
        streams.append(([number for number, _ in batch], data, len(head)))
    return streams


def write_pdf(writer: PdfWriter, header: str, target: Path, packed: PackedObjects | None = None) -> None:
    """Write the writer's objects to `target`, through a sibling file renamed when complete, so
    that a reader never sees half a book. Raises OSError."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with writing(partial), partial.open("wb") as out:
            _serialize(writer, header, packed or PackedObjects(), out)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _serialize(writer: PdfWriter, header: str, packed: PackedObjects, out: BinaryIO) -> None:
    """Streams at the top level (compressed if pypdf left them plain), every other object in an
    object stream; then the cross-reference stream."""
    out.write(header.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    objects = writer._objects
    entries = _CrossReferences(len(objects) + 1)
    next_number = len(objects) + 1  # object streams and the cross-reference stream come after

    def top_level(number: int, obj: PdfObject) -> None:
        entries.set(number, 1, out.tell(), 0)
        out.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")

    def object_stream(numbers: list[int], data: bytes, first: int) -> None:
        nonlocal next_number
        number, next_number = next_number, next_number + 1
        for index, idnum in enumerate(numbers):
            entries.set(idnum, 2, number, index)
        stream = StreamObject()
        stream.set_data(data)
        stream.update({
            NameObject("/Type"): NameObject("/ObjStm"), NameObject("/N"): NumberObject(len(numbers)),
            NameObject("/First"): NumberObject(first), NameObject("/Filter"): NameObject("/FlateDecode"),
        })
        top_level(number, stream)

    rest: list[tuple[int, bytes]] = []
    for number, obj in enumerate(objects, 1):
        if isinstance(obj, StreamObject):
            top_level(number, _compressed(obj))
        elif isinstance(obj, TextObject):
            rest.append((number, obj.text))
        elif obj is not None:
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            rest.append((number, buffer.getvalue()))
    for stream in [*packed.streams, *_object_streams(rest)]:
        object_stream(*stream)
    _write_xref_stream(writer, out, entries, next_number)


def _compressed(stream: StreamObject) -> StreamObject:
    """A plain stream pypdf made (the page numbers stamped on) compressed; XMP stays plain."""
    if "/Filter" in stream or stream.get("/Type") == "/Metadata":
        return stream
    return stream.flate_encode()


class _CrossReferences:
    """Each object's (type, offset or stream, generation or index), in compact arrays: a book
    has half a million objects, too many for a list of tuples."""

    def __init__(self, size: int) -> None:
        self.kinds = array("B", [0]) * size
        self.places = array("Q", [0]) * size
        self.thirds = array("I", [0]) * size
        self.thirds[0] = 65535  # object 0: the head of the free list

    def __len__(self) -> int:
        return len(self.kinds)

    def set(self, number: int, kind: int, place: int, third: int) -> None:
        if number >= len(self.kinds):
            grow = number + 1 - len(self.kinds)
            for column in (self.kinds, self.places, self.thirds):
                column.extend([0] * grow)
        self.kinds[number], self.places[number], self.thirds[number] = kind, place, third

    def rows(self, width: int) -> bytes:
        row = struct.Struct(">BIH" if width == 4 else ">BQH")
        return b"".join(row.pack(*entry) for entry in zip(self.kinds, self.places, self.thirds))


def _write_xref_stream(writer: PdfWriter, out: BinaryIO, entries: _CrossReferences, number: int) -> None:
    position = out.tell()
    entries.set(number, 1, position, 0)
    width = 4 if position < 2 ** 32 else 8
    stream = StreamObject()
    stream.set_data(zlib.compress(entries.rows(width)))
    stream.update({
        NameObject("/Type"): NameObject("/XRef"), NameObject("/Size"): NumberObject(len(entries)),
        NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(width), NumberObject(2)]),
        NameObject("/Root"): writer._root_object.indirect_reference, NameObject("/Filter"): NameObject("/FlateDecode"),
    })
    if writer._info is not None:
        stream[NameObject("/Info")] = writer._info.indirect_reference
    if writer._ID is not None:
        stream[NameObject("/ID")] = writer._ID
    out.write(b"%d 0 obj\n" % number)
    stream.write_to_stream(out)
    out.write(b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % position)
