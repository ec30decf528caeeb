"""The coach's report: one self-contained HTML file that tells the learner's story.

Split decision and adversarial AUC, the checks, the baseline ladder, the
experiment timeline with CV and leaderboard scores, CV against the public score
with its noise band, the ensemble's gain, and where the time went. Plots are
matplotlib figures embedded as base64 PNG; the file needs nothing else.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#f6f8fa;
margin:0;line-height:1.5}
main{max-width:980px;margin:0 auto;padding:32px 28px 64px;background:#fff;box-shadow:0 0 0 1px #d0d7de}
h1{font-size:28px;margin:0 0 4px} h2{font-size:20px;margin:36px 0 8px;padding-bottom:6px;border-bottom:1px solid #d0d7de}
.sub{color:#57606a;margin:0 0 20px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:18px 0}
.card{flex:1 1 150px;border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;background:#fbfcfd}
.card b{display:block;font-size:22px} .card span{color:#57606a;font-size:13px}
.note{border-left:4px solid #0969da;background:#f0f6ff;padding:10px 14px;margin:12px 0;border-radius:0 6px 6px 0}
.warn{border-left-color:#bf8700;background:#fff8e1} .bad{border-left-color:#cf222e;background:#ffebe9}
.good{border-left-color:#1a7f37;background:#eefbf0}
table{border-collapse:collapse;width:100%;font-size:14px;margin:10px 0}
th,td{padding:6px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
img{max-width:100%;display:block;margin:8px auto}
ul{padding-left:20px} li{margin:3px 0} code{background:#f3f4f6;padding:1px 5px;border-radius:4px;font-size:90%}
.sev{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;color:#fff}
.sev-leak{background:#cf222e}.sev-warning{background:#bf8700}.sev-info{background:#0969da}
footer{color:#57606a;font-size:13px;margin-top:40px}
"""
BLUE, ORANGE, GREEN, GREY, RED = "#0969da", "#e36209", "#1a7f37", "#8c959f", "#cf222e"


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _e(x) -> str:
    return html.escape(str(x))


def _f(x, digits=5) -> str:
    return "" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def _fig(w=8.5, h=3.4):
    """A figure of its own (the object API, no pyplot state): the user's matplotlib backend is left as it is."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h))
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#eaeef2")
    ax.set_axisbelow(True)
    return fig, ax


def write_report(ws, path=None) -> Path:
    from ._checks import run_checks
    from ._journal import runs as all_runs
    from ._tracking import track

    path = Path(path or f"{ws.ref}-coach-report.html")
    task = ws.task
    split = ws.split_row()
    advice = dict(split.advice) if split is not None else None
    runs = all_runs(ws)
    tracking = track(ws) if any(r.submission_id for r in runs) else None
    checks = _computed(lambda: run_checks(ws))
    better = "higher" if task.greater else "lower"
    parts = [f"<h1>{_e(ws.info.title)}</h1>",
             f'<p class="sub">The coach\'s report for <b>{_e(ws.user)}</b> on <code>{_e(ws.ref)}</code> · metric '
             f"<b>{_e(task.metric.name)}</b> ({better} is better)</p>"]
    sections = [
        ("Summary", lambda: _summary(task, advice, runs, tracking)),
        ("1. The validation split", lambda: _split_section(advice)),
        ("2. Leakage and sanity checks", lambda: _checks_section(checks)),
        ("3. The baseline ladder", lambda: _ladder_section(task, runs)),
        ("4. Experiments over time", lambda: _timeline_section(task, runs)),
        ("5. Does the CV track the leaderboard?", lambda: _tracking_section(task, tracking)),
        ("6. Ensembling", lambda: _ensemble_section(task, runs)),
        ("7. Where the time went", lambda: _timing_section(runs)),
        ("8. Every run", lambda: _runs_table(runs)),
    ]
    for title, build in sections:
        made = _computed(build)
        parts.append(made if isinstance(made, str) else _failed(title, made))
    parts.append('<footer>Made by <code>scrimmage coach report</code>. CV scores are means over the saved folds '
                 '(± their standard deviation); public and private scores come from the arena.</footer>')
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(ws.info.title)}: coach report'
           f'</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
           f'<body><main>{"".join(parts)}</main></body></html>')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path


class _Failure:
    """A report part that raised: its error, shown in the report in the part's place."""

    def __init__(self, exc: BaseException):
        self.text = f"{type(exc).__name__}: {exc}"


def _computed(build):
    """``build()``, or a :class:`_Failure` saying what it raised: one part failing does not lose the report."""
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - shown in the report, in place of the part that failed
        return _Failure(exc)


def _failed(title: str, failure: "_Failure") -> str:
    return (f"<h2>{_e(title)}</h2><div class=\"note bad\">This section could not be computed: "
            f"<code>{_e(failure.text)}</code></div>")


def _summary(task, advice, runs, tracking) -> str:
    plain = [r for r in runs if r.cv_mean is not None and r.frac >= 1]
    best = None
    for r in plain:
        if best is None or task.better(r.cv_mean, best.cv_mean):
            best = r
    pubs = [r.public_score for r in runs if r.public_score is not None]
    cards = [("split", advice["split"] if advice else "none yet"),
             ("adversarial AUC", _f(advice.get("adversarial_auc"), 3) if advice else "–"),
             ("runs recorded", str(len(runs))),
             ("best CV", f"{_f(best.cv_mean)}" if best else "–"),
             ("best public", _f(max(pubs) if task.greater else min(pubs)) if pubs else "–")]
    html_cards = "".join(f"<div class=card><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in cards)
    verdict = ""
    if tracking is not None and tracking.points:
        cls = "good" if tracking.tracks else ("bad" if tracking.tracks is False else "")
        text = tracking.messages[-1]
        verdict = f'<div class="note {cls}">{_e(text)}</div>'
    return f"<div class=cards>{html_cards}</div>{verdict}"


def _split_section(advice) -> str:
    out = ["<h2>1. The validation split</h2>"]
    if advice is None:
        return out[0] + "<p>No split advice yet: run <code>coach.advise_split()</code>.</p>"
    out.append(f'<div class="note"><b>{_e(advice["split"])}</b> split'
               f'{" (" + str(advice["repeats"]) + " × " if advice["repeats"] > 1 else " ("}{advice["n_folds"]} folds). '
               f'{_e(advice["reason"])}</div>')
    out.append("<ul>" + "".join(f"<li>{_e(f)}</li>" for f in advice.get("facts", [])) + "</ul>")
    seps = advice.get("separating") or []
    if seps:
        fig, ax = _fig(8.5, 0.45 * min(len(seps), 8) + 1.1)
        names = [s[0] for s in seps[:8]][::-1]
        vals = [s[1] for s in seps[:8]][::-1]
        ax.barh(names, vals, color=[RED if v >= 0.6 else (ORANGE if v >= 0.53 else GREY) for v in vals])
        ax.axvline(0.5, color="#57606a", lw=1, ls="--")
        ax.set_xlim(0.45, max(1.0, max(vals) + 0.02))
        ax.set_xlabel("train-vs-test separation of each column alone (AUC; 0.5 = no difference)")
        ax.grid(axis="x", color="#eaeef2")
        ax.set_title(f"Adversarial validation: all columns together AUC {advice.get('adversarial_auc', 0):.3f}",
                     loc="left", fontsize=11)
        out.append(_png(fig))
    return "".join(out)


def _checks_section(checks) -> str:
    out = ["<h2>2. Leakage and sanity checks</h2>"]
    if isinstance(checks, _Failure):
        return out[0] + f'<div class="note bad">The checks could not run: <code>{_e(checks.text)}</code></div>'
    if not checks.findings:
        return out[0] + '<div class="note good">Nothing suspicious found.</div>'
    out.append("<table><tr><th></th><th>finding</th><th>what it means</th><th>what to do</th></tr>")
    for f in checks.findings:
        out.append(f"<tr><td><span class='sev sev-{f.severity}'>{_e(f.severity)}</span></td>"
                   f"<td><b>{_e(f.check)}</b><br>{_e(f.what)}</td><td>{_e(f.means)}</td><td>{_e(f.todo)}</td></tr>")
    return "".join(out) + "</table>"


def _latest_ladder(runs):
    ladder = [r for r in runs if r.kind == "ladder"]
    if not ladder:
        return []
    last_split = ladder[-1].split_id
    seen, out = set(), []
    for r in reversed(ladder):
        if r.split_id == last_split and r.name not in seen:
            seen.add(r.name)
            out.append(r)
    return sorted(out, key=lambda r: r.id)


def _ladder_section(task, runs) -> str:
    out = ["<h2>3. The baseline ladder</h2>"]
    rungs = _latest_ladder(runs)
    if not rungs:
        return out[0] + "<p>No ladder yet: run <code>coach.ladder()</code>.</p>"
    fig, ax = _fig(8.5, 3.2)
    labels = [r.name.replace("ladder: ", "") for r in rungs]
    means = [r.cv_mean for r in rungs]
    ax.bar(range(len(rungs)), means, yerr=[r.cv_std or 0 for r in rungs], color=BLUE, capsize=4, width=0.6)
    ax.set_xticks(range(len(rungs)), [_wrap(s) for s in labels], fontsize=8.5)
    lo, hi = min(means + [0.0]), max(means + [0.0])
    pad = (hi - lo) * 0.08 or 1
    ax.set_ylim(lo - pad if lo < 0 else 0, hi + pad if hi > 0 else 0)  # bars grow from zero: heights compare
    ax.set_ylabel(f"CV {task.metric.name}")
    ax.set_title(f"Each rung on the same folds ({'higher' if task.greater else 'lower'} is better)", loc="left",
                 fontsize=11)
    out.append(_png(fig))
    out.append("<table><tr><th>rung</th><th class=n>CV mean ± std</th><th class=n>gain over the rung below</th>"
               "<th>submission file</th></tr>")
    prev = None
    for r, label in zip(rungs, labels):
        gain = "" if prev is None else f"{(r.cv_mean - prev) if task.greater else (prev - r.cv_mean):+.5f}"
        out.append(f"<tr><td>{_e(label)}</td><td class=n>{_f(r.cv_mean)} ± {_f(r.cv_std)}</td><td class=n>{gain}</td>"
                   f"<td><code>{_e(r.submission_path.name)}</code> of run {r.id}</td></tr>")
        prev = r.cv_mean
    return "".join(out) + "</table>"


def _wrap(s: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(s, width)) or s


def _timeline_section(task, runs) -> str:
    out = ["<h2>4. Experiments over time</h2>"]
    scored = [r for r in runs if r.cv_mean is not None]
    if not scored:
        return out[0] + "<p>No runs yet.</p>"
    fig, ax = _fig(8.5, 3.4)
    x = np.arange(len(scored))
    colors = [GREEN if r.kind == "ensemble" else (GREY if r.kind == "ladder" else BLUE) for r in scored]
    ax.errorbar(x, [r.cv_mean for r in scored], yerr=[r.cv_std or 0 for r in scored], fmt="none", ecolor="#afb8c1")
    ax.scatter(x, [r.cv_mean for r in scored], c=colors, zorder=3, label="CV (ladder grey, runs blue, blends green)")
    pub = [(i, r.public_score) for i, r in enumerate(scored) if r.public_score is not None]
    if pub:
        ax.scatter([p[0] for p in pub], [p[1] for p in pub], marker="D", color=ORANGE, zorder=4, label="public score")
    prv = [(i, r.private_score) for i, r in enumerate(scored) if r.private_score is not None]
    if prv:
        ax.scatter([p[0] for p in prv], [p[1] for p in prv], marker="s", color=RED, zorder=4, label="private score")
    ax.set_xticks(x, [str(r.id) for r in scored], fontsize=8)
    ax.set_xlabel("run (in the order recorded)")
    ax.set_ylabel(task.metric.name)
    ax.legend(fontsize=8, frameon=False, loc="best")
    out.append(_png(fig))
    splits = sorted({r.split_id for r in scored})
    if len(splits) > 1:
        out.append(f"<p class=\"note warn\">These runs used {len(splits)} different fold assignments (splits "
                   f"{', '.join(map(str, splits))}): a CV is comparable only with CVs of the same split.</p>")
    small = [r for r in scored if r.frac < 1]
    if small:
        out.append(f"<p>{len(small)} run(s) were exploratory, on a seeded subset of the rows "
                   f"({', '.join(sorted({f'{r.frac:.0%}' for r in small}))}).</p>")
    return "".join(out)


def _tracking_section(task, tracking) -> str:
    out = ["<h2>5. Does the CV track the leaderboard?</h2>"]
    if tracking is None or not tracking.points:
        return out[0] + ("<p>No submitted runs yet: submit with <code>coach.submit(run)</code> to see your CV beside "
                         "the public score.</p>")
    pts = [p for p in tracking.points if p.public is not None]
    if pts:
        fig, ax = _fig(6.5, 4.6)
        cv = np.array([p.cv for p in pts])
        pub = np.array([p.public for p in pts])
        band = np.array([p.band if np.isfinite(p.band) else 0 for p in pts])
        lo, hi = float(min(cv.min(), pub.min())), float(max(cv.max(), pub.max()))
        pad = (hi - lo) * 0.12 or abs(hi) * 0.05 or 1
        grid = np.linspace(lo - pad, hi + pad, 50)
        b = float(np.median(band))
        ax.fill_between(grid, grid - b, grid + b, color=BLUE, alpha=0.12, label=f"noise band of the public split (±{b:.4f})")
        ax.plot(grid, grid, color=BLUE, lw=1)
        ax.errorbar(cv, pub, yerr=band, fmt="o", color=ORANGE, ecolor="#f0b27a", capsize=3, label="submitted runs")
        for p in pts:
            ax.annotate(str(p.run_id), (p.cv, p.public), textcoords="offset points", xytext=(5, 4), fontsize=8)
        ax.set_xlabel(f"CV {task.metric.name}")
        ax.set_ylabel(f"public {task.metric.name}")
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.grid(color="#eaeef2")
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        out.append(_png(fig))
    cls = "good" if tracking.tracks else ("bad" if tracking.tracks is False else "")
    out.append(f'<div class="note {cls}">' + "<br>".join(_e(m) for m in tracking.messages) + "</div>")
    if tracking.postmortem:
        out.append("<h3>After the reveal</h3><ul>" + "".join(f"<li>{_e(m)}</li>" for m in tracking.postmortem) + "</ul>")
    return "".join(out)


def _ensemble_section(task, runs) -> str:
    out = ["<h2>6. Ensembling</h2>"]
    blends = [r for r in runs if r.kind == "ensemble"]
    if not blends:
        return out[0] + "<p>No blend yet: <code>coach.ensemble()</code> blends your recorded runs.</p>"
    e = blends[-1]
    members = [r for r in runs if r.id in set(e.extra.get("members", []))]
    alike = {int(k): v for k, v in (e.extra.get("member_scores") or {}).items()}
    best = next((r for r in members if r.id == e.extra.get("best_single")), None)
    base = alike.get(best.id) if best is not None else None
    if best is None or base is None:  # a blend recorded before like-for-like scores were kept
        for r in members:
            if r.cv_mean is not None and (best is None or task.better(r.cv_mean, best.cv_mean)):
                best = r
        base = best.cv_mean if best is not None else None
    methods = [m for m in e.extra.get("methods", []) if m.get("honest") is not None]
    if best is not None and base is not None and methods:
        def gain(v):
            return (v - base) if task.greater else (base - v)

        fig, ax = _fig(8.5, 3.0)
        names = [m["method"] for m in methods]
        vals = [gain(m["honest"]) for m in methods]
        errs = [m["honest_std"] or 0 for m in methods]
        cols = [GREEN if m["method"] == e.params.get("method") else BLUE for m in methods]
        ax.bar(range(len(vals)), vals, yerr=errs, color=cols, capsize=4, width=0.6)
        ax.axhline(0, color="#57606a", lw=1)
        ax.set_xticks(range(len(vals)), names, fontsize=8.5)
        top = max(max(abs(v) + s for v, s in zip(vals, errs)), 1e-12)
        ax.set_ylim(-top * 1.15, top * 1.15)  # symmetric around zero: a bar's height is its gain
        ax.set_ylabel(f"gain in {task.metric.name}")
        ax.set_title(f"Gain of each blend over the best single run ({_wrap(best.name.replace('ladder: ', ''), 30)}), "
                     f"like for like", loc="left", fontsize=10)
        out.append(_png(fig))
        chosen = next(m for m in methods if m["method"] == e.params.get("method"))
        g = gain(chosen["honest"])
        w = e.extra.get("weights") or {}
        out.append(f'<div class="note {"good" if g > 0 else "warn"}">Run {e.id}: <b>{_e(e.params.get("method"))}</b> '
                   f"blend of {len(members)} runs, honest {task.metric.name} {_f(chosen['honest'])} vs the best single "
                   f"run's {_f(base)} on the same folds and the same predictions: gain {g:+.5f}."
                   + (" Weights: " + ", ".join(f"{_e(k)} {v:.2f}" for k, v in sorted(w.items(), key=lambda t: -t[1]))
                      if w else "") + "</div>")
    return "".join(out)


def _timing_section(runs) -> str:
    out = ["<h2>7. Where the time went</h2>"]
    timed = [r for r in runs if r.fit_seconds is not None]
    if not timed:
        return out[0] + "<p>No timed runs yet.</p>"
    fig, ax = _fig(8.5, 0.32 * len(timed) + 1.2)
    labels = [f"{r.id} {r.name[:34]}" for r in timed][::-1]
    fit = [r.fit_seconds or 0 for r in timed][::-1]
    pred = [r.predict_seconds or 0 for r in timed][::-1]
    ax.barh(labels, fit, color=BLUE, label="fit")
    ax.barh(labels, pred, left=fit, color=ORANGE, label="predict")
    ax.set_xlabel("seconds, summed over the folds")
    ax.grid(axis="x", color="#eaeef2")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, frameon=False)
    out.append(_png(fig))
    total = sum(fit) + sum(pred)
    out.append(f"<p>{len(timed)} runs took {total:.1f} s of fitting and predicting in all.</p>")
    return "".join(out)


def _runs_table(runs) -> str:
    out = ["<h2>8. Every run</h2>"]
    if not runs:
        return out[0] + "<p>No runs yet.</p>"
    out.append("<table><tr><th>run</th><th>name</th><th>kind</th><th class=n>rows</th><th class=n>CV</th>"
               "<th class=n>public</th><th class=n>private</th><th class=n>fit s</th><th class=n>memory MB</th>"
               "<th>code</th></tr>")
    for r in runs:
        code = r.code or {}
        commit = (code.get("commit") or "")[:8] + (" +changes" if code.get("dirty") else "") if code.get("git") else "–"
        out.append(f"<tr><td class=n>{r.id}</td><td>{_e(r.name)}</td><td>{_e(r.kind)}</td>"
                   f"<td class=n>{r.frac:.0%}</td><td class=n>{_f(r.cv_mean)} ± {_f(r.cv_std, 4)}</td>"
                   f"<td class=n>{_f(r.public_score)}</td><td class=n>{_f(r.private_score)}</td>"
                   f"<td class=n>{_f(r.fit_seconds, 2)}</td><td class=n>{_f(r.peak_memory_mb, 0)}</td>"
                   f"<td><code>{_e(commit)}</code></td></tr>")
    return "".join(out) + "</table>"
