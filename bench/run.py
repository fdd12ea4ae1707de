"""Benchmark bedrockpage against boto3 and two floor clients on a loopback server.

    python bench/run.py [--cold-rounds 10] [--warm-rounds 5] [--jobs 20000]

Measures, with the contenders interleaved in rounds (the order rotates every
round) and ratios taken within each round:

* cold start as whole processes, for `import` alone and for import + client +
  the first page of 100 jobs: wall time seen by this process, and peak RSS;
* warm listing of all jobs at PageSize 1000 and 100 in a fresh process after a
  one-page warm-up: wall and CPU time, pages/s and items/s;
* installed size of bedrockpage and of boto3, each with its runtime dependencies.

Every request goes to `bench/server.py` on 127.0.0.1. Children get dummy keys
as arguments, `AWS_EC2_METADATA_DISABLED=true`, config and credentials files at
/dev/null and no proxy settings, so no contender can reach IMDS or AWS.
The Markdown report goes to `bench/results/report.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CHILD = BENCH_DIR / "child.py"
SERVER = BENCH_DIR / "server.py"
DEFAULT_REPORT = BENCH_DIR / "results" / "report.md"

FLOOR = "httpx-floor"
BOTO3 = "boto3"
SUBJECT = "bedrockpage"
LISTING_CONTENDERS = (
    "bedrockpage",
    "bedrockpage-async",
    "boto3",
    "httpx-floor",
    "httpx-floor-no-tls",
    "http.client-floor",
)
# `python` starts the interpreter and imports nothing: the cost every process pays.
# The `/no-click` runs show a deployment without click (see child.py).
COLD_CONTENDERS = (
    "python",
    *LISTING_CONTENDERS,
    "bedrockpage/no-click",
    "httpx-floor/no-click",
)
COLD_MODES = ("import", "first-page")
PAGE_SIZES = (1000, 100)
MIB = 1024 * 1024

DESCRIPTIONS = {
    "python": "interpreter start-up only (`python child.py`, no import)",
    "bedrockpage": "`bedrockpage.client()` and its paginator",
    "bedrockpage-async": "`bedrockpage.async_client()` and its paginator, one event loop",
    "boto3": "`boto3.client('bedrock')` and its paginator",
    "httpx-floor": "one `httpx.Client()`, minimal SigV4, `json.loads`, `datetime.fromisoformat`",
    "httpx-floor-no-tls": "the same with `httpx.Client(verify=False)`: no TLS context is built",
    "http.client-floor": (
        "`http.client.HTTPConnection`, minimal SigV4, `json.loads`, `fromisoformat`"
    ),
    "bedrockpage/no-click": "`bedrockpage` with click hidden, as where it is not installed",
    "httpx-floor/no-click": "`httpx-floor` with click hidden",
}


# --- child processes ---------------------------------------------------------


def child_environment() -> dict[str, str]:
    """Return this process's environment without AWS, proxy or Python settings.

    PYTHON* variables go too: PYTHONDONTWRITEBYTECODE would make every cold start
    compile its modules from source, and no deployment runs that way by default.
    """
    removed_prefixes = ("AWS_", "BEDROCK", "PYTHON")
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ssl_cert_file"}
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(removed_prefixes) and name.lower() not in proxies
    }
    environment.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        NO_PROXY="127.0.0.1,localhost",
    )
    return environment


@dataclass(frozen=True)
class ChildRun:
    wall: float
    #: User + system CPU seconds of the child, which contention from other
    #: processes inflates far less than wall time.
    cpu: float
    peak_rss: int
    stdout: str


def run_child(arguments: Sequence[str], environment: dict[str, str]) -> ChildRun:
    """Run `child.py` and return its wall and CPU seconds, peak RSS in bytes and stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as stderr_file:
        process = subprocess.Popen(
            [sys.executable, str(CHILD), *arguments],
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            env=environment,
            cwd=BENCH_DIR,
        )
        # os.wait4, not communicate(), reaps the child: it also returns the child's
        # rusage. Stderr goes to a file, so reading stdout alone cannot deadlock.
        stdout = process.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.stdout.close()  # type: ignore[union-attr]
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr_file.seek(0)
            raise RuntimeError(
                f"child {' '.join(arguments)} failed with exit code {process.returncode}:\n"
                + stderr_file.read().decode(errors="replace")
            )
    # Linux reports ru_maxrss in KiB.
    return ChildRun(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=usage.ru_maxrss * 1024,
        stdout=stdout.decode(),
    )


class PageServer:
    """`bench/server.py` as a child process; it exits when this process closes its stdin."""

    def __init__(self, job_count: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(SERVER), "--jobs", str(job_count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        line = self._process.stdout.readline().decode()  # type: ignore[union-attr]
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"page server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stop(self) -> None:
        self._process.stdin.close()  # type: ignore[union-attr]
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


# --- measurements -------------------------------------------------------------

# samples[metric][contender] is a list with one value per round.
Samples = dict[str, dict[str, list[float]]]


def rotated(items: Sequence[str], shift: int) -> list[str]:
    shift %= len(items)
    return [*items[shift:], *items[:shift]]


def measure_cold(
    contenders: Sequence[str], url: str, rounds: int, environment: dict[str, str]
) -> Samples:
    samples: Samples = {}
    jobs = [(contender, mode) for contender in contenders for mode in COLD_MODES]
    jobs = [(c, m) for c, m in jobs if not (c == "python" and m == "first-page")]

    # An unmeasured pass writes bytecode caches and warms the page cache.
    for contender, mode in jobs:
        run_child(["cold", contender, mode, url], environment)

    for round_number in range(rounds):
        for contender, mode in rotated(jobs, round_number * 3):
            run = run_child(["cold", contender, mode, url], environment)
            for metric, value in (("wall", run.wall), ("cpu", run.cpu), ("rss", run.peak_rss)):
                samples.setdefault(f"{mode} {metric}", {}).setdefault(contender, []).append(value)
        print(f"cold round {round_number + 1}/{rounds} done", file=sys.stderr)
    return samples


def measure_warm(
    contenders: Sequence[str], url: str, rounds: int, job_count: int, environment: dict[str, str]
) -> Samples:
    samples: Samples = {}
    page_sizes = ",".join(str(size) for size in PAGE_SIZES)
    for round_number in range(rounds):
        for contender in rotated(contenders, round_number):
            run = run_child(["warm", contender, url, str(job_count), page_sizes], environment)
            for page_size, timing in json.loads(run.stdout).items():
                for kind in ("wall", "cpu", "faults"):
                    metric = f"list {page_size} {kind}"
                    samples.setdefault(metric, {}).setdefault(contender, []).append(timing[kind])
        print(f"warm round {round_number + 1}/{rounds} done", file=sys.stderr)
    return samples


# --- statistics -----------------------------------------------------------------


def ratios(samples: dict[str, list[float]], numerator: str, denominator: str) -> list[float]:
    """Return numerator/denominator for each round in which both ran."""
    return [
        top / bottom for top, bottom in zip(samples[numerator], samples[denominator], strict=True)
    ]


def summary(values: Sequence[float], scale: float = 1.0, digits: int = 1) -> str:
    """Format `median [min–max]` of values divided by scale."""
    scaled = [value / scale for value in values]
    return (
        f"{statistics.median(scaled):.{digits}f} "
        f"[{min(scaled):.{digits}f}–{max(scaled):.{digits}f}]"
    )


# --- report -----------------------------------------------------------------------


def package_version(name: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_description() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kib / MIB:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- Machine: {cpu}, {os.cpu_count()} logical CPUs{memory}, "
        f"{platform.system()} {platform.release()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        "- Versions: "
        + ", ".join(
            f"{name} {package_version(name)}"
            for name in ("bedrockpage", "httpx", "httpcore", "h11", "anyio", "boto3", "botocore")
        ),
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def ratio_cell(samples: dict[str, list[float]], contender: str, reference: str) -> str:
    if contender not in samples or reference not in samples:
        return "–"
    return summary(ratios(samples, contender, reference), digits=2)


def cold_section(samples: Samples, contenders: Sequence[str]) -> list[str]:
    rows = []
    for contender in contenders:
        has_page = contender in samples.get("first-page wall", {})
        rows.append(
            [
                contender,
                summary(samples["import wall"][contender], 1e-3),
                summary(samples["import rss"][contender], MIB),
                summary(samples["first-page wall"][contender], 1e-3) if has_page else "–",
                summary(samples["first-page cpu"][contender], 1e-3) if has_page else "–",
                summary(samples["first-page rss"][contender], MIB) if has_page else "–",
                ratio_cell(samples["first-page wall"], contender, FLOOR) if has_page else "–",
                ratio_cell(samples["first-page cpu"], contender, FLOOR) if has_page else "–",
                ratio_cell(samples["first-page wall"], BOTO3, contender) if has_page else "–",
            ]
        )
    header = (
        "contender",
        "import ms",
        "import peak RSS MiB",
        "first page ms",
        "first page CPU ms",
        "first page peak RSS MiB",
        "first page × httpx floor",
        "first page CPU × httpx floor",
        "boto3 time ÷ this",
    )
    return [
        "## Cold start",
        "",
        "Whole processes, timed from spawn to exit; CPU is the child's user + system time.",
        "`import` imports the package; `first page` also creates a client and fetches one page",
        "of 100 jobs. Median [min–max] over rounds; ratios are taken within each round.",
        "",
        *table(header, rows),
        "",
    ]


def warm_section(samples: Samples, contenders: Sequence[str], job_count: int) -> list[str]:
    lines = ["## Warm listing", ""]
    lines.append(
        f"All {job_count} jobs in one process after a one-page warm-up. "
        "Median [min–max] over rounds; CPU is the client process's user + system time; "
        "minor page faults are the client process's during the listing (`getrusage`)."
    )
    lines.append("")
    for page_size in PAGE_SIZES:
        walls = samples[f"list {page_size} wall"]
        cpus = samples[f"list {page_size} cpu"]
        faults = samples[f"list {page_size} faults"]
        page_count = -(-job_count // page_size)
        rows = [
            [
                contender,
                summary(walls[contender], 1e-3),
                summary(cpus[contender], 1e-3),
                f"{page_count / statistics.median(walls[contender]):,.0f}",
                f"{job_count / statistics.median(walls[contender]):,.0f}",
                ratio_cell(walls, contender, FLOOR),
                ratio_cell(cpus, contender, FLOOR),
                ratio_cell(walls, BOTO3, contender),
                f"{statistics.median(faults[contender]):,.0f}",
            ]
            for contender in contenders
        ]
        header = (
            "contender",
            "wall ms",
            "CPU ms",
            "pages/s",
            "items/s",
            "wall × httpx floor",
            "CPU × httpx floor",
            "boto3 wall ÷ this",
            "minor page faults",
        )
        lines += [f"### PageSize {page_size} ({page_count} pages)", "", *table(header, rows), ""]
    return lines


def size_section(footprints: dict[str, object]) -> list[str]:
    rows = [
        [
            name,
            ", ".join(footprint.distributions),  # type: ignore[attr-defined]
            str(footprint.file_count),  # type: ignore[attr-defined]
            f"{footprint.disk_bytes / 1e6:.2f}",  # type: ignore[attr-defined]
            f"{footprint.zip_bytes / 1e6:.2f}",  # type: ignore[attr-defined]
        ]
        for name, footprint in footprints.items()
    ]
    return [
        "## Installed size",
        "",
        "Files from each distribution's RECORD (bedrockpage: its package directory), without",
        "`__pycache__` and console scripts; MB = 10^6 bytes; zipped with deflate at the",
        "default level.",
        "",
        *table(("package", "with runtime dependencies", "files", "on disk MB", "zipped MB"), rows),
        "",
    ]


def target_rows(cold: Samples, warm: Samples, footprints: dict[str, object]) -> list[list[str]]:
    """Check the performance targets; each row is target, measured, met."""
    rows: list[list[str]] = []

    def add(target: str, values: list[float], limit: float, unit: str, at_most: bool) -> None:
        median = statistics.median(values)
        measured = f"{median:.2f}{unit} [{min(values):.2f}–{max(values):.2f}]"
        met = median <= limit if at_most else median >= limit
        rows.append([target, measured, "yes" if met else "**no**"])

    for kind in ("wall", "cpu"):
        first_page = cold[f"first-page {kind}"]
        label = "wall" if kind == "wall" else "CPU"
        add(
            f"cold start: {label} ≤ 1.05 × httpx floor",
            ratios(first_page, SUBJECT, FLOOR),
            1.05,
            "×",
            True,
        )
        add(
            f"cold start: {label} ≥ 2.5 × faster than boto3",
            ratios(first_page, BOTO3, SUBJECT),
            2.5,
            "×",
            False,
        )
    for contender in (SUBJECT, f"{SUBJECT}/no-click"):
        add(
            f"cold-start peak RSS ≤ 27 MiB (`{contender}`)",
            [value / MIB for value in cold["first-page rss"][contender]],
            27,
            " MiB",
            True,
        )
    for page_size, speedup in ((1000, 30), (100, 15)):
        walls = warm[f"list {page_size} wall"]
        cpus = warm[f"list {page_size} cpu"]
        target = f"warm listing at PageSize {page_size}"
        add(f"{target}: wall ≤ 1.15 × httpx floor", ratios(walls, SUBJECT, FLOOR), 1.15, "×", True)
        add(f"{target}: CPU ≤ 1.15 × httpx floor", ratios(cpus, SUBJECT, FLOOR), 1.15, "×", True)
        add(
            f"{target}: wall ≥ {speedup} × faster than boto3",
            ratios(walls, BOTO3, SUBJECT),
            speedup,
            "×",
            False,
        )
    zipped = footprints[SUBJECT].zip_bytes / 1e6  # type: ignore[attr-defined]
    add("zipped with runtime dependencies ≤ 1.6 MB", [zipped], 1.6, " MB", True)
    return rows


def write_report(
    path: Path,
    command: str,
    args: argparse.Namespace,
    cold: Samples,
    warm: Samples,
    footprints: dict[str, object],
    elapsed: float,
) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# bedrockpage benchmark",
        "",
        f"- Command: `{command}` ({when}, {elapsed:.0f} s)",
        *machine_description(),
        f"- Rounds: {args.cold_rounds} cold, {args.warm_rounds} warm; {args.jobs} jobs served "
        "by `bench/server.py` on 127.0.0.1 over HTTP/1.1 keep-alive, no TLS",
        "",
        "Contenders:",
        "",
        *(f"- `{name}`: {DESCRIPTIONS[name]}" for name in COLD_CONTENDERS),
        "",
        "## Targets",
        "",
        "Ratios are bedrockpage (sync) against the `httpx-floor` contender, median [min–max].",
        "",
        *table(("target", "measured", "met"), target_rows(cold, warm, footprints)),
        "",
        *cold_section(cold, COLD_CONTENDERS),
        *warm_section(warm, LISTING_CONTENDERS, args.jobs),
        *size_section(footprints),
    ]
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cold-rounds", type=int, default=10, help="cold-start rounds (default 10)"
    )
    parser.add_argument(
        "--warm-rounds", type=int, default=5, help="warm-listing rounds (default 5)"
    )
    parser.add_argument("--jobs", type=int, default=20000, help="jobs served (default 20000)")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_REPORT,
        help=f"report path (default {DEFAULT_REPORT})",
    )
    args = parser.parse_args()
    if args.cold_rounds < 1 or args.warm_rounds < 1 or args.jobs < 100:
        parser.error(
            "rounds must be 1 or more and --jobs 100 or more (the first page has 100 jobs)"
        )

    command = "python bench/run.py " + " ".join(sys.argv[1:])
    started = time.perf_counter()
    environment = child_environment()
    server = PageServer(args.jobs)
    try:
        cold = measure_cold(COLD_CONTENDERS, server.url, args.cold_rounds, environment)
        warm = measure_warm(
            LISTING_CONTENDERS, server.url, args.warm_rounds, args.jobs, environment
        )
    finally:
        server.stop()

    sys.path.insert(0, str(BENCH_DIR))
    from sizes import footprint

    footprints: dict[str, object] = {name: footprint(name) for name in (SUBJECT, BOTO3)}
    report = write_report(
        args.output, command.strip(), args, cold, warm, footprints, time.perf_counter() - started
    )
    print(report)
    print(f"\nReport written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
