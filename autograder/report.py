"""The class report after grading: score distribution, pass rate per function, misconceptions.

Written by `python -m autograder grade` into OUT/report/:
    report.html          one self-contained page (the plot is embedded; opens offline)
    functions.csv        function, points, learners, passed, pass_rate
    misconceptions.csv   misconception id, learners who hit it, their ids
Misconceptions are the stable identifiers that the exercises' checks put in their failure
messages ("[misconception: gru-sigmoid-candidate]"), read from the autograded notebooks; a
message that names several mistakes at once (a GRU with three deviations) counts each.
"""

import base64
import csv
import html
import io
from collections import Counter, defaultdict

import matplotlib

matplotlib.use("Agg")  # a report is written to files, never shown
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402



def write_report(out_dir, assignment, functions, max_score, results):
    """Write OUT/report/ for the results (autograder.submission.Result) of grading `functions`
    (assignments.GradedFunction) of an assignment out of max_score points; returns report.html's path."""
    folder = out_dir / "report"
    folder.mkdir(exist_ok=True)
    learners = len(results)
    passed = Counter()
    for result in results:
        for function in functions:
            passed[function.name] += result.function_scores.get(function.name, 0) >= function.points
    who = defaultdict(list)
    for result in results:
        for identifier in result.misconceptions:
            who[identifier].append(result.student_id)

    with open(folder / "functions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["function", "points", "learners", "passed", "pass_rate"])
        for function in functions:
            rate = passed[function.name] / learners if learners else 0.0
            writer.writerow([function.name, f"{function.points:g}", learners, passed[function.name], f"{rate:.3f}"])
    with open(folder / "misconceptions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["misconception", "learners", "student_ids"])
        for identifier, students in sorted(who.items(), key=lambda item: (-len(item[1]), item[0])):
            writer.writerow([identifier, len(students), " ".join(sorted(students))])

    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist([r.score for r in results], bins=min(20, int(max_score) + 1), range=(0, max_score),
              color="#4c72b0", edgecolor="white")
    axes.set_xlabel(f"score (out of {max_score:g})")
    axes.set_ylabel("learners")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole learners, never 0.5
    axes.set_title(f"{assignment}: score distribution")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    image = base64.b64encode(buffer.getvalue()).decode()

    rows = "".join(
        f"<tr><td><code>{html.escape(f.name)}</code></td><td>{f.points:g}</td>"
        f"<td>{passed[f.name]} / {learners}</td><td>{(passed[f.name] / learners if learners else 0):.0%}</td></tr>"
        for f in functions)
    mistakes = "".join(
        f"<tr><td><code>{html.escape(i)}</code></td><td>{len(s)}</td><td>{html.escape(' '.join(sorted(s)))}</td></tr>"
        for i, s in sorted(who.items(), key=lambda item: (-len(item[1]), item[0]))) or \
        '<tr><td colspan="3">none recognised</td></tr>'
    mean = sum(r.score for r in results) / learners if learners else 0.0
    problems = sum(1 for r in results if r.status != "graded")
    (folder / "report.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)}: class report</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}td,th{{padding:.2em .8em;text-align:left}}
table{{border-collapse:collapse}}tr:nth-child(even){{background:#f3f3f3}}</style></head><body>
<h1>{html.escape(assignment)}: class report</h1>
<p>{learners} learners, mean score {mean:.2f} / {max_score:g};
{problems} with a status other than "graded" (see grades.csv).</p>
<img alt="Histogram of the learners' scores" src="data:image/png;base64,{image}">
<h2>Pass rate per function</h2>
<table><tr><th>function</th><th>points</th><th>passed</th><th>rate</th></tr>{rows}</table>
<h2>Recognised misconceptions</h2>
<table><tr><th>identifier</th><th>learners</th><th>who</th></tr>{mistakes}</table>
</body></html>
""")
    return folder / "report.html"
