"""Term elections (rules.md §1)."""
