#!/usr/bin/env python3
"""Writes the pandas fixtures of packages/delimited/testdata/pandas/ (run by hand, not by CI).

Each fixture is a small benchmark TSV with cells pandas changes on reading, and next to it what
pandas 2.3.3's `read_csv(sep='\\t')` makes of it (dtypes, Python's str() of every cell, NaN
flags) and the prompts VLMEvalKit builds from it. The prompt rules are VLMEvalKit's own code: the
`__init__`/`build_prompt` methods of ImageBaseDataset, ImageMCQDataset, ImageYORNDataset,
ImageVQADataset and of the Video-MME, MVBench and MMBench-Video classes are taken from the
VLMEvalKit checkout (commit e8e78f05f3080fe28154f2130321f17951c3be94) with `ast` and executed
here on stand-in objects that skip image decoding and frame extraction, so nothing but pandas
needs installing.

Usage:
  python -m venv /tmp/pdvenv
  /tmp/pdvenv/bin/pip install pandas==2.3.3 numpy==2.3.5 xlsxwriter==3.2.9 openpyxl==3.1.5
  /tmp/pdvenv/bin/python scripts/pandas_fixtures.py [--vlmevalkit /work/vlmevalkit]
  /tmp/pdvenv/bin/python scripts/pandas_fixtures.py --check-xlsx OUR.xlsx
      (reads a prediction xlsx written by scripts/pandas_fixture_predictions.ts with
      pd.read_excel and compares it, types included, with VLMEvalKit's own file for the same
      rows; exit 1 when they differ)
"""

import argparse
import ast
import io
import json
import os
import os.path as osp
import random
import string
import sys
import tempfile

PINNED = {"pandas": "2.3.3", "xlsxwriter": "3.2.9", "openpyxl": "3.1.5"}
HERE = osp.dirname(osp.abspath(__file__))
OUT = osp.join(HERE, "..", "packages", "delimited", "testdata", "pandas")
NA_STRINGS = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
              "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
# A 1x1 PNG: VLMEvalKit's readers only need the image cell to be long (> 64 characters).
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
       "RU5ErkJggg==")


def check_versions():
    import pandas
    import openpyxl
    import xlsxwriter
    found = {"pandas": pandas.__version__, "xlsxwriter": xlsxwriter.__version__,
             "openpyxl": openpyxl.__version__}
    wrong = {k: v for k, v in found.items() if v != PINNED[k]}
    if wrong:
        sys.exit(f"pandas_fixtures.py needs {PINNED}: found {found}")
    return found


# --- VLMEvalKit's own code, taken from its source -------------------------------------------

def _source(root, rel):
    with open(osp.join(root, rel), encoding="utf-8") as f:
        return ast.parse(f.read(), filename=rel)


def _function(tree, name):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise SystemExit(f"VLMEvalKit: no function {name}")


def _class(tree, name, keep, base):
    """The class `name` with only the members in `keep`, deriving from `base`."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            body = []
            for member in node.body:
                if isinstance(member, ast.FunctionDef) and member.name in keep:
                    member.decorator_list = []
                    body.append(member)
                elif isinstance(member, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id in keep for t in member.targets):
                    body.append(member)
            missing = set(keep) - {getattr(m, "name", None) or m.targets[0].id for m in body}
            if missing:
                raise SystemExit(f"VLMEvalKit: {name} has no {sorted(missing)}")
            node.body = body
            node.bases = [ast.Name(id=base, ctx=ast.Load())]
            node.keywords = []
            return node
    raise SystemExit(f"VLMEvalKit: no class {name}")


class Stand:
    """What VLMEvalKit's datasets need from their environment, without files or decoding."""

    def __init__(self, frame):
        self._frame = frame

    def load_data(self, dataset):
        return self._frame.copy()

    def post_build(self, dataset):
        pass

    def dump_image(self, line):
        return [f"{line['index']}.png"]

    def save_video_frames(self, video, video_llm=False):
        return ["frame-1.jpg", "frame-2.jpg"], [0, 1], {"fps": 1}

    def save_video_into_images(self, line):
        return ["frame-1.jpg", "frame-2.jpg"]


def vlmevalkit_classes(root):
    import numpy as np
    import pandas as pd

    misc = _source(root, "vlmeval/smp/misc.py")
    base = _source(root, "vlmeval/dataset/image_base.py")
    module = ast.Module(body=[
        _function(misc, "istype"), _function(misc, "toliststr"), _function(base, "img_root_map"),
        _class(base, "ImageBaseDataset", ["__init__", "build_prompt"], "Stand"),
        _class(_source(root, "vlmeval/dataset/image_mcq.py"), "ImageMCQDataset",
               ["build_prompt"], "ImageBaseDataset"),
        _class(_source(root, "vlmeval/dataset/image_yorn.py"), "ImageYORNDataset",
               ["build_prompt"], "ImageBaseDataset"),
        _class(_source(root, "vlmeval/dataset/image_vqa.py"), "ImageVQADataset",
               ["build_prompt"], "ImageBaseDataset"),
        _class(_source(root, "vlmeval/dataset/videomme.py"), "VideoMME",
               ["SYS", "FRAMES_TMPL_NOSUB", "build_prompt"], "Stand"),
        _class(_source(root, "vlmeval/dataset/mvbench.py"), "MVBench",
               ["SYS", "qa_template", "build_prompt"], "Stand"),
        _class(_source(root, "vlmeval/dataset/mmbench_video.py"), "MMBenchVideo",
               ["SYS", "FRAMES_TMPL_PACK", "FRAMES_TMPL_NOPACK", "build_prompt_nopack",
                "build_prompt_pack"], "Stand"),
    ], type_ignores=[])
    ast.fix_missing_locations(module)
    scope = {"np": np, "pd": pd, "osp": osp, "os": os, "string": string, "json": json,
             "Stand": Stand, "LMUDataRoot": lambda: tempfile.gettempdir()}
    exec(compile(module, "vlmevalkit-e8e78f05", "exec"), scope)
    return scope


# --- The fixtures ---------------------------------------------------------------------------

def tsv(rows):
    """TSV text as benchmark files are written: pandas QUOTE_MINIMAL by hand (quotes, tabs and
    newlines quoted), `\\n` line ends."""
    def field(cell):
        if any(c in cell for c in '"\t\n\r'):
            return '"' + cell.replace('"', '""') + '"'
        return cell
    return "".join("\t".join(field(c) for c in row) + "\n" for row in rows)


def image_fixtures():
    header = ["index", "image", "question", "hint", "A", "B", "C", "D", "answer", "category"]
    numeric_options = [header] + [
        [str(i), PNG, f"Which value is {i}?", h, a, b, c, d, ans, "math"]
        for i, (h, a, b, c, d, ans) in enumerate([
            ("0", "1", "0.50", "000", "20", "B"),
            ("", "2", "0.5", "0", "20.0", "A"),
            ("1.5", "3", "1e-5", "7", "1E16", "C"),
            ("NA", "4", "-0.0", "12", "inf", "D"),
            ("2", "5", "0.1", "", "-inf", "A"),
            ("3", "6", "0.30000000000000004", "9", "1.2345678901234567890", "B"),
        ])
    ]
    missing = [header]
    for i, na in enumerate(NA_STRINGS):
        missing.append([str(100 + i), PNG, na if i % 3 == 0 else f"Question {i}", na,
                        f"left {i}", "right", na, "None" if i % 2 else "up", "A", na])
    mixed = [["index", "image", "question", "A", "B", "C", "answer", "flag", "code", "note"]] + [
        ["007", PNG, "007", "007", "TRUE", "1_000", "A", "True", "0x10", "x"],
        ["8", PNG, "1e3", "8", "false", "2", "B", "False", "1,5", "None"],
        ["09", PNG, "  12  ", "09", "True", "3", "C", "", "-", "NULL"],
        ["10", PNG, "9223372036854775808", "10", "true", "4", "A", "true", "+5", ""],
    ]
    long_text = "长" * 3000 + " end"
    cjk = [["index", "image", "question", "A", "B", "answer", "hint"]] + [
        ["1", PNG, "图中有几个苹果？", "三个", "四个", "A", "中文提示"],
        ["2", PNG, 'Say "hi"\tthen\nleave', "a\tb", 'quote "x"', "B", long_text],
        ["3", PNG, "Émoji 🍎 ok?", "🍎", "None", "A", "N/A"],
    ]
    yes_no = [["index", "image", "question", "answer", "category"]] + [
        ["1", PNG, "Is it red?", "Yes", "color"],
        ["2", PNG, "None", "No", "NA"],
        ["3", PNG, "2", "Yes", "count"],
        ["4", PNG, "null", "No", ""],
    ]
    vqa = [["index", "image", "question", "answer"]] + [
        ["1", PNG, "What is written?", "None"],
        ["2", PNG, "How much?", "0.50"],
        ["3", PNG, "Which code?", "007"],
        ["4", PNG, "What is missing?", "N/A"],
        ["5", PNG, "What word?", "nan"],
        ["6", PNG, "NA", "cat"],
    ]
    numeric_question = [["index", "image", "question", "answer"]] + [
        ["1", PNG, "12", "12"],
        ["2", PNG, "0.5", "0.5"],
        ["3", PNG, "", "x"],
    ]
    skipped_rows = [["index", "image", "question", "A", "B", "answer"]] + [
        ["1", PNG, "Kept?", "yes", "no", "A"],
        ["2", "NA", "Dropped: image NA", "yes", "no", "A"],
        ["3", "None", "Dropped: image None", "yes", "no", "B"],
        ["4", PNG, "Kept too", "0.50", "no", "B"],
    ]
    return {
        "numeric_options": (numeric_options, ["mcq"]),
        "missing_values": (missing, ["mcq"]),
        "mixed_columns": (mixed, ["mcq"]),
        "cjk_long": (cjk, ["mcq"]),
        "yes_no": (yes_no, ["yorn", "yorn_amber"]),
        "vqa_answers": (vqa, ["vqa"]),
        "numeric_question": (numeric_question, ["vqa", "yorn"]),
        "skipped_rows": (skipped_rows, ["mcq"]),
    }


def video_fixtures():
    videomme = [["index", "video", "question", "candidates", "answer"]] + [
        ["0", "v1", "How many?", "['A. 0.50', 'B. 20', 'C. None', 'D. NA']", "A"],
        ["1", "v1", "NA", "['A. yes', 'B. no']", "B"],
        ["2", "v2", "20", "['A. 1', 'B. 2']", "A"],
    ]
    mvbench = [["index", "video", "question", "candidates", "answer", "bound", "start", "end"]] + [
        ["0", "a.mp4", "What happens?", "['left', 'right']", "left", "False", "", ""],
        ["1", "b.mp4", "None", "['0.50', '20']", "20", "True", "1", "2.50"],
        ["2", "c.mp4", "0.5", "['x', 'y']", "x", "False", "NA", "NA"],
    ]
    open_video = [["index", "video", "question", "answer"]] + [
        ["0", "v1", "What color?", "None"],
        ["1", "v1", "N/A", "blue"],
        ["2", "v2", "Why?", "0.50"],
    ]
    return {"video_mcq": videomme, "video_mvbench": mvbench, "video_open": open_video}


def frame_json(df):
    import pandas as pd
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(df[c].dtype) for c in df.columns],
        "cells": [[str(v) for v in df[c].tolist()] for c in df.columns],
        "missing": [[bool(pd.isna(v)) for v in df[c].tolist()] for c in df.columns],
    }


def read(text):
    import pandas as pd
    return pd.read_csv(io.StringIO(text), sep="\t")


def prompt_text(message):
    texts = [m["value"] for m in message if m["type"] == "text"]
    return texts[-1] if isinstance(texts[-1], str) else {"value": str(texts[-1]),
                                                         "type": type(texts[-1]).__name__}


def image_prompts(scope, name, df, kinds):
    classes = {"mcq": "ImageMCQDataset", "yorn": "ImageYORNDataset",
               "yorn_amber": "ImageYORNDataset", "vqa": "ImageVQADataset"}
    out = {}
    for kind in kinds:
        cls = scope[classes[kind]]
        dataset = cls.__new__(cls)
        Stand.__init__(dataset, df)
        cls.__init__(dataset, "AMBER" if kind == "yorn_amber" else name)
        rows = []
        for i in range(len(dataset.data)):
            line = dataset.data.iloc[i]
            entry = {"index": str(line["index"])}
            try:
                entry["text"] = prompt_text(dataset.build_prompt(line))
            except Exception as error:  # VLMEvalKit fails on this row
                entry["error"] = f"{type(error).__name__}: {error}"
            rows.append(entry)
        data = dataset.data
        out[kind] = {
            "prompts": rows,
            "index": [str(x) for x in data["index"]],
            "index_type": type(data["index"].iloc[0]).__name__ if len(data) else None,
        }
        if "answer" in data:
            out[kind]["answers"] = [str(x) for x in data["answer"]]
    return out


def video_prompts(scope, kind, df):
    import numpy as np
    cls = {"video_mcq": "VideoMME", "video_mvbench": "MVBench", "video_open": "MMBenchVideo"}[kind]
    cls = scope[cls]
    dataset = cls.__new__(cls)
    Stand.__init__(dataset, df)
    dataset.data = df.copy()
    if "index" not in dataset.data:
        dataset.data["index"] = np.arange(len(dataset.data))
    dataset.use_subtitle, dataset.fps, dataset.pack = False, -1, False
    rows = []
    for i in range(len(dataset.data)):
        line = dataset.data.iloc[i]
        entry = {"index": str(line["index"])}
        try:
            if kind == "video_open":
                message = dataset.build_prompt_nopack(line, False)
                entry["text"] = message[-1]["value"]
            elif kind == "video_mvbench":
                message = dataset.build_prompt(line, False)
                entry["text"] = [m for m in message if m["type"] == "text"][1]["value"]
            else:
                entry["text"] = dataset.build_prompt(line, False)[-1]["value"]
        except Exception as error:
            entry["error"] = f"{type(error).__name__}: {error}"
        rows.append(entry)
    return {"prompts": rows, "answers": [str(x) for x in dataset.data["answer"]]}


def fuzz_table(seed=20240607, width=48, height=10):
    rng = random.Random(seed)
    tokens = NA_STRINGS + [
        "0", "007", "-0", "+5", " 7", "7 ", "1_000", "0x10", "1,5", "1d3", "1e", "1e+", ".", "-",
        ".5", "5.", "-.5e-3", "1e400", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "1.8e308", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "inf", "-inf",
        "Infinity", "+inf", "INF", "iNf", " inf", "True", "False", "TRUE", "false", "tRuE",
        "yes", "A. left", "中文", "1.0", "2.50", "0.30000000000000004", "1e4294967297",
    ]
    columns = []
    for c in range(width):
        mode = rng.random()
        cells = []
        for _ in range(height):
            u = rng.random()
            if u < 0.12:
                cells.append(rng.choice(NA_STRINGS))
            elif mode < 0.25:
                cells.append(str(rng.randint(-1000, 1000)))
            elif mode < 0.4:
                cells.append(rng.choice(["True", "False", "true", "FALSE"]))
            elif mode < 0.7:
                cells.append(rng.choice([
                    repr(rng.uniform(-1, 1) * 10.0 ** rng.randint(-300, 300)),
                    "%.*e" % (rng.randint(0, 22), rng.uniform(-1e5, 1e5)),
                    "%.*f" % (rng.randint(0, 25), rng.uniform(-1e6, 1e6)),
                ]))
            else:
                cells.append(rng.choice(tokens))
        columns.append(cells)
    header = [f"c{c}" for c in range(width)]
    return [header] + [[columns[c][r] for c in range(width)] for r in range(height)]


def chunked_spec():
    """A table wide enough (2**16 columns) that pandas types it in blocks of 8 rows."""
    return {
        "width": 65536,
        "filler": "z",
        "columns": {
            "ints_then_na": ["007", "1", "2", "3", "4", "5", "6", "7", "NA", "5", "6", "7"],
            "ints_then_text": ["1", "2", "3", "4", "5", "6", "7", "8", "x", "10", "11", "12"],
            "ints_then_float": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "1.5", "12"],
            "bools_then_ints": ["True", "False", "True", "False", "True", "False", "True",
                                "False", "1", "0", "1", "0"],
            "bools_then_na": ["True", "False", "True", "False", "True", "False", "True",
                              "False", "True", "", "True", "False"],
            "floats_then_text": ["0.50", "1", "2", "3", "4", "5", "6", "7", "8", "9", "x", ""],
            "text_then_ints": ["x", "1", "2", "3", "4", "5", "6", "7", "007", "9", "10", "11"],
        },
    }


def chunked_text(spec):
    names = list(spec["columns"])
    header = names + [f"f{i}" for i in range(spec["width"] - len(names))]
    rows = len(next(iter(spec["columns"].values())))
    filler = [spec["filler"]] * (spec["width"] - len(names))
    lines = ["\t".join(header)]
    for r in range(rows):
        lines.append("\t".join([spec["columns"][n][r] for n in names] + filler))
    return "\n".join(lines) + "\n"


def prediction_frame(scope, df):
    """VLMEvalKit's prediction table for a fixture: the dataset's rows as its __init__ leaves
    them, `image` dropped, `prediction` added as str (inference.py's infer_data_job)."""
    cls = scope["ImageMCQDataset"]
    dataset = cls.__new__(cls)
    Stand.__init__(dataset, df)
    cls.__init__(dataset, "numeric_options")
    data = dataset.data
    answers = ["B", "None", "0.5", "", "=1+1", "N/A"]
    data["prediction"] = [str(answers[i % len(answers)]) for i in range(len(data))]
    data.pop("image")
    return data


def dump_xlsx(data, path):
    """VLMEvalKit's dump() for .xlsx (vlmeval/smp/file.py)."""
    import pandas as pd
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False}}) as writer:
        data.to_excel(writer, index=False)


def xlsx_cells(path):
    """Each cell of the first sheet as (kind, value): what VLMEvalKit's file holds."""
    import openpyxl
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.value is None:
                cells.append(["empty", None])
            elif cell.data_type == "b":
                cells.append(["bool", bool(cell.value)])
            elif cell.data_type == "n":
                cells.append(["number", cell.value])
            else:
                cells.append(["text", str(cell.value)])
        rows.append(cells)
    return rows


def check_xlsx(ours, vlmevalkit_root):
    import pandas as pd
    scope = vlmevalkit_classes(vlmevalkit_root)
    fixtures = image_fixtures()
    df = read(tsv(fixtures["numeric_options"][0]))
    theirs_path = osp.join(tempfile.mkdtemp(), "theirs.xlsx")
    dump_xlsx(prediction_frame(scope, df), theirs_path)
    theirs = pd.read_excel(theirs_path)
    mine = pd.read_excel(ours)
    # Our one deliberate difference: text a spreadsheet would run as a formula gets a leading
    # quote (readPredictions removes it). Undo it before comparing.
    for column in mine.columns:
        if mine[column].dtype == object:
            mine[column] = [v[1:] if isinstance(v, str) and v[:2] in ("'=", "'+", "'-", "'@")
                            else v for v in mine[column]]
    try:
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    except AssertionError as error:
        print(f"read_excel frames differ:\n{error}")
        print(mine.dtypes, theirs.dtypes, sep="\n")
        return 1
    print(f"read_excel({ours}) equals VLMEvalKit's frame ({len(theirs)} rows; dtypes "
          f"{', '.join(f'{c}={t}' for c, t in theirs.dtypes.items())})")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vlmevalkit", default="/work/vlmevalkit",
                        help="VLMEvalKit checkout (commit e8e78f05)")
    parser.add_argument("--out", default=OUT, help="fixture folder")
    parser.add_argument("--check-xlsx", metavar="XLSX",
                        help="compare our prediction xlsx with VLMEvalKit's via pd.read_excel")
    args = parser.parse_args()
    versions = check_versions()
    if args.check_xlsx:
        return check_xlsx(args.check_xlsx, args.vlmevalkit)

    import numpy
    import pandas as pd
    os.makedirs(args.out, exist_ok=True)
    scope = vlmevalkit_classes(args.vlmevalkit)
    manifest = {
        "generator": "scripts/pandas_fixtures.py",
        "vlmevalkit": "e8e78f05f3080fe28154f2130321f17951c3be94",
        "versions": {**versions, "numpy": numpy.__version__, "python": sys.version.split()[0]},
        "image": {}, "video": {}, "tables": [],
    }

    def write(name, rows):
        text = tsv(rows)
        with open(osp.join(args.out, f"{name}.tsv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        df = read(text)
        with open(osp.join(args.out, f"{name}.frame.json"), "w", encoding="utf-8") as f:
            json.dump(frame_json(df), f, ensure_ascii=False, indent=1)
        manifest["tables"].append(name)
        return df

    for name, (rows, kinds) in image_fixtures().items():
        manifest["image"][name] = image_prompts(scope, name, write(name, rows), kinds)
    for name, rows in video_fixtures().items():
        manifest["video"][name] = video_prompts(scope, name, write(name, rows))
    write("fuzz", fuzz_table())

    spec = chunked_spec()
    df = read(chunked_text(spec))
    names = list(spec["columns"])
    chunked = frame_json(df[names])
    with open(osp.join(args.out, "chunked.json"), "w", encoding="utf-8") as f:
        json.dump({"spec": spec, "expected": chunked}, f, indent=1)

    numeric = read(tsv(image_fixtures()["numeric_options"][0]))
    path = osp.join(tempfile.mkdtemp(), "vlmevalkit.xlsx")
    data = prediction_frame(scope, numeric)
    dump_xlsx(data, path)
    back = pd.read_excel(path)
    with open(osp.join(args.out, "prediction_xlsx.json"), "w", encoding="utf-8") as f:
        json.dump({"fixture": "numeric_options", "rows": [[str(v) for v in r] for r in
                   data.astype(object).itertuples(index=False)],
                   "columns": list(data.columns), "dtypes": [str(t) for t in data.dtypes],
                   "cells": xlsx_cells(path), "read_excel": frame_json(back)},
                  f, ensure_ascii=False, indent=1)

    with open(osp.join(args.out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(manifest['tables'])} tables, prompts and chunked.json to {args.out} "
          f"(pandas {versions['pandas']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
