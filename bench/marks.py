"""Figures as the bench reports print them: byte sizes, and a ✅/❌ mark against a goal.
Shared by search.py and build.py (run from anywhere: each puts bench/ on sys.path)."""


def fmt_bytes(n):
    if n is None:
        return "n/a"
    return f"{n / 1000:,.1f} KB" if n < 10_000_000 else f"{n / 1e6:,.1f} MB"


def ok(value, limit):
    return "" if value is None else (" ✅" if value <= limit else " ❌")
