"""A sweep's results folder: ``sweep.json`` (the spec) and one Parquet file per finished trial.

Each trial's row is written as ``<trial_id>.parquet`` the moment it finishes, through a
temporary file renamed into place (``os.replace`` is atomic), so an interrupted sweep leaves
only whole trials behind and writing the same trial twice leaves one file: a trial id can
never appear twice. ``load`` reads them back as one DataFrame.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lab.sweep.spec import SweepError, SweepSpec

SPEC_FILE = "sweep.json"
SUFFIX = ".parquet"


def prepare(folder: str | os.PathLike, spec: SweepSpec) -> Path:
    """Create ``folder`` with the spec in it, or check that it holds this same sweep."""
    folder = Path(folder)
    spec_path = folder / SPEC_FILE
    record = spec.to_json()
    if spec_path.exists():
        if json.loads(spec_path.read_text()) != record:
            raise SweepError(
                f"out: {folder} holds the results of another sweep; choose a new folder"
            )
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(spec_path, json.dumps(record, indent=1, sort_keys=True).encode())
    return folder


def read_spec(folder: str | os.PathLike) -> SweepSpec | None:
    """The spec a results folder was made for, or None when it has none."""
    path = Path(folder) / SPEC_FILE
    return SweepSpec.from_json(json.loads(path.read_text())) if path.exists() else None


def finished_ids(folder: str | os.PathLike) -> set[str]:
    """The ids of the trials whose results are in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        return set()
    return {path.name[: -len(SUFFIX)] for path in folder.glob(f"*{SUFFIX}")}


def write_trial(folder: str | os.PathLike, row: dict) -> Path:
    """Write one trial's row as ``<trial_id>.parquet`` (atomically)."""
    path = Path(folder) / f"{row['trial_id']}{SUFFIX}"
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist([row]), sink)
    _write_atomic(path, sink.getvalue().to_pybytes())
    return path


def load(folder: str | os.PathLike) -> pd.DataFrame:
    """Every finished trial in ``folder``, one row each (the curves as list columns), in the
    order optimizer, hyperparameters, seed. An empty frame when there is none yet."""
    paths = sorted(Path(folder).glob(f"*{SUFFIX}"))
    if not paths:
        return pd.DataFrame()
    table = pa.concat_tables([pq.read_table(p) for p in paths], promote_options="permissive")
    frame = table.to_pandas()
    spec = read_spec(folder)
    grid = [f"hp_{name}" for name in spec.grid_names] if spec else []
    return frame.sort_values(["optimizer", *grid, "seed"], kind="stable").reset_index(drop=True)


def _write_atomic(path: Path, payload: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)
