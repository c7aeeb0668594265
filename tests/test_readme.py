"""The README's Python examples run as written (they are what a notebook user copies first)."""

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("source", EXAMPLES, ids=[f"example{k}" for k in range(len(EXAMPLES))])
def test_a_readme_example_runs(source):
    namespace: dict = {}
    exec(compile(source, "README.md", "exec"), namespace)  # our own documentation, not user text
    assert len(namespace) > 1  # it defined something
