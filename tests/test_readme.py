"""The README's Python examples run as written (they are what a notebook user copies first)."""

import re
from pathlib import Path

import pytest

import optim

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("source", EXAMPLES, ids=[f"example{k}" for k in range(len(EXAMPLES))])
def test_a_readme_example_runs(source):
    namespace: dict = {}
    exec(compile(source, "README.md", "exec"), namespace)  # our own documentation, not user text
    assert len(namespace) > 1  # it defined something


def test_the_optimizer_table_has_a_row_for_every_registry_entry():
    """The README's table of all optimizers (name, paper, reference, 2-D behaviour) keeps up
    with optim.OPTIMIZERS: each label starts a row of four filled cells (SAM's two entries
    share one row)."""
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \| (.+) \|$", README, flags=re.M)
    names = [name for name, *_ in rows]
    for spec in optim.OPTIMIZERS.values():
        label = "SAM (SGD), SAM (Adam)" if spec.label.startswith("SAM") else spec.label
        if spec.needs_layout:
            assert spec.label in README  # the lab's Muon + AdamW has its own paragraph
        else:
            assert label in names, spec.label
