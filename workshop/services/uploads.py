"""Request bodies of tens of MB (customer data exports) taken to disk, never held by the hub.

A 100,000-row export arrives as ~26 MB of JSON whose `content_base64` is the CSV. Parsing
that body on the hub, and pickling its 20 MB string to a worker, held every other request
of the process for ~45 ms per import (docs/performance.md,
"Customer data imports beside a live workshop").
Instead the hub copies the body to a private temporary file in small chunks, yielding
between them, and a worker parses it: it writes the decoded file beside the body and sends
back only the other, small fields. Both files go when the request ends.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from workshop.services.errors import ServiceError

# Small enough that copying one chunk takes well under a millisecond of the hub.
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Unpacked:
    """A body's small fields, and its file decoded to disk (None when the field is absent)."""

    fields: dict
    content: Path | None


@contextmanager
def unpacked(offload, stream: BinaryIO, limit: int, field: str,
             owner=None) -> Iterator[Unpacked]:
    """Spool `stream` (a JSON object) to disk and unpack it in a worker: its fields but
    `field`, and `field`'s base64 decoded into a file that lives as long as this block."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-upload-"))  # mode 0700: ours alone
    try:
        body, content = folder / "body.json", folder / "content"
        spool(stream, body, limit)
        fields, found = offload.run(unpack, str(body), field, str(content), owner=owner)
        body.unlink()
        yield Unpacked(fields, content if found else None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spool(stream: BinaryIO, target: Path, limit: int) -> int:
    """Copy `stream` to `target` chunk by chunk, letting other requests run between chunks;
    refuse with `too_large` past `limit` bytes. Returns the bytes written."""
    written = 0
    with open(target, "wb") as out:
        while chunk := stream.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit:
                raise ServiceError("too_large", f"the request body is larger than "
                                                f"{limit // 1024:,} KiB")
            out.write(chunk)
            # Monkey-patched under eventlet and gevent: a switch to the hub, whose other
            # requests run before the next chunk is read (a no-op wait in threading mode).
            time.sleep(0)
    return written


def unpack(body: str, field: str, content: str) -> tuple[dict, bool]:
    """In a worker: parse the JSON object in `body`, decode its base64 `field` into the file
    `content`; (the other fields, whether `field` was there). Refuses what is not JSON, not
    an object, or whose `field` is not base64 text, with `invalid` naming the field."""
    try:
        with open(body, "rb") as source:
            parsed = json.load(source)
    except (ValueError, RecursionError):
        raise ServiceError("invalid", "the body must be a JSON object") from None
    if not isinstance(parsed, dict):
        raise ServiceError("invalid", "the body must be a JSON object")
    if field not in parsed:
        return parsed, False
    encoded = parsed.pop(field)
    if not isinstance(encoded, str) or not encoded:
        raise ServiceError("invalid", f"{field}: must be base64 text")
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("invalid", f"{field}: not valid base64") from None
    with open(content, "wb") as out:
        out.write(decoded)
    return parsed, True
