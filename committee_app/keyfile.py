"""Key files in ``instance/``: created once, readable only by the owner, shared by every worker."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_once(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it exists. The text goes to a temporary file (mode 600)
    that is hard-linked into place, so a worker starting at the same moment either links first
    or keeps the winner's file."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    tmp.write_text(text)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
