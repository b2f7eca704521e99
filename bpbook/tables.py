"""A small table for chapters: rendered as HTML in JupyterLab, as aligned text elsewhere.

``Table(columns, rows, formats=None, css_class=None)``: ``rows`` are sequences of cells;
``formats`` holds one format string (e.g. ``"{:.4f}"``) or ``None`` per column. Cells are
computed values; the table only formats them.

Every cell is formatted once when the table is built, so a format that does not fit its value
fails there, with a :class:`~bpbook.errors.BpbookError` naming the column, the format and the
value, not later when the notebook renders it.
"""
import html

from bpbook.errors import InputError, InputTypeError, ShapeError, short_repr


def _cells(value, what):
    """``value`` as a list (of cells, or of rows), refusing a string and what is not iterable."""
    if not isinstance(value, (str, bytes)):
        try:
            return list(value)
        except TypeError:  # not iterable, a 0-d array
            pass
    raise InputTypeError(f"Table: {what} should be a list, got {type(value).__name__} "
                         f"{short_repr(value)}")


class Table:
    def __init__(self, columns, rows, formats=None, css_class="bp-table", caption=None):
        self.columns = _cells(columns, "columns")
        self.rows = [_cells(r, f"rows[{i}]") for i, r in enumerate(_cells(rows, "rows"))]
        for r in self.rows:
            if len(r) != len(self.columns):
                raise ShapeError(f"Table: a row has {len(r)} cells but there are "
                                 f"{len(self.columns)} columns {self.columns}: {short_repr(r)}")
        formats = _cells([] if formats is None else formats, "formats")
        self.formats = formats or [None] * len(self.columns)  # none given: str() of each cell
        if len(self.formats) != len(self.columns) or not all(
                f is None or isinstance(f, str) for f in self.formats):
            raise InputError(f"Table: formats should hold one format string (or None) per "
                             f"column, {len(self.columns)} in all, got {short_repr(self.formats)}")
        for what, value in (("css_class", css_class), ("caption", caption)):
            if value is not None and not isinstance(value, str):
                raise InputTypeError(f"Table: {what} should be a string, got "
                                     f"{type(value).__name__} {short_repr(value)}")
        self.css_class, self.caption = css_class, caption
        self.text_rows()  # a format that does not fit its value fails here, not when shown

    def cell(self, value, j):
        fmt = self.formats[j]
        if fmt is None or isinstance(value, str):
            return str(value)
        try:
            return fmt.format(value)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
            raise InputError(f"Table: column {self.columns[j]!r} has the format {fmt!r}, which "
                             f"does not fit the value {short_repr(value)} ({err})") from None

    def text_rows(self):
        return [[self.cell(v, j) for j, v in enumerate(r)] for r in self.rows]

    def __str__(self):
        body = [self.columns] + self.text_rows()
        widths = [max(len(str(r[j])) for r in body) for j in range(len(self.columns))]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in body]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(([self.caption] if self.caption else []) + lines)

    __repr__ = __str__

    def _repr_html_(self):
        esc = html.escape
        # an unnamed column (row labels) gets an empty cell, not an empty header (WCAG)
        head = "".join(f"<th>{esc(str(c))}</th>" if str(c) else "<td></td>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f'<td data-col="{esc(str(c))}">{esc(v)}</td>'
                             for c, v in zip(self.columns, r)) + "</tr>"
            for r in self.text_rows())
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        klass = f' class="{esc(self.css_class)}"' if self.css_class else ""
        return (f'<table{klass}>{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def column(self, name):
        """The raw (unformatted) values of the column ``name``."""
        if name not in self.columns:
            raise InputError(f"Table: no column {short_repr(name)}; the columns are "
                             f"{short_repr(self.columns, 200)}")
        return [r[self.columns.index(name)] for r in self.rows]
