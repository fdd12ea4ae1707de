"""`make lambda-zip`: build dist/bedrockpage-lambda.zip and compare its size with boto3's.

The zip contains bedrockpage, its runtime dependencies (httpx and what httpx
needs) and `examples/lambda_handler.py` as `lambda_handler.py`, all at the zip
root, so the Lambda handler setting is `lambda_handler.handler`.

Packages are installed with `pip install --target` from this checkout and the
package index pip is configured with. When pip fails (no network, for
example), the installed distributions are copied from this interpreter's
site-packages instead (`--mode copy` forces that). For comparison, boto3,
botocore and their dependencies are gathered and zipped the same way, at the
versions installed here.

The zip is reproducible: sorted entries, fixed timestamps, no `__pycache__`.
NOTE: dependencies are taken for this interpreter's platform; httpx and its
dependencies are pure Python, so the zip runs on Lambda's Python runtimes too.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "dist" / "bedrockpage-lambda.zip"
HANDLER = ROOT / "examples" / "lambda_handler.py"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
SKIPPED_PARTS = {"__pycache__", "bin"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
# pip records where a local install came from, a path on the build machine.
SKIPPED_NAMES = {"direct_url.json"}
PIP_TIMEOUT_SECONDS = "30"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Zip file to write.")
    parser.add_argument(
        "--mode",
        choices=("auto", "pip", "copy"),
        default="auto",
        help="auto: pip, then copying from site-packages if pip fails (default).",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bedrockpage-lambda-") as scratch:
        ours_dir = Path(scratch) / "bedrockpage"
        ours_how = gather(["bedrockpage"], [str(ROOT)], ours_dir, args.mode)
        shutil.copyfile(HANDLER, ours_dir / "lambda_handler.py")
        write_zip(ours_dir, args.output)

        theirs_dir = Path(scratch) / "boto3"
        boto3_version = importlib.metadata.version("boto3")
        theirs_how = gather(["boto3"], [f"boto3=={boto3_version}"], theirs_dir, args.mode)
        theirs_zip = Path(scratch) / "boto3.zip"
        write_zip(theirs_dir, theirs_zip)

        ours_size = args.output.stat().st_size
        theirs_size = theirs_zip.stat().st_size
        print(f"{display_path(args.output)}: {format_size(ours_size)} ({ours_how})")
        print(f"  {', '.join(top_level_names(ours_dir))}")
        print(
            f"boto3 {boto3_version} + dependencies, zipped the same way: "
            f"{format_size(theirs_size)} ({theirs_how})"
        )
        print(f"  {', '.join(top_level_names(theirs_dir))}")
        print(f"boto3's zip is {theirs_size / ours_size:.1f} times the size of this one")
    return 0


# -- gathering packages -------------------------------------------------------------


def gather(roots: list[str], pip_specs: list[str], target: Path, mode: str) -> str:
    """Fill `target` with `roots` and their runtime dependencies; return how it was done."""
    if mode in ("auto", "pip"):
        error = pip_install(pip_specs, target)
        if error is None:
            return "pip install --target"
        if mode == "pip":
            raise SystemExit(f"pip install failed: {error}")
        print(f"pip install failed ({error}); copying from site-packages instead", file=sys.stderr)
        shutil.rmtree(target, ignore_errors=True)

    copy_installed(roots, target)
    return "copied from site-packages"


def pip_install(specs: list[str], target: Path) -> str | None:
    """Run `pip install --target`; return None on success, else the last line pip printed."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--disable-pip-version-check",
        "--timeout",
        PIP_TIMEOUT_SECONDS,
        "--target",
        str(target),
        *specs,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode == 0:
        remove_unneeded(target)
        return None
    lines = (completed.stderr or completed.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {completed.returncode}"


def remove_unneeded(target: Path) -> None:
    for path in sorted(target.rglob("*"), reverse=True):
        if path.name in SKIPPED_PARTS and path.is_dir():
            shutil.rmtree(path)
        elif path.suffix in SKIPPED_SUFFIXES or path.name in SKIPPED_NAMES:
            path.unlink()


def copy_installed(roots: list[str], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(runtime_closure(roots)):
        if canonical(name) == "bedrockpage":
            # The development install is editable: copy the package from this checkout.
            shutil.copytree(
                ROOT / "bedrockpage",
                target / "bedrockpage",
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            continue
        copy_distribution(importlib.metadata.distribution(name), target)


def copy_distribution(dist: importlib.metadata.Distribution, target: Path) -> None:
    for relative in dist.files or []:
        parts = Path(relative).parts
        if parts[0] == ".." or SKIPPED_PARTS & set(parts) or relative.suffix in SKIPPED_SUFFIXES:
            continue
        source = Path(str(dist.locate_file(relative)))
        if source.is_file():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)


def runtime_closure(roots: Iterable[str]) -> set[str]:
    """Return the installed distributions that `roots` need at run time, roots included."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if canonical(name) in {canonical(known) for known in seen}:
            continue
        seen.add(name)
        for requirement in importlib.metadata.requires(name) or []:
            dependency = runtime_requirement(requirement)
            if dependency is not None:
                pending.append(dependency)
    return seen


def runtime_requirement(requirement: str) -> str | None:
    """Return the name a requirement line needs on this interpreter, or None."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    if name is None:
        return None
    marker = requirement.partition(";")[2].strip()
    if "extra" in marker:
        return None
    if marker:
        from packaging.markers import Marker

        if not Marker(marker).evaluate():
            return None
    try:
        importlib.metadata.distribution(name.group(0))
    except importlib.metadata.PackageNotFoundError:
        return None
    return name.group(0)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# -- zipping ----------------------------------------------------------------------


def write_zip(source: Path, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(files_under(source)):
            entry = zipfile.ZipInfo(path.relative_to(source).as_posix(), ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), compresslevel=9)


def files_under(source: Path) -> Iterator[Path]:
    for path in source.rglob("*"):
        if path.is_file() and not (SKIPPED_PARTS & set(path.relative_to(source).parts)):
            yield path


def top_level_names(directory: Path) -> list[str]:
    return sorted(
        path.name
        for path in directory.iterdir()
        if not path.name.endswith(".dist-info") and path.name not in SKIPPED_PARTS
    )


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB ({size} bytes)"
    return f"{size / 1024:.1f} KiB ({size} bytes)"


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
