"""A small valid PDF, signed, stored instead of a rendered one.

Rendering 100,000 decisions with WeasyPrint (about 0.7 s each) would take most of a
day, and signing each (about 0.07 s) most of two hours; the generator renders and
signs a few through the real service and stores one signed page for all the rest,
with its SHA-256 and record seals computed over those bytes exactly as the service
computes them over a rendered PDF.
"""

from __future__ import annotations

import datetime as dt
import functools

from core import signing

PLACEHOLDER_REFERENCE = "Generated decisions"
PLACEHOLDER_TITLE = "This one signed document stands for every generated decision's PDF."
PLACEHOLDER_REASON = "Generated for benchmarking: stands for every generated decision"


def _pdf_text(text: str) -> str:
    """A PDF string literal in the standard fonts' Latin-1 encoding."""
    text = text.encode("latin-1", "replace").decode("latin-1")
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def placeholder_pdf(*, reference: str, title: str) -> bytes:
    lines = [reference, title[:90], title[90:180], "Generated for benchmarking."]
    stream = (
        "BT /F1 12 Tf 72 760 Td 16 TL "
        + " ".join(f"{_pdf_text(line)} Tj T*" for line in lines if line)
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out += trailer.encode()
    return bytes(out)


def placeholder_signed(signed_at: dt.datetime) -> bytes:
    """The one placeholder, signed by the organisation at `signed_at` (the first
    generated day); made once per process and signing identity, so that runs of one
    seed in one process store the same bytes (a signature's file ID is random)."""
    return _placeholder_signed(signed_at, signing.organisation_signer_name())


@functools.lru_cache(maxsize=2)
def _placeholder_signed(signed_at: dt.datetime, signer: str) -> bytes:
    content = placeholder_pdf(reference=PLACEHOLDER_REFERENCE, title=PLACEHOLDER_TITLE)
    return signing.pdf_sign(content, reason=PLACEHOLDER_REASON, signed_at=signed_at)
