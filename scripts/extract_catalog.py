#!/usr/bin/env python3
"""Writes packages/catalog/catalog.json from VLMEvalKit's dataset classes.

Usage: python3 scripts/extract_catalog.py [--vlmevalkit DIR] [--out FILE] [--check]

Reads (never imports or runs) the Python source of VLMEvalKit's `vlmeval/dataset/` with `ast`:
each class's DATASET_URL / DATASET_MD5 dicts (with the `.update(...)` calls of module-level
dicts), TYPE, the video classes' MD5 and `prepare_dataset` repo, the class list of
`vlmeval/dataset/__init__.py` (a name belongs to the first class that lists it, as in
`build_dataset`) and the video presets of `video_dataset_config.py` (for aliases such as
`MMBench_Video` -> `MMBench-Video`). The scorer of each benchmark follows the dispatch of the
class's `evaluate` (see `scorer_for`); names whose rule is not one of the families below are left
out and listed on stderr.

--check   compare the generated catalog with --out and exit 1 when they differ
Exit: 0 written (or unchanged with --check); 1 differs (--check); 2 bad usage or source.
"""
import argparse
import ast
import json
import os
import re
import subprocess
import sys

EXPECTED_COMMIT = "e8e78f05f3080fe28154f2130321f17951c3be94"

# Classes whose benchmarks the catalog carries, with the evaluation they run.
IMAGE_CLASSES = ["ImageMCQDataset", "MMMUDataset", "ImageYORNDataset", "ImageVQADataset",
                 "OCRBench", "MathVista", "MMVet"]
VIDEO_CLASSES = ["VideoMME", "MVBench", "MMBenchVideo"]

KIND_BY_TYPE = {"MCQ": "mcq", "Y/N": "yes_or_no", "VQA": "vqa",
                "Video-MCQ": "video", "Video-VQA": "video"}


def listinstr(words, text):
    return any(w in text for w in words)


def scorer_for(cls, name):
    """The metric family VLMEvalKit's `evaluate` picks for `name` in class `cls`, or None."""
    if cls == "MMMUDataset":
        return "mmmu"
    if cls == "ImageMCQDataset":
        # image_mcq.py ImageMCQDataset.evaluate_heuristic: the TEST splits are scored under the
        # name of their internal full set, circular when the name has one of these words; MMT,
        # MMSci and MMVP have their own accuracy reports (not carried).
        mapped = {"MMBench_TEST_EN": "MMBench", "MMBench_TEST_EN_V11": "MMBench_V11",
                  "MMBench_TEST_CN": "MMBench_CN", "MMBench_TEST_CN_V11": "MMBench_CN_V11"}
        dataset = mapped.get(name, name)
        if "MMT" in dataset or "MMSci" in dataset or dataset == "MMVP":
            return None
        if listinstr(["mmbench", "ccbench", "circular", "mmcr"], dataset.lower()):
            return "mcq_circular"
        return "mcq"
    if cls == "ImageYORNDataset":
        # image_yorn.py ImageYORNDataset.evaluate: the rating by name, in this order.
        for word, rating in [("MME", "mme"), ("Hallusion", "hallusion"), ("POPE", "pope"),
                             ("AMBER", "amber"), ("VSR-zeroshot", "vsr")]:
            if word in name:
                return f"yes_no:{rating}"
        return "yes_no:default"
    if cls == "ImageVQADataset":
        # image_vqa.py ImageVQADataset.evaluate_heuristic: process_line's method by name.
        if "TextVQA" in name:
            return "vqa_acc"
        if "ChartQA" in name:
            return "relaxed_accuracy"
        if listinstr(["OCRVQA", "GQA"], name):
            return "accuracy"
        if listinstr(["DocVQA", "InfoVQA"], name):
            return "anls"
        return "vqa_acc"
    return {"OCRBench": "ocrbench", "MathVista": "mathvista", "MMVet": "mmvet",
            "VideoMME": "video_mcq", "MVBench": "mvbench",
            "MMBenchVideo": "mmbench_video"}.get(cls)


# How each video class's prepare_dataset lays out its Hugging Face snapshot (read from
# videomme.py, mvbench.py and mmbench_video.py; `check_video_layout` asserts the helpers named
# here are still the ones the class calls).
VIDEO_LAYOUT = {
    "VideoMME": {
        "helpers": ["unzip_hf_zip", "generate_tsv"],
        "include": ["video*.zip", "subtitle.zip", "videomme/test-00000-of-00001.parquet"],
        "unpack": [
            {"kind": "zip_flat", "archives": "video*.zip", "into": "video"},
            {"kind": "zip_flat", "archives": "subtitle.zip", "into": "subtitle"},
        ],
        "tsv": {"from": "videomme_parquet", "path": "videomme/test-00000-of-00001.parquet"},
    },
    "MVBench": {
        "helpers": ["unzip_hf_zip", "move_files", "generate_tsv"],
        "include": ["json/*.json", "video/*.zip"],
        "unpack": [
            {"kind": "zip_tree", "archives": "video/*.zip", "into": "video"},
            {"kind": "move_up", "from": "video/data0613", "into": "video"},
        ],
        "tsv": {"from": "mvbench_json", "path": "json"},
        "gated": True,
    },
    "MMBenchVideo": {
        "helpers": ["unwrap_hf_pkl"],
        "include": ["MMBench-Video.tsv", "video_pkl/*.pkl"],
        "unpack": [{"kind": "pickle_videos", "archives": "video_pkl/*.pkl", "into": "video",
                    "suffix": ".mp4"}],
        "tsv": {"from": "repo", "path": "MMBench-Video.tsv"},
    },
}


class SourceError(Exception):
    pass


def literal(node, module_dicts):
    """A literal value; a Name refers to a module-level dict of the same file."""
    if isinstance(node, ast.Name) and node.id in module_dicts:
        return dict(module_dicts[node.id])
    return ast.literal_eval(node)


def read_classes(dataset_dir):
    """{class name: {bases, file, attrs{DATASET_URL, DATASET_MD5, TYPE, MD5}, node}}."""
    classes = {}
    for fname in sorted(os.listdir(dataset_dir)):
        if not fname.endswith(".py"):
            continue
        path = os.path.join(dataset_dir, fname)
        tree = ast.parse(open(path, encoding="utf-8").read(), path)
        module_dicts = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                    isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Dict):
                try:
                    module_dicts[stmt.targets[0].id] = ast.literal_eval(stmt.value)
                except ValueError:
                    pass
        for stmt in tree.body:
            if not isinstance(stmt, ast.ClassDef):
                continue
            attrs = {}
            for item in stmt.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and \
                        isinstance(item.targets[0], ast.Name):
                    key = item.targets[0].id
                    if key in ("DATASET_URL", "DATASET_MD5", "TYPE", "MD5"):
                        try:
                            attrs[key] = literal(item.value, module_dicts)
                        except ValueError:
                            pass
                elif isinstance(item, ast.Expr) and isinstance(item.value, ast.Call):
                    call = item.value
                    func = call.func
                    if isinstance(func, ast.Attribute) and func.attr == "update" and \
                            isinstance(func.value, ast.Name) and \
                            func.value.id in ("DATASET_URL", "DATASET_MD5") and \
                            func.value.id in attrs and len(call.args) == 1:
                        attrs[func.value.id].update(literal(call.args[0], module_dicts))
            bases = [b.id for b in stmt.bases if isinstance(b, ast.Name)]
            classes[stmt.name] = {"bases": bases, "file": fname, "attrs": attrs, "node": stmt}
    return classes


def inherited(classes, name, key):
    """A class attribute as Python finds it: the class's own, else its bases' (in order)."""
    seen = set()
    stack = [name]
    while stack:
        current = stack.pop(0)
        if current in seen or current not in classes:
            continue
        seen.add(current)
        if key in classes[current]["attrs"]:
            return classes[current]["attrs"][key]
        stack.extend(classes[current]["bases"])
    return None


def class_order(init_path):
    """Class names in DATASET_CLASSES order (IMAGE_DATASET, VIDEO_DATASET, ... with `+=`)."""
    tree = ast.parse(open(init_path, encoding="utf-8").read(), init_path)
    lists = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.List):
            lists[stmt.targets[0].id] = [e.id for e in stmt.value.elts if isinstance(e, ast.Name)]
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and \
                isinstance(stmt.value, ast.List) and stmt.target.id in lists:
            lists[stmt.target.id] += [e.id for e in stmt.value.elts if isinstance(e, ast.Name)]
    order = []
    for group in ["IMAGE_DATASET", "VIDEO_DATASET", "TEXT_DATASET", "CUSTOM_DATASET"]:
        if group not in lists:
            raise SourceError(f"Cannot find {group} in {init_path}")
        order += lists[group]
    return order


def supported_datasets(classes, name):
    """What `cls.supported_datasets()` returns: a literal list override, else DATASET_URL keys."""
    current = name
    while current in classes:
        for item in classes[current]["node"].body:
            if isinstance(item, ast.FunctionDef) and item.name == "supported_datasets":
                for sub in ast.walk(item):
                    if isinstance(sub, ast.Return) and isinstance(sub.value, ast.List):
                        try:
                            return ast.literal_eval(sub.value)
                        except ValueError:
                            # Built from names at run time: this class cannot own our names
                            # unless it says so in a literal; `build` reports such classes.
                            return []
                urls = inherited(classes, name, "DATASET_URL") or {}
                return list(urls)
        bases = classes[current]["bases"]
        current = bases[0] if bases else None
    return list(inherited(classes, name, "DATASET_URL") or {})


def video_repo(classes, cls):
    """The default `repo_id` of the class's prepare_dataset."""
    for item in classes[cls]["node"].body:
        if isinstance(item, ast.FunctionDef) and item.name == "prepare_dataset":
            args = item.args
            defaults = dict(zip([a.arg for a in args.args[-len(args.defaults):]], args.defaults))
            if "repo_id" in defaults:
                return ast.literal_eval(defaults["repo_id"])
    raise SourceError(f"Cannot find prepare_dataset(repo_id=...) in class {cls}")


def check_video_layout(classes, cls):
    node = classes[cls]["node"]
    source_names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    module_path = classes[cls]["file"]
    for helper in VIDEO_LAYOUT[cls]["helpers"]:
        defined = any(isinstance(n, ast.FunctionDef) and n.name == helper for n in ast.walk(node))
        if helper not in source_names and not defined:
            raise SourceError(
                f"Cannot describe {cls}'s layout as {module_path} no longer uses {helper}")


def mvbench_tasks(classes):
    """MVBench.__init__'s type_data_list: task type -> (json file, folder, data type, bound)."""
    for item in classes["MVBench"]["node"].body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            for sub in ast.walk(item):
                if isinstance(sub, ast.Assign) and isinstance(sub.targets[0], ast.Attribute) and \
                        sub.targets[0].attr == "type_data_list":
                    table = ast.literal_eval(sub.value)
                    # generate_tsv: the folder is v[1] with 'your_data_path' -> 'video'.
                    return [{"task_type": k, "json": v[0],
                             "prefix": v[1].replace("your_data_path", "video"),
                             "data_type": v[2], "bound": v[3]} for k, v in table.items()]
    raise SourceError("Cannot find MVBench.__init__'s type_data_list")


def video_aliases(config_path):
    """{dataset: [preset base names that differ]}, e.g. MMBench-Video: [MMBench_Video]."""
    text = open(config_path, encoding="utf-8").read()
    aliases = {}
    pattern = r"'([^']+?)_(?:\d+frame|\d+(?:\.\d+)?fps)[^']*'\s*:\s*partial\(\s*\w+\s*,\s*dataset='([^']+)'"
    for preset, dataset in re.findall(pattern, text):
        if preset != dataset:
            aliases.setdefault(dataset, set()).add(preset)
    return {k: sorted(v) for k, v in aliases.items()}


def build(root):
    dataset_dir = os.path.join(root, "vlmeval", "dataset")
    classes = read_classes(dataset_dir)
    order = class_order(os.path.join(dataset_dir, "__init__.py"))
    aliases = video_aliases(os.path.join(dataset_dir, "video_dataset_config.py"))
    owner = {}
    for cls in order:
        if cls not in classes:
            continue
        for name in supported_datasets(classes, cls):
            owner.setdefault(name, cls)
    entries, skipped = [], []
    for name, cls in owner.items():
        if cls not in IMAGE_CLASSES + VIDEO_CLASSES:
            continue
        scorer = scorer_for(cls, name)
        type_ = inherited(classes, cls, "TYPE")
        if scorer is None:
            skipped.append(f"{name} ({cls}): its score report is not one of the families")
            continue
        entry = {"name": name, "kind": KIND_BY_TYPE[type_], "scorer": scorer, "class": cls,
                 "type": type_}
        if cls in VIDEO_CLASSES:
            check_video_layout(classes, cls)
            repo = video_repo(classes, cls)
            layout = json.loads(json.dumps(
                {k: v for k, v in VIDEO_LAYOUT[cls].items() if k != "helpers"}))
            if cls == "MVBench":
                layout["tsv"]["tasks"] = mvbench_tasks(classes)
            entry.update({"modality": "VIDEO",
                          "url": f"https://huggingface.co/datasets/{repo}",
                          "md5": inherited(classes, cls, "MD5"),
                          "size": None,
                          "aliases": aliases.get(name, []),
                          "video": {"repo": repo, "revision": "main", **layout}})
        else:
            url = (inherited(classes, cls, "DATASET_URL") or {}).get(name) or ""
            md5 = (inherited(classes, cls, "DATASET_MD5") or {}).get(name)
            if not url.startswith("https://") or not md5:
                skipped.append(f"{name} ({cls}): no download URL and MD5")
                continue
            entry.update({"modality": "IMAGE", "url": url, "md5": md5, "size": None})
        entries.append(entry)
    entries.sort(key=lambda e: (e["modality"] != "IMAGE", e["name"].lower()))
    return entries, skipped


def git_commit(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(
        description="Write packages/catalog/catalog.json from VLMEvalKit's dataset classes.")
    parser.add_argument("--vlmevalkit", default=os.environ.get("VLMEVALKIT_SRC", "/work/vlmevalkit"),
                        help="VLMEvalKit checkout (default $VLMEVALKIT_SRC or /work/vlmevalkit)")
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "packages", "catalog", "catalog.json"))
    parser.add_argument("--out", default=default_out,
                        help="catalog file to write (default packages/catalog/catalog.json)")
    parser.add_argument("--check", action="store_true",
                        help="compare with --out instead of writing it")
    args = parser.parse_args()
    commit = git_commit(args.vlmevalkit) or EXPECTED_COMMIT
    if commit != EXPECTED_COMMIT:
        print(f"extract_catalog: note: {args.vlmevalkit} is at {commit}, the catalog was made "
              f"from {EXPECTED_COMMIT}", file=sys.stderr)
    try:
        entries, skipped = build(args.vlmevalkit)
    except (OSError, SourceError, SyntaxError) as err:
        print(f"extract_catalog: {err}", file=sys.stderr)
        return 2
    catalog = {
        "source": {"repository": "open-compass/VLMEvalKit", "commit": commit,
                   "read": "vlmeval/dataset/*.py (DATASET_URL, DATASET_MD5, TYPE, MD5, "
                           "prepare_dataset), vlmeval/dataset/__init__.py, "
                           "vlmeval/dataset/video_dataset_config.py",
                   "generated_by": "scripts/extract_catalog.py"},
        "benchmarks": entries,
    }
    text = json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"
    if args.check:
        try:
            current = open(args.out, encoding="utf-8").read()
        except OSError:
            current = ""
        if current != text:
            print(f"extract_catalog: {args.out} differs from what the source gives; rerun "
                  f"without --check", file=sys.stderr)
            return 1
        print(f"extract_catalog: {args.out} is up to date ({len(entries)} benchmarks)")
        return 0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"extract_catalog: wrote {len(entries)} benchmarks to {args.out}")
    for line in skipped:
        print(f"  left out: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
