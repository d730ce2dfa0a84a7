"""On-disk layout of the index root, and the atomic publish of a new version.

    <root>/versions/<version>/manifest.json + artifacts
    <root>/current            a one-line pointer file naming the live version
    <root>/encoders/          the encoder exported for ONNX Runtime, once per model

A build writes into `versions/.staging-*`, renames the finished folder into place and
only then replaces `current` with os.replace, so readers see the old version or the
new one, never a half-written index.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

VERSIONS = "versions"
CURRENT = "current"


def encoder_cache(root: Path) -> Path:
    return root / "encoders"


def staging_dir(root: Path) -> Path:
    (root / VERSIONS).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".staging-", dir=root / VERSIONS))


def finalize(root: Path, staging: Path, version: str) -> Path:
    """Move a complete staging folder to its version name and make it live."""
    final = root / VERSIONS / version
    staging.rename(final)
    publish(root, version)
    return final


def write_version(root: Path, version: str, write: Callable[[Path], None]) -> Path:
    """Have `write` fill a staging folder, then publish it as `version`; nothing is left on failure."""
    staging = staging_dir(root)
    try:
        write(staging)
        return finalize(root, staging, version)
    except BaseException:
        discard(staging)
        raise


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(root: Path, version: str) -> None:
    if not (root / VERSIONS / version / "manifest.json").is_file():
        raise FileNotFoundError(f"no complete version {version!r} under {root / VERSIONS}")
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=root)
    with os.fdopen(fd, "w") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / CURRENT)


def current_version(root: Path) -> str | None:
    try:
        name = (root / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def pointer_stamp(root: Path) -> tuple[int, int] | None:
    """Cheap change detector for `current`: (inode, mtime_ns); os.replace changes the inode."""
    try:
        st = os.stat(root / CURRENT)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns
