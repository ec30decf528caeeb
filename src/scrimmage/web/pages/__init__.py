"""Server-rendered pages; each module holds a ``router`` guarded by the CSRF check."""
