"""Run the doctest examples of docs/pagination.md, so the document cannot drift from the code.

Every ```python block is a doctest. The blocks run in document order in one
namespace, as a reader would type them into one interpreter session.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PYTHON_BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return (line number, dedented source) of every ```python block."""
    blocks = []
    for match in PYTHON_BLOCK.finditer(text):
        indent = len(match[1])
        lines = [line[indent:] for line in match[2].splitlines(keepends=True)]
        blocks.append((text.count("\n", 0, match.start()) + 1, "".join(lines)))
    return blocks


@pytest.mark.parametrize("name", ["pagination.md"])
def test_doc_examples_run(name: str) -> None:
    path = DOCS / name
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    namespace: dict[str, object] = {"__name__": "docs"}
    examples = 0

    for line, source in blocks:
        assert ">>> " in source, f"{name}:{line}: a python block without doctest examples"
        test = parser.get_doctest(source, namespace, f"{name}:{line}", str(path), line)
        examples += len(test.examples)
        runner.run(test, clear_globs=False)
        # DocTest copies its globals, so carry the names each block defines forward.
        namespace = test.globs

    assert len(blocks) >= 10
    assert examples >= 50
    assert runner.failures == 0, f"{runner.failures} of {examples} doc examples failed"


def test_doc_tokens_are_botocore_tokens() -> None:
    """Every token literal in the document is what botocore's TokenEncoder writes for its state."""
    from botocore.paginate import TokenDecoder, TokenEncoder

    text = (DOCS / "pagination.md").read_text(encoding="utf-8")
    tokens = set(re.findall(r"'(eyJ[A-Za-z0-9+/]+=*)'", text))

    assert len(tokens) >= 2
    for token in tokens:
        assert TokenEncoder().encode(TokenDecoder().decode(token)) == token
