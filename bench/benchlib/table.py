"""A plain-text table with right-aligned figures and a free-form note per row, printed under the
table so long messages (n/a reasons) do not stretch the columns."""


def fmt_ratio(x):
    return f"{x:.2f}x"


class Table:
    def __init__(self, headers, title=""):
        self.headers = headers
        self.title = title
        self.rows = []  # (cells, note)

    def row(self, cells, note=""):
        cells = list(cells) + ["-"] * (len(self.headers) - len(cells))
        self.rows.append((cells, note))

    def print(self, out=None):
        import sys
        out = out or sys.stdout
        widths = [max(len(h), *(len(c[i]) for c, _ in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.headers)]

        def line(cells):
            parts = [c.ljust(w) if i == 0 or i == len(cells) - 1 else c.rjust(w)
                     for i, (c, w) in enumerate(zip(cells, widths))]
            return "  ".join(parts).rstrip()

        if self.title:
            print(self.title, file=out)
        print(line(self.headers), file=out)
        print("  ".join("-" * w for w in widths), file=out)
        for cells, _ in self.rows:
            print(line(cells), file=out)
        notes = [(cells[0], note) for cells, note in self.rows if note]
        for name, note in notes:
            print(f"  {name}: {note}", file=out)
        print(file=out)
        out.flush()
