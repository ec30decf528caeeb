"""Notebooks for tests: an ordinary one, and a hostile one whose every output tries to run script."""

from __future__ import annotations

import base64

import nbformat
from nbformat import v4

# a 1x1 transparent PNG
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
ATTACK = "window.pwned = 1; alert(1)"


def ordinary(text: str = "group means") -> bytes:
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(f"# Baseline\nA baseline with **{text}**."),
                v4.new_code_cell("print(41 + 1)", execution_count=1,
                                 outputs=[v4.new_output("stream", name="stdout", text="42\n")]),
                v4.new_code_cell("plot()", execution_count=2,
                                 outputs=[v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})])]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # the same bytes every time
    return nbformat.writes(nb).encode()


def hostile() -> bytes:
    """Script in every place a notebook can carry it."""
    nb = v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [
        v4.new_markdown_cell(f"# Hostile <script>{ATTACK}</script>\n"
                             f"<img src=x onerror=\"{ATTACK}\"> [click](javascript:alert(1))\n"
                             f"<a href=\"javascript:{ATTACK}\">raw link</a> <svg onload=\"{ATTACK}\"></svg>"),
        v4.new_code_cell("show()", execution_count=1, outputs=[
            v4.new_output("display_data", data={
                "text/html": f"<script>{ATTACK}</script><b onmouseover=\"{ATTACK}\">bold output</b>"
                             f"<img src=\"data:image/svg+xml;base64,PHN2Zy8+\" onerror=\"{ATTACK}\">"
                             f"<iframe src=\"javascript:{ATTACK}\"></iframe>"
                             f"<iframe srcdoc=\"<script>{ATTACK}</script>\"></iframe>"
                             f"<a href=\"javascript:{ATTACK}\">output link</a><style>body{{display:none}}</style>",
                "text/plain": "html"}),
            v4.new_output("display_data", data={"application/javascript": ATTACK, "text/plain": "js"}),
            v4.new_output("display_data", data={"image/svg+xml": f"<svg onload=\"{ATTACK}\"/>"}),
            v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                                "text/plain": "widget"}),
            v4.new_output("display_data", data={"text/markdown": f"[md](javascript:alert(1)) <script>{ATTACK}</script>"}),
            v4.new_output("stream", name="stdout", text="still here\n"),
        ]),
    ]
    return nbformat.writes(nb).encode()
