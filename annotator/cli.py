"""The `annotator` command line: init, import, list, show, segment, gui.

Exit codes: 0 success, 1 unexpected error, 2 bad input or usage, 3 store error, 4 integrity
error, 5 edit conflict. Errors print one line on stderr; `--debug` adds the traceback.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from annotator import __version__
from annotator.alignment.beads import format_bead
from annotator.alignment.embedding_cache import MemoryEmbeddingCache
from annotator.alignment.engine import LOW_CONFIDENCE, align
from annotator.alignment.pair_alignment import align_layer_sentences, paragraph_numbers
from annotator.audit import command_line_actor, record
from annotator.db import DB_ENV_VAR
from annotator.errors import AnnotatorError, InputError
from annotator.importing import (
    ImportOptions,
    PairFiles,
    find_folder_pairs,
    import_pairs,
    pair_name_for,
    propose_alignment,
)
from annotator.layers import (
    alignment,
    automatic_layer,
    layer_progress,
    replace_alignment,
    replace_segmentation,
    sentence_spans,
)
from annotator.model import DocumentPair, Layer, LayerKind, Project, Side
from annotator.projects import create_project, find_project, load_schema
from annotator.script import Direction
from annotator.segmentation import line_sentences, split_sentences
from annotator.store import Store
from annotator.terminal import Column, render_side_by_side
from annotator.textfile import read_text_file

app = typer.Typer(
    name="annotator",
    help="Annotate bilingual document pairs: sentence alignment, entities and their links.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {"db": None, "debug": False, "user": None}
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # piped: do not squeeze tables into 80 columns and cut names
    out.width = 160


def _version(value: bool) -> None:
    if value:
        print(f"annotator {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help=f"Store to use: a SQLite file path or a SQLAlchemy URL (postgresql://…). "
            f"Default: ${DB_ENV_VAR}, else annotator.sqlite3 in the user data folder.",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="NAME",
            help="Who makes the changes (recorded in the audit trail). "
            "Default: the OS user, marked '(command line)'.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Annotate bilingual document pairs: sentence alignment, entities and their links."""
    _state.update(db=db, debug=debug, user=user)


def _open() -> Store:
    return Store.open(_state["db"])


def _actor() -> str:
    return str(_state["user"]) if _state["user"] else command_line_actor()


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="Project name.")],
    source_lang: Annotated[
        str,
        typer.Option("--source-lang", "-s", help="Source language (ISO 639: en, ar, fr, de …)."),
    ],
    target_lang: Annotated[str, typer.Option("--target-lang", "-t", help="Target language.")],
    schema: Annotated[
        str, typer.Option(help="Entity label schema: a built-in name (news) or a JSON file.")
    ] = "news",
) -> None:
    """Create a project with a language pair and an entity label schema."""
    labels = load_schema(schema)
    store = _open()
    with store.write() as session:
        project = create_project(session, name, source_lang, target_lang, _actor(), labels)
        out.print(
            f"created project {project.id} {project.name!r} "
            f"({project.source_lang} → {project.target_lang}) in {store.describe()}"
        )


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(
            help="Source-language file, or a folder of NAME.<src>.txt + NAME.<tgt>.txt pairs."
        ),
    ],
    target: Annotated[
        Path | None, typer.Argument(help="Target-language file (omit for a folder).")
    ] = None,
    project_ref: Annotated[
        str | None,
        typer.Option(
            "--project",
            "-p",
            help="Project name or id (may be omitted when the store has one project).",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name of the pair (default: the files' common stem).")
    ] = None,
    presegmented: Annotated[
        bool,
        typer.Option(
            "--presegmented",
            help="Files hold one sentence per line; keep the lines as the sentences.",
        ),
    ] = False,
    source_direction: Annotated[
        Direction | None,
        typer.Option(help="Override the source direction detected from the script."),
    ] = None,
    target_direction: Annotated[
        Direction | None,
        typer.Option(help="Override the target direction detected from the script."),
    ] = None,
) -> None:
    """Import a pair of plain-text files or a folder of pairs, all in one transaction."""
    options = ImportOptions(presegmented, source_direction, target_direction)
    store = _open()
    with store.write() as session:
        project = find_project(session, project_ref)
        if source.is_dir():
            if target is not None:
                raise InputError("give either a folder or two files, not a folder and a file")
            files = find_folder_pairs(source, project.source_lang, project.target_lang)
        else:
            if target is None:
                raise InputError(f"{source}: give the target file too (or a folder of pairs)")
            files = [PairFiles(name or pair_name_for(source, target), source, target)]
        with Progress(
            TextColumn("reading {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=len(files) < 2,
        ) as bar:
            task = bar.add_task("pairs", total=len(files))
            report = import_pairs(
                session, project, files, _actor(), options, progress=lambda _n: bar.advance(task)
            )
    for warning in report.warnings:
        err.print(f"warning: {warning}")
    for dup_name, dup_id, existing in report.duplicates:
        where = f"pair {dup_id} {existing!r}" if dup_id >= 0 else f"{existing!r} in this import"
        err.print(f"skipped {dup_name!r}: same texts as {where}")
    for pair_id, pair_name in report.imported:
        out.print(f"imported pair {pair_id} {pair_name!r}")
    out.print(
        f"{len(report.imported)} imported, {len(report.duplicates)} already present "
        f"(project {project.name!r})"
    )


def _layer_rows(session: Any, pair: DocumentPair) -> list[dict[str, Any]]:
    rows = []
    for layer in pair.layers:
        p = layer_progress(session, layer)
        rows.append(
            {
                "layer": layer.id,
                "owner": layer.owner_label,
                "kind": layer.kind,
                "status": layer.status,
                "version": layer.version,
                "sentences": [p.source_sentences, p.target_sentences],
                "beads": p.beads,
                "confirmed": p.confirmed_beads,
                "mentions": p.mentions,
                "links": p.links,
            }
        )
    return rows


@app.command("list")
def list_(
    project_ref: Annotated[
        str | None, typer.Argument(help="Project name or id: list its pairs and their layers.")
    ] = None,
    pair_id: Annotated[int | None, typer.Option("--pair", help="List this pair's layers.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List projects; with a project, its pairs and layers with status and progress."""
    store = _open()
    with store.read() as session:
        if pair_id is not None:
            pair = _get_pair(session, pair_id)
            data: Any = {"pair": pair.id, "name": pair.name, "layers": _layer_rows(session, pair)}
        elif project_ref is not None:
            project = find_project(session, project_ref)
            data = {
                "project": project.name,
                "pairs": [
                    {
                        "pair": p.id,
                        "name": p.name,
                        "source": p.source.original_name,
                        "target": p.target.original_name,
                        "layers": _layer_rows(session, p),
                    }
                    for p in project.pairs
                ],
            }
        else:
            data = {
                "projects": [
                    {
                        "project": p.id,
                        "name": p.name,
                        "source_lang": p.source_lang,
                        "target_lang": p.target_lang,
                        "pairs": len(p.pairs),
                    }
                    for p in session.scalars(select(Project).order_by(Project.id))
                ]
            }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if "projects" in data:
        table = Table("id", "project", "languages", "pairs", title=f"store: {store.describe()}")
        for p in data["projects"]:
            table.add_row(
                str(p["project"]),
                p["name"],
                f"{p['source_lang']} → {p['target_lang']}",
                str(p["pairs"]),
            )
        if not data["projects"]:
            out.print(f"no projects in {store.describe()}; create one with `annotator init`")
            return
        out.print(table)
        return
    pairs = data.get("pairs", [data])
    table = Table(
        "pair",
        "name",
        "layer",
        "owner",
        "status",
        "sentences",
        "beads (confirmed)",
        "mentions",
        "links",
    )
    table.columns[1].no_wrap = True
    for p in pairs:
        for i, layer in enumerate(p["layers"]):
            table.add_row(
                str(p["pair"]) if i == 0 else "",
                p["name"] if i == 0 else "",
                str(layer["layer"]),
                layer["owner"],
                layer["status"],
                f"{layer['sentences'][0]} / {layer['sentences'][1]}",
                f"{layer['beads']} ({layer['confirmed']})",
                str(layer["mentions"]),
                str(layer["links"]),
            )
    out.print(table)


def _get_pair(session: Any, pair_id: int) -> DocumentPair:
    pair = session.get(DocumentPair, pair_id)
    if pair is None:
        raise InputError(f"no pair {pair_id}; `annotator list PROJECT` shows the pairs")
    return pair  # type: ignore[no-any-return]


def _pick_layer(session: Any, pair: DocumentPair, ref: str) -> Layer:
    for layer in pair.layers:
        if ref in (layer.kind, layer.owner_label, str(layer.id)) and (
            ref != LayerKind.ANNOTATOR.value
        ):
            return layer
    names = ", ".join(sorted({layer.owner_label for layer in pair.layers}))
    raise InputError(f"pair {pair.id} has no layer {ref!r} (layers: {names})")


@app.command()
def show(
    pair_id: Annotated[int, typer.Argument(help="Pair id (see `annotator list PROJECT`).")],
    layer_ref: Annotated[
        str, typer.Option("--layer", help="automatic, gold, an annotator's name, or a layer id.")
    ] = "automatic",
    logical: Annotated[
        bool,
        typer.Option(
            "--logical/--visual",
            help="--visual (default) shapes Arabic and reorders each line for terminals that "
            "do NOT "
            "do bidi themselves (xterm, most IDE consoles, Windows Terminal). --logical prints "
            "text in stored (logical) order for terminals that DO bidi (GNOME Terminal/VTE with "
            "bidi on, Konsole, mlterm) and for pipes.",
        ),
    ] = False,
    width: Annotated[
        int | None, typer.Option(help="Total width in columns (default: the terminal's).")
    ] = None,
) -> None:
    """Print a pair's sentences side by side, one alignment bead per row."""
    store = _open()
    with store.read() as session:
        pair = _get_pair(session, pair_id)
        layer = _pick_layer(session, pair, layer_ref)
        texts = {side: pair.document(side).text for side in Side}
        spans = {side: sentence_spans(session, layer, side) for side in Side}
        beads = alignment(session, layer)
        sentences = {side: [texts[side][s:e] for s, e in spans[side]] for side in Side}
        rows: list[tuple[str | None, list[str], list[str]]] = []
        if beads:
            for i, b in enumerate(beads):
                label = f"{i + 1} {len(b.src)}:{len(b.tgt)}"
                rows.append(
                    (
                        label,
                        [sentences[Side.SOURCE][k] for k in b.src],
                        [sentences[Side.TARGET][k] for k in b.tgt],
                    )
                )
        else:
            n = max(len(sentences[Side.SOURCE]), len(sentences[Side.TARGET]))
            for i in range(n):
                rows.append(
                    (
                        str(i + 1),
                        sentences[Side.SOURCE][i : i + 1],
                        sentences[Side.TARGET][i : i + 1],
                    )
                )
        left, right = (
            Column(cast(Direction, doc.direction), f"{doc.language} · {doc.original_name}")
            for doc in (pair.source, pair.target)
        )
        heading = f"pair {pair_id} {pair.name!r}, layer {layer.owner_label}"
    total = width or shutil.get_terminal_size((120, 24)).columns
    lines = render_side_by_side(rows, left, right, total, "logical" if logical else "visual")
    print(heading)
    for line in lines:
        print(line)


@app.command()
def segment(
    file: Annotated[
        Path | None, typer.Argument(help="A text file to split and print, one sentence per line.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of FILE (en, ar, fr, de …).")
    ] = None,
    pair_id: Annotated[
        int | None,
        typer.Option(
            "--pair", help="Re-segment this stored pair's automatic layer (and re-align it)."
        ),
    ] = None,
    presegmented: Annotated[
        bool, typer.Option("--presegmented", help="Take each line as a sentence.")
    ] = False,
    offsets: Annotated[
        bool,
        typer.Option(
            "--offsets", help="Prefix each sentence with its start and end offsets (code points)."
        ),
    ] = False,
) -> None:
    """Split a file into sentences (printed), or re-segment a stored pair's automatic layer."""
    if (file is None) == (pair_id is None):
        raise InputError("give either FILE (with --lang) or --pair ID")
    if file is not None:
        if lang is None:
            raise InputError("--lang is needed with FILE")
        text = read_text_file(file).text
        spans = line_sentences(text) if presegmented else split_sentences(text, lang)
        for s, e in spans:
            sentence = text[s:e].replace("\n", " ")
            print(f"{s}\t{e}\t{sentence}" if offsets else sentence)
        return
    store = _open()
    with store.write() as session:
        pair = _get_pair(session, pair_id)  # type: ignore[arg-type]
        project = pair.project
        layer = automatic_layer(session, pair)
        counts = []
        for side, lang_ in ((Side.SOURCE, project.source_lang), (Side.TARGET, project.target_lang)):
            text = pair.document(side).text
            spans = line_sentences(text) if presegmented else split_sentences(text, lang_)
            replace_segmentation(session, layer, side, spans)
            counts.append(len(spans))
        propose_alignment(session, layer)
        record(
            session,
            _actor(),
            "resegment",
            project_id=project.id,
            pair_id=pair.id,
            layer_id=layer.id,
            sentences=counts,
            presegmented=presegmented,
        )
    print(
        f"pair {pair_id}: {counts[0]} source and {counts[1]} target sentences "
        "in the automatic layer"
    )


@app.command("align")
def align_(
    source: Annotated[Path | None, typer.Argument(help="Source-language file.")] = None,
    target: Annotated[Path | None, typer.Argument(help="Target-language file.")] = None,
    src_lang: Annotated[str | None, typer.Option("--src-lang", help="Language of SOURCE.")] = None,
    tgt_lang: Annotated[str | None, typer.Option("--tgt-lang", help="Language of TARGET.")] = None,
    pair_id: Annotated[
        int | None,
        typer.Option(
            "--pair", help="Align this stored pair and write its automatic layer instead."
        ),
    ] = None,
    presegmented: Annotated[
        bool, typer.Option("--presegmented", help="Files hold one sentence per line.")
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="auto (embeddings where the model covers both languages, else length), "
            "embedding, or length (Gale-Church)."
        ),
    ] = "auto",
    scores: Annotated[
        bool, typer.Option("--scores", help="Append each bead's score as a third field.")
    ] = False,
) -> None:
    """Align two files and print the beads as [i, j]:[k] lines, or align a stored pair."""
    if engine not in ("auto", "embedding", "length"):
        raise InputError(f"unknown engine {engine!r}: use auto, embedding or length")
    if pair_id is not None:
        if source is not None or target is not None:
            raise InputError("give either two files or --pair ID, not both")
        store = _open()
        with store.write() as session:
            pair = _get_pair(session, pair_id)
            layer = automatic_layer(session, pair)
            beads = align_layer_sentences(
                session,
                layer,
                engine=engine,  # type: ignore[arg-type]
                cache=MemoryEmbeddingCache(),
            )
            replace_alignment(session, layer, beads)
            record(
                session,
                _actor(),
                "align",
                project_id=pair.project_id,
                pair_id=pair.id,
                layer_id=layer.id,
                engine=engine,
                beads=len(beads),
            )
        low = sum(1 for b in beads if b.score is not None and b.score < LOW_CONFIDENCE)
        print(f"pair {pair_id}: {len(beads)} beads in the automatic layer, {low} low-confidence")
        return
    if source is None or target is None or src_lang is None or tgt_lang is None:
        raise InputError("give SOURCE and TARGET with --src-lang and --tgt-lang, or --pair ID")
    sides = []
    for path, lang in ((source, src_lang), (target, tgt_lang)):
        text = read_text_file(path).text
        spans = line_sentences(text) if presegmented else split_sentences(text, lang)
        sides.append(([text[s:e] for s, e in spans], paragraph_numbers(text, spans)))
    (src, src_par), (tgt, tgt_par) = sides
    beads = align(
        src,
        tgt,
        src_lang,
        tgt_lang,
        engine=engine,  # type: ignore[arg-type]
        src_paragraphs=src_par,
        tgt_paragraphs=tgt_par,
    )
    for bead in beads:
        line = format_bead(bead)
        print(f"{line}:{bead.score:.4f}" if scores and bead.score is not None else line)


@app.command()
def gui(
    pair_id: Annotated[int | None, typer.Option("--pair", help="Open this pair at start.")] = None,
) -> None:
    """Open the annotation window (on first start with an empty store, with the demo pair)."""
    found = [e for e in entry_points(group="annotator.frontends") if e.name == "gui"]
    if not found:
        raise AnnotatorError(
            "the GUI is not installed (no 'annotator.frontends' entry point 'gui')"
        )
    launch = found[0].load()
    code = launch(db=_state["db"], pair_id=pair_id, user=_state["user"])
    raise typer.Exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; errors print one line, no traceback."""
    try:
        result = app(args=argv, prog_name="annotator", standalone_mode=False)
    except AnnotatorError as exc:
        if _state["debug"]:
            traceback.print_exc()
        err.print(f"error: {exc}", markup=False)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: message and usage hint, exit 2
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err.print(f"error: {exc}", markup=False)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err.print("interrupted; the last transaction was rolled back")
        return 130
    except Exception as exc:
        if _state["debug"]:
            traceback.print_exc()
        err.print(
            f"error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", markup=False
        )
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
