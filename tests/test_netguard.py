"""The suite's socket guard: loopback only, and a blocked attempt fails the test.

Each blocking test removes the attempts it caused from
`netguard.blocked_attempts` after checking them, because the suite-wide
fixture in conftest.py fails any test that leaves one behind. The last test
runs pytest in a subprocess to show that fixture failing a test that swallowed
the guard's error.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import netguard

ROOT = Path(__file__).resolve().parent.parent
BLOCKED_ADDRESSES = [
    pytest.param(("169.254.169.254", 80), socket.AF_INET, id="instance-metadata"),
    pytest.param(("169.254.170.2", 80), socket.AF_INET, id="container-credentials"),
    pytest.param(("169.254.170.23", 80), socket.AF_INET, id="eks-pod-identity"),
    pytest.param(("52.94.133.131", 443), socket.AF_INET, id="public-ipv4"),
    pytest.param(("0.0.0.0", 80), socket.AF_INET, id="unspecified-ipv4"),
    pytest.param(("2600:1f18::1", 443, 0, 0), socket.AF_INET6, id="public-ipv6"),
    pytest.param(("::ffff:169.254.169.254", 80, 0, 0), socket.AF_INET6, id="ipv4-mapped"),
]
PUBLIC_HOSTNAMES = ["bedrock.us-east-1.amazonaws.com", "example.com", "169.254.169.254.nip.io"]


@pytest.fixture
def clear_blocked() -> Iterator[None]:
    """Remove the attempts blocked during the test, after the test checked them."""
    start = len(netguard.blocked_attempts)
    yield
    del netguard.blocked_attempts[start:]


def take_new(start: int) -> list[str]:
    return list(netguard.blocked_attempts[start:])


@pytest.mark.parametrize(("address", "family"), BLOCKED_ADDRESSES)
@pytest.mark.usefixtures("clear_blocked")
def test_connect_blocked(address: tuple, family: int) -> None:
    start = len(netguard.blocked_attempts)

    with (
        socket.socket(family, socket.SOCK_STREAM) as sock,
        pytest.raises(netguard.NonLoopbackConnectionError) as raised,
    ):
        sock.connect(address)

    assert repr(address) in str(raised.value)
    assert take_new(start) == [f"connect to {address!r}"]


@pytest.mark.parametrize(("address", "family"), BLOCKED_ADDRESSES)
@pytest.mark.usefixtures("clear_blocked")
def test_connect_ex_blocked(address: tuple, family: int) -> None:
    start = len(netguard.blocked_attempts)

    with (
        socket.socket(family, socket.SOCK_STREAM) as sock,
        pytest.raises(netguard.NonLoopbackConnectionError),
    ):
        sock.connect_ex(address)

    assert len(take_new(start)) == 1


@pytest.mark.parametrize("hostname", PUBLIC_HOSTNAMES)
@pytest.mark.usefixtures("clear_blocked")
def test_public_hostname_lookup_blocked(hostname: str) -> None:
    start = len(netguard.blocked_attempts)

    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(hostname, 443)
    with pytest.raises(OSError):
        socket.create_connection((hostname, 443), timeout=1)

    assert take_new(start) == [f"getaddrinfo({hostname!r})"] * 2


@pytest.mark.parametrize("hostname", PUBLIC_HOSTNAMES)
@pytest.mark.usefixtures("clear_blocked")
def test_legacy_resolvers_blocked(hostname: str) -> None:
    start = len(netguard.blocked_attempts)

    with pytest.raises(socket.gaierror):
        socket.gethostbyname(hostname)
    with pytest.raises(socket.gaierror):
        socket.gethostbyname_ex(hostname)
    with pytest.raises(socket.gaierror):
        socket.gethostbyaddr("169.254.169.254")

    assert take_new(start) == [
        f"gethostbyname({hostname!r})",
        f"gethostbyname_ex({hostname!r})",
        "gethostbyaddr('169.254.169.254')",
    ]


@pytest.mark.usefixtures("clear_blocked")
def test_datagram_to_public_address_blocked() -> None:
    start = len(netguard.blocked_attempts)

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(netguard.NonLoopbackConnectionError):
            udp.sendto(b"query", ("8.8.8.8", 53))
        with pytest.raises(netguard.NonLoopbackConnectionError):
            udp.sendmsg([b"query"], [], 0, ("169.254.169.254", 80))

    assert len(take_new(start)) == 2


def test_datagram_to_loopback_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"ping", receiver.getsockname())
        assert receiver.recv(16) == b"ping"


@pytest.mark.usefixtures("clear_blocked")
def test_httpx_to_metadata_blocked() -> None:
    start = len(netguard.blocked_attempts)

    with pytest.raises(httpx.ConnectError):
        httpx.get("http://169.254.169.254/latest/meta-data/", timeout=1)

    # httpcore resolves the address first, so the lookup is what the guard stops.
    assert take_new(start) == ["getaddrinfo('169.254.169.254')"]


@pytest.mark.usefixtures("clear_blocked")
def test_httpx_to_public_host_blocked() -> None:
    start = len(netguard.blocked_attempts)

    with pytest.raises(httpx.ConnectError):
        httpx.get("https://bedrock.us-east-1.amazonaws.com/model-customization-jobs", timeout=1)

    assert take_new(start) == ["getaddrinfo('bedrock.us-east-1.amazonaws.com')"]


@pytest.mark.usefixtures("clear_blocked")
def test_asyncio_connection_blocked() -> None:
    start = len(netguard.blocked_attempts)

    async def connect() -> None:
        await asyncio.open_connection("169.254.170.2", 80)

    with pytest.raises(OSError):
        asyncio.run(connect())

    assert take_new(start) == ["connect to ('169.254.170.2', 80)"]


# -- loopback is allowed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "host"),
    [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")],
    ids=["ipv4", "ipv6"],
)
def test_loopback_allowed(family: int, host: str) -> None:
    start = len(netguard.blocked_attempts)
    try:
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.bind((host, 0))
    except OSError as error:
        pytest.fail(f"cannot listen on {host}: {error}; loopback must be available for tests")
    with listener:
        listener.listen(1)
        port = listener.getsockname()[1]

        with socket.create_connection((host, port), timeout=5) as client:
            accepted, _ = listener.accept()
            accepted.close()
            assert client.getpeername()[1] == port

    assert take_new(start) == []


def test_localhost_lookup_allowed() -> None:
    start = len(netguard.blocked_attempts)

    results = socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)

    assert results
    assert all(netguard.is_loopback_host(result[4][0]) for result in results)
    assert take_new(start) == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        (b"127.0.0.1", True),
        ("169.254.169.254", False),
        ("169.254.170.2", False),
        ("10.0.0.1", False),
        ("127.example.com", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback_host(host: object, expected: bool) -> None:
    assert netguard.is_loopback_host(host) is expected


# -- the suite-wide fixture -------------------------------------------------------------------


def test_swallowed_attempt_fails_test(tmp_path: Path) -> None:
    # The fixture's name starts with "_", so a star import would leave it out.
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import _no_blocked_connections  # noqa: F401\n"
    )
    (tmp_path / "test_swallow.py").write_text(
        textwrap.dedent(
            """
            import socket


            def test_swallows_blocked_connection():
                try:
                    socket.create_connection(("169.254.169.254", 80), timeout=1)
                except OSError:
                    pass
            """
        )
    )

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "non-loopback network access attempted" in result.stdout
    assert "169.254.169.254" in result.stdout
