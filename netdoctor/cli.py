"""The ``netdoctor`` command line. The only module that decides exit codes."""

from __future__ import annotations

import enum
import functools
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from typer.core import TyperCommand

from netdoctor import __version__
from netdoctor import metrics as m
from netdoctor.config import DEFAULT_TIMEOUT, Settings, load_settings, split_selectors
from netdoctor.errors import NetdoctorError
from netdoctor.findings import ExitCode, Report, Verdict
from netdoctor.judge import diagnose
from netdoctor.output.github import render_github
from netdoctor.output.json_report import render_json
from netdoctor.output.junit import render_junit_all
from netdoctor.output.sarif import render_sarif
from netdoctor.output.text import make_console, text_report
from netdoctor.recording import Recording
from netdoctor.target import Target

#: Where the command keeps a script's own arguments (those after ``--``).
SCRIPT_ARGS = "netdoctor.script_args"

app = typer.Typer(
    name="netdoctor",
    help="Diagnose neural networks that do not learn.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class ListFormat(str, enum.Enum):
    text = "text"
    json = "json"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


# Options that check and judge share, one definition each.
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.  \\[default: stdout]")
]
FailOnOption = Annotated[
    FailOn | None, typer.Option(help="Lowest severity that makes the exit code 1.  \\[default: error]")
]
SelectOption = Annotated[
    list[str] | None, typer.Option(help="Only these rule codes or prefixes (ND1, ND301).  \\[default: all]")
]
IgnoreOption = Annotated[
    list[str] | None, typer.Option(help="Skip these rule codes or prefixes.  \\[default: none]")
]
HtmlOption = Annotated[
    Path | None, typer.Option(metavar="FILE", help="Also write the report as one self-contained HTML page.")
]
TensorboardOption = Annotated[
    Path | None, typer.Option(metavar="DIR", help="Also write the recording as TensorBoard events under DIR.")
]
ConfigOption = Annotated[
    Path | None, typer.Option(help="Read settings from this pyproject.toml.  \\[default: the nearest one]")
]
IsolatedOption = Annotated[bool, typer.Option(help="Ignore configuration files.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="No colours in the report.")]
ListFormatOption = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netdoctor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Diagnose neural networks that do not learn."""


def _fail(message: str, debug_detail: str | None = None, debug: bool = False, prefix: str = "") -> typer.Exit:
    """Print one clear line (and the detail under --debug) to stderr; return the exit to raise."""
    err = Console(stderr=True, highlight=False)
    if debug and debug_detail:
        err.print(debug_detail, markup=False, soft_wrap=True)
    prefix = "" if message.startswith(prefix) else prefix
    err.print(f"netdoctor: error: {prefix}{message}", markup=False, style="red", soft_wrap=True)
    return typer.Exit(code=ExitCode.ERROR)


def _show_progress(no_progress: bool) -> bool:
    if no_progress or os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return False
    return Console(stderr=True).is_interactive


def _progress(enabled: bool):
    """A transient progress bar on stderr, or nothing."""
    if not enabled:
        return nullcontext(None)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _render(report: Report, fmt: OutputFormat, to_file: bool, no_color: bool) -> str:
    if fmt is OutputFormat.json:
        return render_json(report, __version__)
    if fmt is OutputFormat.sarif:
        return render_sarif(report, __version__)
    if fmt is OutputFormat.github:
        return render_github(report)
    console = make_console(no_color=no_color or to_file)
    if to_file or not console.is_terminal:
        console.width = 100
    return text_report(report, console)


def _render_all(reports: list[Report], fmt: OutputFormat, to_file: bool, no_color: bool) -> str:
    """One document for one report or several: a JSON array, one SARIF log with a run each, one
    JUnit document with a suite each."""
    if fmt is OutputFormat.junit:
        return render_junit_all(reports, __version__)
    rendered = [_render(report, fmt, to_file, no_color).rstrip("\n") for report in reports]
    if len(rendered) == 1:
        return rendered[0] + "\n"
    if fmt is OutputFormat.json:
        return "[\n" + ",\n".join(rendered) + "\n]\n"
    if fmt is OutputFormat.sarif:
        logs = [json.loads(text) for text in rendered]
        logs[0]["runs"] = [run for log in logs for run in log["runs"]]
        return json.dumps(logs[0], indent=2) + "\n"
    return "\n\n".join(rendered) + "\n"


def _settings_from(
    start: Path,
    config: Path | None,
    isolated: bool,
    overrides: dict[str, Any],
) -> Settings:
    settings = load_settings(start, config, isolated)
    for name, value in overrides.items():
        settings.set(name, value, "command line")
    return settings


class _ScriptArguments(TyperCommand):
    """A command whose arguments after the first ``--`` are the script's own, never targets."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            args, ctx.meta[SCRIPT_ARGS] = args[:cut], args[cut + 1 :]
        return super().parse_args(ctx, args)


@app.command(cls=_ScriptArguments)
def check(
    ctx: typer.Context,
    targets: Annotated[
        list[Path],
        typer.Argument(
            metavar="TARGET...",
            help="Python files: model files with build_model(), or training scripts. "
            "A script's own arguments go after --.",
        ),
    ],
    steps: Annotated[int | None, typer.Option(help="Training steps to observe.  \\[default: 1000]")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Examples per step.  \\[default: 50]")] = None,
    data: Annotated[
        str | None,
        typer.Option(help="mnist (offline), mnist-full (download), or PATH.npz.  \\[default: mnist]"),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Random seed for initialization and shuffling.  \\[default: 0]")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help=f"Seconds a target may run before it is stopped (0: no limit).  \\[default: {DEFAULT_TIMEOUT:g}]"
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    verify: Annotated[
        bool | None,
        typer.Option(
            "--verify/--no-verify",
            help="Test each root cause's fix with a short re-run beside an unchanged one.",
            show_default="no-verify",
        ),
    ] = None,
    verify_steps: Annotated[
        int | None, typer.Option(help="Training steps of each verification re-run.  \\[default: 300]")
    ] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    save_recording: Annotated[
        Path | None, typer.Option(help="Save what was observed, to judge again later with `netdoctor judge`.")
    ] = None,
    html: HtmlOption = None,
    tensorboard: TensorboardOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    no_color: NoColorOption = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bar (never shown off a terminal or under CI).")
    ] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks and the target's own output.")] = False,
) -> None:
    """Train each TARGET under observation and report why it does (or does not) learn.

    Several targets are observed one after the other, each in its own run; the exit code is the
    worst of theirs (2 over 1 over 0).
    """
    script_args = ctx.meta.get(SCRIPT_ARGS)
    if save_recording is not None and len(targets) > 1:
        raise _fail("--save-recording takes one target")
    overrides = {
        "steps": steps,
        "batch_size": batch_size,
        "data": data,
        "seed": seed,
        "timeout": timeout,
        "fail_on": fail_on.value if fail_on else None,
        "verify": verify,
        "verify_steps": verify_steps,
        "select": split_selectors(select),
        "ignore": split_selectors(ignore),
    }
    run = functools.partial(
        _check_one, config=config, isolated=isolated, overrides=overrides, script_args=script_args,
        written={"--output": output, "--save-recording": save_recording, "--html": html},
        save_recording=save_recording, no_progress=no_progress, debug=debug,
        prefix=len(targets) > 1,
    )  # fmt: skip
    judged: list[tuple[Report, Settings]] = []
    codes: list[int] = []
    for target in targets:
        try:
            judged.append(run(target))
        except typer.Exit as exc:  # this target failed; the others still run
            codes.append(exc.exit_code)
    if judged:
        reports = [report for report, _ in judged]
        _emit_all(reports, fmt, output, no_color, debug)
        _write_pictures(reports, html, tensorboard, debug)
    codes += [report.exit_code(settings.fail_on) for report, settings in judged]
    raise typer.Exit(code=max(codes))


def _check_one(
    target: Path, *, config: Path | None, isolated: bool, overrides: dict[str, Any], script_args: list[str] | None,
    written: dict[str, Path | None], save_recording: Path | None, no_progress: bool, debug: bool, prefix: bool,
) -> tuple[Report, Settings]:  # fmt: skip
    """Observe, judge (and verify) one target; raises the exit of a one-line error."""
    from netdoctor.supervise import observe, shared_observer
    from netdoctor.target import inspect_target

    fail = functools.partial(_fail, prefix=f"{target}: " if prefix else "")
    try:
        found = inspect_target(target)
        settings = _settings_from(found.path, config, isolated, overrides)
        _refuse_to_overwrite_inputs(found.path, settings, written)
    except NetdoctorError as exc:
        raise fail(str(exc)) from None

    started = time.perf_counter()
    # Verification re-runs the target: one long-lived observer serves the check and every re-run.
    shared = shared_observer() if settings.verify and not debug else nullcontext()
    with shared, _progress(_show_progress(no_progress)) as progress:
        task = progress.add_task("starting TensorFlow", total=settings.steps) if progress else None
        recording = observe(
            found,
            steps=settings.steps,
            batch_size=settings.batch_size,
            data=settings.data,
            seed=settings.seed,
            argv=script_args,
            on_record=_progress_updater(progress, task, "training"),
            echo_output=debug,
            timeout=settings.timeout or None,
        )
        recording.meta[m.WALL_SECONDS] = time.perf_counter() - started

        if save_recording is not None:
            try:
                recording.save(save_recording)
            except OSError as exc:
                Console(stderr=True).print(
                    f"netdoctor: warning: cannot save the recording: {exc}", markup=False
                )

        if recording.error is not None and recording.train_loss.size == 0:
            error = recording.error
            detail = "\n".join(part for part in (error.get("output"), error.get("detail")) if part)
            raise fail(error.get("message", "the run failed"), detail, debug)

        report = _judged(recording, settings, debug)
        if settings.verify and report.verdict is Verdict.SICK:
            report = _verified(report, found, settings, script_args, progress, debug)
    return report, settings


def _refuse_to_overwrite_inputs(
    target: Path, settings: Settings, written: dict[str, Path | None], what: str = "the target"
) -> None:
    """netdoctor writes only where asked (``written``: flag -> file), never over the target (or
    recording) or another input, and never two things into one file."""
    inputs = {target.resolve(): what}
    if settings.config_file is not None:
        inputs[settings.config_file.resolve()] = "the configuration file"
    if settings.data.endswith(".npz"):
        inputs[Path(settings.data).resolve()] = "the data"
    claimed: dict[Path, str] = {}
    for flag, path in written.items():
        if path is None:
            continue
        where = path.resolve()
        if where in inputs:
            raise NetdoctorError(f"{flag} {path} is {inputs[where]}; netdoctor never writes over its inputs")
        if path.is_dir():
            raise NetdoctorError(f"{flag} {path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise NetdoctorError(f"{flag} {path}: there is no folder {path.parent}")
        if where in claimed:
            raise NetdoctorError(f"{claimed[where]} and {flag} name the same file")
        claimed[where] = flag


def _progress_updater(
    progress: Progress | None, task: Any, description: str
) -> Callable[[dict[str, Any]], None]:
    """A record callback that moves the progress bar along with the training steps."""

    def on_record(record: dict[str, Any]) -> None:
        if progress is None:
            return
        if record["type"] == "train":
            progress.update(task, description=description, completed=record["start"] + len(record[m.LOSS]))
        elif record["type"] == "meta" and m.LAYERS in record:
            progress.update(task, description=description)

    return on_record


def _verified(
    report: Report,
    found: Target,
    settings: Settings,
    script_args: list[str] | None,
    progress: Progress | None,
    debug: bool,
) -> Report:
    """The report with each root cause's fix tested by a short re-run (``--verify``)."""
    from netdoctor.verification import verify_report

    def watch(what: str, seed: int, steps: int) -> Callable[[dict[str, Any]], None] | None:
        if progress is None:
            return None
        for task in progress.task_ids:
            progress.update(task, visible=False)
        description = f"verifying: {what} (seed {seed})"
        return _progress_updater(progress, progress.add_task(description, total=steps), description)

    return verify_report(
        report, found, batch_size=settings.batch_size, data=settings.data, budget_steps=settings.verify_steps,
        argv=script_args, echo_output=debug, watch=watch,
    )  # fmt: skip


def _judged(recording: Recording, settings: Settings, debug: bool) -> Report:
    try:
        return diagnose(
            recording,
            select=settings.select,
            ignore=settings.ignore,
            options=settings.rule_options,
            settings=settings.as_dict(),
        )
    except Exception as exc:  # noqa: BLE001  (a bug in netdoctor: say so, keep the exit code 2)
        raise _fail(f"internal error while judging: {exc!r}", traceback.format_exc(), debug) from None


def _write_pictures(reports: list[Report], html: Path | None, tensorboard: Path | None, debug: bool) -> None:
    """The HTML page (``--html``) and TensorBoard events (``--tensorboard``) of each report; with
    several targets, one page each (``FILE-<target>.html``) and one folder each (``DIR/<target>``)."""
    for report in reports:
        name = Path(str(report.recording.meta.get(m.TARGET) or "model")).stem
        several = len(reports) > 1
        try:
            if html is not None:
                from netdoctor.output.html import render_html

                page = html.with_name(f"{html.stem}-{name}{html.suffix}") if several else html
                page.write_text(render_html(report, __version__), encoding="utf-8")
            if tensorboard is not None:
                from netdoctor.output.tensorboard import write_tensorboard

                write_tensorboard(report, tensorboard / name if several else tensorboard)
        except NetdoctorError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            raise _fail(f"cannot write {exc.filename or 'the file'}: {exc.strerror or exc}") from None
        except Exception as exc:  # noqa: BLE001  (a bug in netdoctor: say so, keep the exit code 2)
            raise _fail(
                f"internal error while drawing the report: {exc!r}", traceback.format_exc(), debug
            ) from None


def _emit_all(
    reports: list[Report], fmt: OutputFormat, output: Path | None, no_color: bool, debug: bool
) -> None:
    """Write the reports to stdout or ``output``; any failure is one line and exit code 2."""
    try:
        text = _render_all(reports, fmt, output is not None, no_color)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write the report: {exc}") from None
    except Exception as exc:  # noqa: BLE001  (a bug in netdoctor: say so, keep the exit code 2)
        raise _fail(f"internal error while reporting: {exc!r}", traceback.format_exc(), debug) from None
    for report in reports:
        error = report.recording.error
        if debug and error:
            Console(stderr=True).print(error.get("detail", ""), markup=False)


@app.command()
def judge(
    recording_file: Annotated[
        Path, typer.Argument(metavar="RECORDING", help="A file saved with --save-recording.")
    ],
    fmt: FormatOption = OutputFormat.text,
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    html: HtmlOption = None,
    tensorboard: TensorboardOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    no_color: NoColorOption = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Judge a saved recording again, without TensorFlow and without training."""
    try:
        recording = Recording.load(recording_file)
        settings = _settings_from(
            Path.cwd(),
            config,
            isolated,
            {
                "fail_on": fail_on.value if fail_on else None,
                "select": split_selectors(select),
                "ignore": split_selectors(ignore),
            },
        )
        written = {"--output": output, "--html": html}
        _refuse_to_overwrite_inputs(recording_file, settings, written, what="the recording")
    except (OSError, ValueError) as exc:
        raise _fail(f"{recording_file}: cannot read the recording ({exc})") from None
    except NetdoctorError as exc:
        raise _fail(str(exc)) from None
    report = _judged(recording, settings, debug)
    _emit_all([report], fmt, output, no_color, debug)
    _write_pictures([report], html, tensorboard, debug)
    raise typer.Exit(code=report.exit_code(settings.fail_on))


@app.command("rules")
def list_rules(fmt: ListFormatOption = ListFormat.text) -> None:
    """List every rule: code, name, severity and summary."""
    from netdoctor.rules import all_rules

    rules = all_rules()
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps([_explain(r) for r in rules], indent=2) + "\n")
        return
    table = Table("Code", "Name", "Severity", "Summary", box=None, highlight=False)
    for r in rules:
        table.add_row(r.code, r.name, r.severity_policy, r.summary)
    make_console().print(table)


@app.command("rule")
def show_rule(
    code: Annotated[str, typer.Argument(help="A rule code (ND101) or name (constant-weights).")],
    fmt: ListFormatOption = ListFormat.text,
) -> None:
    """Explain one rule: what it checks, why it matters, an example, the fix, its options."""
    import difflib

    from netdoctor.rules import REGISTRY, get_rule

    found = get_rule(code)
    if found is None:
        names = list(REGISTRY) + [r.name for r in REGISTRY.values()]
        close = difflib.get_close_matches(code.upper() if code[:2].upper() == "ND" else code, names, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `netdoctor rules` lists them"
        raise _fail(f"no rule {code!r}{hint}")
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps(_explain(found), indent=2) + "\n")
        return
    options = "\n".join(f"- `{k.replace('_', '-')}` = `{v!r}`" for k, v in found.options.items())
    text = f"# {found.name} ({found.code})\n\nSeverity: **{found.severity_policy}**\n\n{found.doc}\n"
    if options:
        text += f"\n**Option defaults** (`[tool.netdoctor.rules.{found.name}]`):\n\n{options}\n"
    make_console().print(Markdown(text))


def _explain(rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "severity_policy": rule.severity_policy,
        "tier": rule.tier,
        "explained_by": sorted(rule.explained_by),
        "requires": sorted(rule.requires),
        "summary": rule.summary,
        "explanation": rule.doc,
        "options": rule.options,
    }


def main() -> None:
    """Console-script entry point."""
    app()
