"""URL helpers shared by the layers that log or show endpoint URLs."""

from __future__ import annotations


def redact_userinfo(url: str) -> str:
    """Return `url` with any `user:password@` replaced by `***@`, for messages, logs and reprs."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    authority_end = min((rest.find(char) for char in "/?#" if char in rest), default=len(rest))
    authority = rest[:authority_end]
    if "@" not in authority:
        return url
    host = authority.rpartition("@")[2]
    return f"{scheme}://***@{host}{rest[authority_end:]}"
