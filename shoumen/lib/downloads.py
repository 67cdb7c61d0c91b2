"""A file made for download: its bytes, its name in the user's words and an ASCII name for
clients that read only plain ASCII, and the Content-Disposition that carries both."""

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str  # in the user's words (Chinese)
    ascii_filename: str  # the same, for clients that read only plain ASCII names
    content_type: str

    @property
    def disposition(self) -> str:
        """attachment, with an ASCII name and the real one (RFC 6266 / RFC 5987)."""
        return (
            f'attachment; filename="{self.ascii_filename}"; '
            f"filename*=UTF-8''{quote(self.filename)}"
        )
