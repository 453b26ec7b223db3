#!/usr/bin/env python3
"""Our CLI end to end against a REAL OpenAI-compatible server: `transformers serve` (PyPI's
transformers 5.25.0) serving a tiny random SmolVLM (Idefics3) made here. Run by hand, never by CI:

    bash scripts/transformers_serve_check.sh [ARGS]   # creates .venv-serve/ with the pinned packages

    .venv-serve/bin/python scripts/transformers_serve_check.py [--limit N] [--max-tokens N] [--keep]

Nothing is downloaded from the Hugging Face hub (HF_HUB_OFFLINE=1, an empty HF_HOME): the model,
its byte-level BPE tokenizer and its processor are built offline by make_hf_fixtures.py's builders
(2 text layers, 1 vision layer, random weights from --seed), saved to a temporary folder and served
with `transformers serve <folder> --host 127.0.0.1 --port <free port> --device cpu`: a server
pinned to one model, which /v1/models lists under the folder's path, and which refuses any other
model name with a 400. `transformers serve` has no API key option: it ignores the Authorization
header, so every key below is sent and none is checked.

Each run is `deno task eval --model <folder> --model-name tiny-smolvlm --base-url
http://127.0.0.1:<port>/v1 --data Shapes_MCQ --limit 20 --max-tokens 16 --format tsv` in a work dir
of its own, with OPENAI_API_KEY set to:
  1. good-key-0123456789 (the reference run);
  2. A, and x: placeholder keys as people type them for local servers;
  3. a one-character key and a key of 8+ characters taken from run 1's answers (the random model
     answers gibberish, so these keys are certain to occur in answers; A and x may not).
Expected: exit 0; the prediction file, the score table and the per-row result file equal run 1's
byte for byte; no "[REDACTED]" in any answer (answers are data, never rewritten for a key).
Then the endpoint check: a model name the server does not serve exits 7 before any sample (only
the check request reaches the server, no journal, no prediction file), with a message that names
the URL and lists the served model. Last, a server started without a model (it loads the one a
request names, by path): --model <folder> answers as run 1 did; a wrong name gets HTTP 500 from
it, which the check notes (a 5xx may pass) before the failure threshold stops the run (exit 8).

The report gives each run's exit code, score, whether its predictions and scores equal run 1's,
and how many answers contain the key's text.

Exit: 0 every expectation met; 1 one failed; 2 bad arguments; 6 a prerequisite is missing (deno,
the server does not start).
"""

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "tiny-smolvlm"
GOOD_KEY = "good-key-0123456789"
# A seed whose model's gibberish holds "A" and "x" in some of its answers to Shapes_MCQ's first 20
# rows at 16 tokens (found by trying seeds 1-60; make_hf_fixtures.py's seed gives neither), so
# that the runs with those keys show something; the keys taken from run 1's answers hold for any.
DEFAULT_SEED = 12


class _Parser(argparse.ArgumentParser):
    """argparse with the project's error grammar: the bad option named in quotes, exit 2."""

    def error(self, message):
        bad = message.split(": ", 1)[1].split() if message.startswith("unrecognized arguments") else []
        what = f'Cannot use "{bad[0]}" as it is not an option' if bad else f"Cannot parse the arguments: {message}"
        sys.stderr.write(f"transformers_serve_check: {what}; see --help\n")
        sys.exit(2)


def parse_args(argv):
    p = _Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="Shapes_MCQ", help="benchmark name or TSV path (default Shapes_MCQ)")
    p.add_argument("--limit", type=int, default=20, help="rows asked per run (default 20)")
    p.add_argument("--max-tokens", type=int, default=16, help="max_tokens of each request (default 16)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"weights' seed (default {DEFAULT_SEED})")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (model, runs, server log)")
    p.add_argument("--parse-only", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# The arguments are read before the heavy imports, so that --help and bad options need no torch.
ARGS = parse_args(sys.argv[1:]) if __name__ == "__main__" else None
if ARGS is not None and ARGS.parse_only:
    sys.exit(0)

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def log(line=""):
    print(line, flush=True)


# ---------------------------------------------------------------------------------------------
# The model and the server
# ---------------------------------------------------------------------------------------------

def build_model(out, seed):
    """A tiny random SmolVLM-256M-shaped Idefics3 with make_hf_fixtures.py's tokenizer, config
    and processor (they work unchanged with transformers 5.25), its weights from `seed`."""
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    sys.dont_write_bytecode = True  # no __pycache__ in scripts/
    import make_hf_fixtures as fx
    import torch
    from transformers import Idefics3ForConditionalGeneration

    tok = fx.make_tokenizer()
    cfg, p = fx.tiny_config("smolvlm", tok)
    cfg._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = Idefics3ForConditionalGeneration(cfg).eval()
    # As make_hf_fixtures.save_model_folder: the turn ends at <end_of_utterance> or <|im_end|>.
    gen = model.generation_config
    gen.bos_token_id = tok.convert_tokens_to_ids("<|im_start|>")
    gen.eos_token_id = [tok.convert_tokens_to_ids("<end_of_utterance>"), tok.convert_tokens_to_ids("<|im_end|>")]
    gen.pad_token_id = tok.convert_tokens_to_ids("<|im_end|>")
    model.save_pretrained(out)
    fx.make_processor("smolvlm", tok, p).save_pretrained(out)
    return sum(t.numel() for t in model.parameters())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`transformers serve` in a process group of its own, its output in a log file."""

    def __init__(self, tmp, name, model=None):
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = os.path.join(tmp, f"{name}.log")
        exe = os.path.join(os.path.dirname(sys.executable), "transformers")
        args = [exe, "serve", *([model] if model else []), "--host", "127.0.0.1", "--port", str(self.port),
                "--device", "cpu"]
        env = {**os.environ, "HF_HOME": os.path.join(tmp, "hf-home"), "HF_HUB_OFFLINE": "1"}
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT, env=env,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout_s=300):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1)
        return False

    def models(self):
        with urllib.request.urlopen(f"{self.root}/models", timeout=30) as r:
            return [m["id"] for m in json.load(r)["data"]]

    def chat_requests(self):
        """Chat requests the server has logged (uvicorn's access log)."""
        self.log_file.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read().count('"POST /v1/chat/completions HTTP/1.1"')

    def tail(self, n=25):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log_file.close()


# ---------------------------------------------------------------------------------------------
# Runs of the CLI
# ---------------------------------------------------------------------------------------------

class Run:
    """One finished run of the CLI: its exit code, output and files."""

    def __init__(self, label, key, work, done, seconds):
        self.label, self.key, self.work, self.seconds = label, key, work, seconds
        self.code, self.stdout, self.stderr = done.returncode, done.stdout, done.stderr
        self.folder = os.path.join(work, NAME)
        self.bench = os.path.splitext(os.path.basename(ARGS.data))[0]

    def file(self, suffix):
        return os.path.join(self.folder, f"{NAME}_{self.bench}{suffix}")

    def answers(self):
        with open(self.file(".tsv"), encoding="utf-8", newline="") as f:
            return [row["prediction"] for row in csv.DictReader(f, delimiter="\t")]

    def score(self):
        try:
            with open(self.file("_acc.csv"), encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            return float(rows[0]["Overall"])
        except (OSError, KeyError, IndexError, ValueError):
            return None

    def outputs(self):
        """The files a rerun must write identically: every file of the run but status.json (it
        has times) and the journal (it has latencies)."""
        files = {}
        for name in sorted(os.listdir(self.folder)) if os.path.isdir(self.folder) else []:
            path = os.path.join(self.folder, name)
            if os.path.isfile(path) and name != "status.json":
                with open(path, "rb") as f:
                    files[name] = f.read()
        return files


def run_cli(tmp, label, key, model, root):
    """`deno task eval` against `root` with OPENAI_API_KEY=`key`, in a work dir of its own."""
    work = os.path.join(tmp, "runs", label.replace(" ", "_"))
    args = ["deno", "task", "eval", "--model", model, "--model-name", NAME, "--base-url", root,
            "--data", ARGS.data, "--limit", str(ARGS.limit), "--max-tokens", str(ARGS.max_tokens),
            "--format", "tsv", "--work-dir", work, "--quiet"]
    env = {**os.environ, "OPENAI_API_KEY": key, "NO_COLOR": "1"}
    env.pop("OPENAI_API_BASE", None)
    started = time.monotonic()
    try:
        done = subprocess.run(args, cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", timeout=900)
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else err.stdout or ""
        done = subprocess.CompletedProcess(args, 124, out, f"timed out after {err.timeout} s")
    return Run(label, key, work, done, time.monotonic() - started)


def keys_from(answers):
    """A one-character key (the commonest letter or digit of the answers) and a key of 8+
    characters (the commonest run of 8+ printable ASCII characters without spaces), or None."""
    chars = Counter(c for a in answers for c in a if c.isascii() and c.isalnum() and c not in "Ax")
    runs = Counter()
    for a in answers:
        current = ""
        for c in a + "\0":
            if "!" <= c <= "~":
                current += c
            else:
                if len(current) >= 8:
                    runs[current] += 1
                current = ""
    one = chars.most_common(1)[0][0] if chars else None
    long = runs.most_common(1)[0][0] if runs else None
    return one, long


# ---------------------------------------------------------------------------------------------

class Checks:
    def __init__(self):
        self.failed = []
        self.count = 0

    def expect(self, ok, what):
        self.count += 1
        if not ok:
            self.failed.append(what)
        return ok


def fmt_score(score):
    return "-" if score is None else f"{score:.3f}"


def main(args):
    if shutil.which("deno") is None:
        sys.stderr.write("transformers_serve_check: Cannot run the CLI as deno is not on PATH\n")
        return 6
    import torch
    import transformers

    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="vlmeval-transformers-serve-")
    servers = []
    try:
        model_dir = os.path.join(tmp, NAME)
        t0 = time.monotonic()
        params = build_model(model_dir, args.seed)
        log(f"transformers_serve_check: transformers {transformers.__version__}, torch {torch.__version__}; "
            f"tiny random Idefics3 (SmolVLM) of {params:,} parameters, seed {args.seed}, built offline in "
            f"{time.monotonic() - t0:.1f} s at {model_dir}")

        pinned = Server(tmp, "server-pinned", model_dir)
        servers.append(pinned)
        if not pinned.wait_ready():
            sys.stderr.write(f"transformers_serve_check: Cannot start transformers serve as it did not answer "
                             f"/health:\n{pinned.tail()}\n")
            return 6
        served = pinned.models()
        log(f"server: transformers serve {model_dir} on {pinned.root} (pinned to that model); "
            f"GET /v1/models lists {served}")
        log("keys: transformers serve has no --api-key and ignores the Authorization header: every key "
            "below is sent as Bearer <key> and answered")
        log(f"runs: deno task eval --model <that path> --model-name {NAME} --base-url {pinned.root} "
            f"--data {args.data} --limit {args.limit} --max-tokens {args.max_tokens} --format tsv")
        log()

        runs = [run_cli(tmp, "1 good key", GOOD_KEY, model_dir, pinned.root)]
        ref = runs[0]
        if not checks.expect(ref.code == 0, f"run 1 exits 0 (got {ref.code})"):
            log(f"run 1 failed (exit {ref.code}):\n{ref.stderr[-3000:]}")
            return report(checks)
        ref_answers = ref.answers()
        ref_outputs = ref.outputs()
        checks.expect(len(ref_answers) == args.limit, f"run 1 answers {args.limit} rows (got {len(ref_answers)})")
        one, long = keys_from(ref_answers)
        plan = [("2 key A", "A"), ("2 key x", "x")]
        if one:
            plan.append(("3 key from answers", one))
        if long:
            plan.append(("3 long key from answers", long))
        checks.expect(one is not None and long is not None, "run 1's answers give a short and a long key")
        for label, key in plan:
            runs.append(run_cli(tmp, label, key, model_dir, pinned.root))

        log(f"{'run':<24} {'OPENAI_API_KEY':<22} {'exit':>4} {'score':>6} {'answers':>7}  "
            f"{'predictions and scores':<24} {'answers with key text':>21}")
        for run in runs:
            answers = run.answers() if os.path.exists(run.file(".tsv")) else []
            outputs = run.outputs()
            same = outputs == ref_outputs
            with_key = sum(run.key in a for a in answers)
            redacted = sum("[REDACTED]" in a for a in answers)
            if run is ref:
                verdict = f"reference ({len(outputs)} files)"
            else:
                verdict = "identical to run 1" if same else "DIFFER: " + ", ".join(
                    sorted(n for n in set(outputs) | set(ref_outputs) if outputs.get(n) != ref_outputs.get(n)))
            log(f"{run.label:<24} {json.dumps(run.key):<22} {run.code:>4} {fmt_score(run.score()):>6} "
                f"{len(answers):>7}  {verdict:<24} {with_key:>21}")
            checks.expect(run.code == 0, f"{run.label}: exit 0 (got {run.code}): {run.stderr[-800:]}")
            checks.expect(redacted == 0, f"{run.label}: no answer holds [REDACTED] ({redacted} do)")
            if run is not ref:
                checks.expect(same, f"{run.label}: predictions and scores equal run 1's byte for byte")
                checks.expect(answers == ref_answers, f"{run.label}: answers equal run 1's")
            if run.key in (one, long):
                checks.expect(with_key > 0, f"{run.label}: some answer holds the key's text")
        log(f"  files compared byte for byte: {', '.join(sorted(ref_outputs))}")
        usage = next((line.strip() for line in (ref.stdout + ref.stderr).splitlines()
                      if line.strip().startswith("API:")), "")
        log(f"  run 1's {usage or 'usage: none reported'}")
        checks.expect(usage != "" and " 0 prompt" not in usage, "run 1 reports the server's token usage")
        for key in ("A", "x", one, long):
            if key:
                sample = next((a for a in ref_answers if key in a), None)
                log(f"  an answer with {json.dumps(key)}: {json.dumps(sample, ensure_ascii=False)}" if sample
                    else f"  no answer holds {json.dumps(key)}")
        log()

        # The endpoint check: a name the server does not serve.
        before = pinned.chat_requests()
        wrong = run_cli(tmp, "4 wrong model", GOOD_KEY, NAME, pinned.root)
        asked = pinned.chat_requests() - before
        message = next((line for line in wrong.stderr.splitlines() if "Cannot evaluate" in line), "")
        log(f"endpoint check, --model {NAME} (the server serves {served[0]}): exit {wrong.code} after "
            f"{asked} chat request(s) in {wrong.seconds:.1f} s")
        log(f"  {message or wrong.stderr.strip()[-600:]}")
        checks.expect(wrong.code == 7, f"wrong model: exit 7 (got {wrong.code})")
        checks.expect(asked == 1, f"wrong model: only the check request reaches the server (got {asked})")
        checks.expect(not os.path.exists(wrong.file(".journal")) and not os.path.exists(wrong.file(".tsv")),
                      "wrong model: no journal and no prediction file")
        checks.expect(f"{pinned.root}/chat/completions" in message, "wrong model: the message names the URL")
        checks.expect(f"it serves {served[0]}" in message, "wrong model: the message lists the served model")
        pinned.stop()
        log()

        # A server without a model on its command line: a request's `model` is loaded by path.
        on_demand = Server(tmp, "server-on-demand")
        servers.append(on_demand)
        if not on_demand.wait_ready():
            sys.stderr.write(f"transformers_serve_check: Cannot start transformers serve as it did not answer "
                             f"/health:\n{on_demand.tail()}\n")
            return 6
        log(f"server without a model: transformers serve on {on_demand.root}; GET /v1/models lists "
            f"{on_demand.models()} (models of the empty HF cache, then those loaded)")
        by_path = run_cli(tmp, "5 on demand", "x", model_dir, on_demand.root)
        same = by_path.outputs() == ref_outputs
        log(f"  --model <path>: exit {by_path.code}, score {fmt_score(by_path.score())}, predictions and scores "
            f"{'identical to run 1' if same else 'DIFFER from run 1'}")
        checks.expect(by_path.code == 0 and same, "on demand, --model <path>: exit 0, outputs equal run 1's")
        unknown = run_cli(tmp, "6 on demand wrong", "x", NAME, on_demand.root)
        note = next((line for line in unknown.stderr.splitlines() if "check request" in line), "")
        stop = next((line.strip() for line in (unknown.stdout + unknown.stderr).splitlines()
                     if "Stopped early" in line), "")
        log(f"  --model {NAME}: exit {unknown.code} in {unknown.seconds:.1f} s, no answer recorded")
        log(f"  {note}")
        log(f"  {stop[:400]}")
        checks.expect(unknown.code == 8, f"on demand, wrong model: exit 8 (got {unknown.code})")
        recorded = unknown.answers() if os.path.exists(unknown.file(".tsv")) else []
        checks.expect(all(a.startswith("Failed to obtain answer") for a in recorded),
                      "on demand, wrong model: no answer recorded")
        return report(checks)
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(checks):
    log()
    if checks.failed:
        log(f"transformers_serve_check: {len(checks.failed)} of {checks.count} expectations FAILED:")
        for what in checks.failed:
            log(f"  - {what}")
        return 1
    log(f"transformers_serve_check: all {checks.count} expectations met")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
