"""Installed size of a package with its runtime dependencies, on disk and zipped.

The files are those each distribution's RECORD lists, without `__pycache__`,
`.pyc` files and console scripts outside site-packages, because a deployment
zip (for example an AWS Lambda layer made with `pip install -t`) ships the same
set. An editable install lists no package files, so its package directory is
walked instead. Sizes are apparent file sizes in bytes; zipped is a deflate zip
at zlib's default level, as `zip -r` makes.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement


@dataclass(frozen=True)
class Footprint:
    distributions: tuple[str, ...]
    file_count: int
    disk_bytes: int
    zip_bytes: int


def runtime_closure(name: str) -> list[str]:
    """Return `name` and every distribution it needs at run time, in discovery order."""
    seen: list[str] = []
    pending = [name]
    while pending:
        current = pending.pop(0)
        dist = importlib.metadata.distribution(current)
        canonical = dist.metadata["Name"]
        if canonical.lower() in (known.lower() for known in seen):
            continue
        seen.append(canonical)
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            pending.append(requirement.name)
    return seen


def installed_files(name: str) -> list[tuple[Path, str]]:
    """Return (path, archive name) for each shipped file of one distribution."""
    dist = importlib.metadata.distribution(name)
    files = []
    for record in dist.files or ():
        if record.parts[0] == ".." or record.name.startswith("__editable__"):
            continue
        if "__pycache__" in record.parts or record.suffix == ".pyc":
            continue
        path = Path(str(record.locate()))
        if path.is_file():
            files.append((path, record.as_posix()))

    package = name.replace("-", "_")
    if not any(archive_name.startswith(f"{package}/") for _, archive_name in files):
        files.extend(_package_directory_files(package))
    return files


def _package_directory_files(package: str) -> list[tuple[Path, str]]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    return [
        (path, f"{package}/{path.relative_to(root).as_posix()}")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


def footprint(name: str) -> Footprint:
    distributions = runtime_closure(name)
    files = [entry for dist in distributions for entry in installed_files(dist)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, archive_name in files:
            archive.write(path, archive_name)
    return Footprint(
        distributions=tuple(distributions),
        file_count=len(files),
        disk_bytes=sum(path.stat().st_size for path, _ in files),
        zip_bytes=len(buffer.getvalue()),
    )


if __name__ == "__main__":
    for top in ("bedrockpage", "boto3"):
        print(footprint(top))
