"""Safe writers: atomic files, HTML escaping, CSV neutralisation, provenance stamping.

Model text is data. Anything a model wrote (or anything derived from a file a user gave us)
reaches HTML only through :func:`escape_html` and a CSV cell only through
:func:`neutralise_cell`, so a justification that starts with ``=`` never becomes a spreadsheet
formula and a ``<script>`` never runs in a report.

Every write goes to a temporary file beside the target and is moved into place with
``os.replace``, so an interrupted run leaves either the old file or the new one, never half of
one. :class:`OutputDir` adds a ``manifest.json`` that lists each file with its provenance and
is marked ``complete`` only once the producer says so. The standard library only; pandas,
pyarrow and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

MANIFEST = "manifest.json"
#: The trope stage's manifest (distinct, so that report and tropes may share a folder).
TROPES_MANIFEST = "tropes_manifest.json"
MANIFEST_FORMAT = "pct-outputs"
MANIFEST_VERSION = 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600; give it the usual permissions of a new file.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def escape_html(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute (``& < > " '``)."""
    return html.escape("" if value is None else str(value), quote=True)


def neutralise_cell(value: Any) -> Any:
    """Make one CSV cell safe to open in a spreadsheet.

    Strings that start with a formula character get a leading apostrophe, which spreadsheets
    show as text. Numbers are left alone, so negative coordinates stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A JSON-safe version of ``value`` (numpy scalars, NaN -> None, tuples, paths)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(obj: Any) -> str:
    """Serialise ``obj`` to pretty, stable JSON (NaN becomes null)."""
    return json.dumps(_plain(obj), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def csv_text(rows: Any) -> str:
    """Render a DataFrame or a sequence of dicts as CSV text with every cell neutralised."""
    buf = io.StringIO()
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        columns = [str(c) for c in rows.columns]
        records: Iterable[Sequence[Any]] = rows.itertuples(index=False, name=None)
    else:
        rows = list(rows)
        columns = list(rows[0]) if rows else []
        records = ([r.get(c) for c in columns] for r in rows)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for rec in records:
        writer.writerow(["" if _is_missing(v) else neutralise_cell(_plain(v)) for v in rec])
    return buf.getvalue()


def escape_markdown(value: Any) -> str:
    """Make a value safe inside a markdown table cell (pipes, HTML, line breaks)."""
    text = "" if value is None else str(value)
    text = html.escape(text, quote=False).replace("|", "\\|")
    return " ".join(text.split())


def _columns_and_records(rows: Any) -> tuple[list[str], list[Any]]:
    """Column names and row tuples of a DataFrame or of a list of dicts."""
    if hasattr(rows, "columns"):
        return [str(c) for c in rows.columns], list(rows.itertuples(index=False, name=None))
    rows = list(rows)
    columns = list(rows[0]) if rows else []
    return columns, [[r.get(c) for c in columns] for r in rows]


def markdown_table(rows: Any, *, floatfmt: str = ".2f") -> str:
    """Render a DataFrame (or dicts) as a GitHub markdown table, every cell escaped."""
    columns, records = _columns_and_records(rows)

    def cell(v: Any) -> str:
        v = _plain(v)
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return format(v, floatfmt)
        return escape_markdown(v)

    lines = ["| " + " | ".join(escape_markdown(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in rec) + " |" for rec in records]
    return "\n".join(lines) + "\n"


def html_table(rows: Any, *, floatfmt: str = ".2f", max_rows: int | None = None,
               css_class: str = "data") -> str:
    """Render a DataFrame (or dicts) as an HTML table with every cell escaped.

    Args:
        rows: the table.
        floatfmt: format of float cells.
        max_rows: show at most this many rows, with a note saying how many were left out.
        css_class: the table's class attribute.
    """
    columns, records = _columns_and_records(rows)
    total = len(records)
    if max_rows is not None:
        records = records[:max_rows]

    def cell(v: Any) -> str:
        v = _plain(v)
        if v is None:
            return "<td></td>"
        if isinstance(v, bool):
            return f"<td>{'yes' if v else 'no'}</td>"
        if isinstance(v, (int, float)):
            text = format(v, floatfmt) if isinstance(v, float) else str(v)
            return f'<td class="num">{escape_html(text)}</td>'
        return f"<td>{escape_html(v)}</td>"

    head = "".join(f"<th>{escape_html(c)}</th>" for c in columns)
    body = "\n".join("<tr>" + "".join(cell(v) for v in rec) + "</tr>" for rec in records)
    more = ""
    if total > len(records):
        more = (f'<p class="more">{total - len(records)} more rows in the CSV file '
                "(not shown here).</p>")
    return (f'<table class="{escape_html(css_class)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table>{more}")


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def write_csv(path: str | os.PathLike, rows: Any) -> Path:
    """Write a DataFrame (or dicts) as neutralised CSV, atomically."""
    return atomic_write_text(path, csv_text(rows))


def write_parquet(path: str | os.PathLike, frame: Any, prov: Mapping[str, Any] | None = None) -> Path:
    """Write a DataFrame as Parquet with the provenance in the schema metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if prov is not None:
        meta = dict(table.schema.metadata or {})
        meta[b"pct_provenance"] = to_json(prov).encode("utf-8")
        table = table.replace_schema_metadata(meta)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return atomic_write_bytes(path, buf.getvalue())


def write_json(path: str | os.PathLike, obj: Any, prov: Mapping[str, Any] | None = None) -> Path:
    """Write ``obj`` as JSON; a dict gets a ``provenance`` key added when ``prov`` is given."""
    if prov is not None and isinstance(obj, Mapping):
        obj = {**obj, "provenance": prov}
    return atomic_write_text(path, to_json(obj))


def write_markdown(path: str | os.PathLike, text: str, prov: Mapping[str, Any] | None = None) -> Path:
    """Write markdown with an HTML comment naming what produced it (invisible when rendered)."""
    if prov is not None:
        from pct_tasks.io.provenance import summary_line

        # "--" may not appear inside an HTML comment.
        line = summary_line(prov).replace("--", "- -")
        text = f"<!-- {line} -->\n{text}"
    return atomic_write_text(path, text)


def figure_bytes(fig: Any, fmt: str, prov: Mapping[str, Any] | None = None, dpi: int = 200) -> bytes:
    """Render a matplotlib figure to PNG or SVG bytes with the provenance in its metadata."""
    meta: dict[str, str] = {}
    if prov is not None:
        from pct_tasks.io.provenance import summary_line

        key = "Description" if fmt in ("png", "svg") else "Subject"
        meta = {key: summary_line(prov)}
        if fmt == "png":
            meta["Software"] = f"pct-tropes {prov.get('package_version')}"
        elif fmt == "svg":
            meta["Creator"] = f"pct-tropes {prov.get('package_version')}"
    buf = io.BytesIO()
    save_kw: dict[str, Any] = {"format": fmt, "metadata": meta, "bbox_inches": "tight"}
    if fmt == "png":
        save_kw["dpi"] = dpi
    if fmt == "svg":
        # A fixed hash salt keeps SVG ids stable across runs.
        import matplotlib

        with matplotlib.rc_context({"svg.hashsalt": "pct-tropes"}):
            fig.savefig(buf, **save_kw)
    else:
        fig.savefig(buf, **save_kw)
    return buf.getvalue()


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class OutputDir:
    """A folder of outputs with a manifest naming what produced each file.

    The manifest (``manifest.json``) holds the provenance, an input fingerprint, one entry per
    file written, and ``complete``: false until :meth:`finish` is called. A new producer
    whose fingerprint differs from the manifest's starts afresh; one with the same fingerprint
    resumes, and :meth:`has` tells it which files it may skip.

    Args:
        path: the folder (created if needed).
        prov: the provenance record stamped on every output.
        fingerprint: a string identifying the inputs and settings (e.g. a hash of run ids and
            options); outputs written under another fingerprint are not reused.
        manifest: the manifest's file name; each producer has its own (``pct report``:
            ``manifest.json``, ``pct tropes``: ``tropes_manifest.json``), so two commands
            sharing one ``--out`` folder never overwrite each other's manifest.
    """

    def __init__(self, path: str | os.PathLike, prov: Mapping[str, Any], fingerprint: str,
                 manifest: str = MANIFEST):
        self.path = Path(path)
        self.prov = dict(prov)
        self.fingerprint = fingerprint
        self.manifest = manifest
        self.path.mkdir(parents=True, exist_ok=True)
        old = self.read_manifest(self.path, manifest)
        if old and old.get("fingerprint") == fingerprint:
            self.files: dict[str, Any] = dict(old.get("files") or {})
            self.previously_complete = bool(old.get("complete"))
        else:
            self.files = {}
            self.previously_complete = False
        # Until finish(), the folder is incomplete, whatever an older manifest said.
        self._write_manifest(complete=False)

    @staticmethod
    def read_manifest(path: str | os.PathLike, manifest: str = MANIFEST) -> dict[str, Any] | None:
        file = Path(path) / manifest
        if not file.is_file():
            return None
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else None

    def has(self, name: str) -> bool:
        """True if ``name`` was written under this fingerprint and is still on disk intact."""
        entry = self.files.get(name)
        target = self.path / name
        return bool(entry) and target.is_file() and sha256_file(target) == entry.get("sha256")

    def _record(self, name: str, what: str) -> Path:
        target = self.path / name
        self.files[name] = {"what": what, "sha256": sha256_file(target)}
        self._write_manifest(complete=False)
        return target

    def _write_manifest(self, complete: bool) -> None:
        atomic_write_text(
            self.path / self.manifest,
            to_json(
                {
                    "format": MANIFEST_FORMAT,
                    "version": MANIFEST_VERSION,
                    "complete": complete,
                    "fingerprint": self.fingerprint,
                    "provenance": self.prov,
                    "files": dict(sorted(self.files.items())),
                }
            ),
        )

    def csv(self, name: str, frame: Any, what: str = "") -> Path:
        write_csv(self.path / name, frame)
        return self._record(name, what)

    def parquet(self, name: str, frame: Any, what: str = "") -> Path:
        write_parquet(self.path / name, frame, self.prov)
        return self._record(name, what)

    def table(self, stem: str, frame: Any, what: str = "") -> tuple[Path, Path]:
        """Write one table as ``<stem>.csv`` and ``<stem>.parquet``."""
        return self.csv(f"{stem}.csv", frame, what), self.parquet(f"{stem}.parquet", frame, what)

    def json(self, name: str, obj: Any, what: str = "") -> Path:
        write_json(self.path / name, obj, self.prov)
        return self._record(name, what)

    def markdown(self, name: str, text: str, what: str = "") -> Path:
        write_markdown(self.path / name, text, self.prov)
        return self._record(name, what)

    def text(self, name: str, text: str, what: str = "") -> Path:
        """Write text the caller has already made safe (e.g. the escaped HTML report)."""
        atomic_write_text(self.path / name, text)
        return self._record(name, what)

    def raw(self, name: str, data: bytes, what: str = "") -> Path:
        """Write bytes the caller has already rendered (e.g. a figure's PNG it also inlines)."""
        atomic_write_bytes(self.path / name, data)
        return self._record(name, what)

    def figure(self, name: str, fig: Any, what: str = "") -> Path:
        fmt = Path(name).suffix.lstrip(".").lower()
        atomic_write_bytes(self.path / name, figure_bytes(fig, fmt, self.prov))
        return self._record(name, what)

    def finish(self) -> Path:
        """Mark the folder complete; call only once every output is written."""
        self._write_manifest(complete=True)
        return self.path / self.manifest


__all__ = [
    "FORMULA_PREFIXES",
    "MANIFEST",
    "TROPES_MANIFEST",
    "OutputDir",
    "atomic_write_bytes",
    "atomic_write_text",
    "csv_text",
    "escape_html",
    "escape_markdown",
    "figure_bytes",
    "html_table",
    "markdown_table",
    "neutralise_cell",
    "sha256_file",
    "to_json",
    "write_csv",
    "write_json",
    "write_markdown",
    "write_parquet",
]
