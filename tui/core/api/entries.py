"""Tracking slices decoded by msgspec into untracked structs: no dict per entry."""

from __future__ import annotations

import msgspec


class Entry(msgspec.Struct, gc=False, forbid_unknown_fields=True, rename="camel"):
    """A tracking entry as documented (api.md §2.2). Unknown keys are refused rather than
    skipped: msgspec skips a value without checking its UTF-8 or its depth, where
    `json.loads` raises, so a skipped value could change the result."""

    mobile_number: str | None = None
    status_code: str | None = None
    message: str | None = None
    standard_status_code: str | None = None
    description: str | None = None


decode = msgspec.json.Decoder(list[Entry]).decode
"""The entries of one `[…]` slice; ValueError (a msgspec.DecodeError) when it is not a
list of documented entries with text or null values."""
