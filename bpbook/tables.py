"""A small table for chapters: rendered as HTML in JupyterLab, as aligned text elsewhere.

``Table(columns, rows, formats=None, css_class=None)``: ``rows`` are sequences of cells;
``formats`` holds one format string (e.g. ``"{:.4f}"``) or ``None`` per column. Cells are
computed values; the table only formats them.
"""
import html


class Table:
    def __init__(self, columns, rows, formats=None, css_class="bp-table", caption=None):
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        for r in self.rows:
            if len(r) != len(self.columns):
                raise ValueError(f"Table: a row has {len(r)} cells but there are "
                                 f"{len(self.columns)} columns {self.columns}: {r}")
        self.formats = list(formats) if formats else [None] * len(self.columns)
        self.css_class, self.caption = css_class, caption

    def cell(self, value, j):
        fmt = self.formats[j]
        if fmt is None or isinstance(value, str):
            return str(value)
        return fmt.format(value)

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
        return (f'<table class="{esc(self.css_class)}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def column(self, name):
        """The raw (unformatted) values of the column ``name``."""
        return [r[self.columns.index(name)] for r in self.rows]
