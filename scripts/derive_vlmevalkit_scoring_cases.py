#!/usr/bin/env python3
"""Derive the expected outputs of VLMEvalKit's scoring rules by running VLMEvalKit's own code.

Run by hand (not by CI) whenever a rule is ported or the VLMEvalKit commit changes:

    python3 -m venv /tmp/vlmeval-cases && /tmp/vlmeval-cases/bin/pip install numpy pandas
    /tmp/vlmeval-cases/bin/python scripts/derive_vlmevalkit_scoring_cases.py \
        --vlmevalkit /work/vlmevalkit
    deno fmt packages/scoring/testdata packages/datasets/testdata

It never imports the `vlmeval` package (that pulls in torch and model code). It reads the
source files, takes the named functions and methods out with `ast`, and executes them unchanged
in a namespace holding what they use (numpy, pandas, and stand-ins for file IO: `load` returns
the rows given, `dump` records what would be written, a pool maps in this process). Judges are
scripted objects that answer from a list and record each prompt and temperature.

Writes (both committed):
  packages/scoring/testdata/vlmevalkit_cases.json      VQA, ChartQA, ANLS, OCRBench, MathVista,
                                                      MMVet and MMMU open-question scoring
  packages/datasets/testdata/vlmevalkit_mmmu_prompts.json   MMMU prompts with <image N>
"""

import argparse
import ast
import copy
import json
import math
import os
import os.path as osp
import random
import re
import string
import sys
import types
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Optional

np = pd = None  # numpy and pandas, imported once the arguments are read (--help needs neither)

COMMIT = 'e8e78f05f3080fe28154f2130321f17951c3be94'
REPO = Path(__file__).resolve().parent.parent


class _Logger:
    def info(self, *a, **k):
        pass

    warning = info


class _Pool:
    """`mp.Pool(16)` stand-in: the same `map`, in this process."""

    def __init__(self, *_):
        pass

    def map(self, fn, items):
        return [fn(x) for x in items]


class _Mp:
    Pool = _Pool


class Files:
    """`load`/`dump` stand-ins: `load` serves registered frames and dicts, `dump` records."""

    def __init__(self):
        self.served = {}
        self.dumped = {}

    def load(self, path):
        return self.served[path]

    def dump(self, data, path, **_):
        self.dumped[path] = data.copy() if hasattr(data, 'copy') else data


class ScriptedJudge:
    """A judge model answering from `answers` in order, recording prompts and temperatures."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def generate(self, prompt, temperature=None, **_):
        self.calls.append({'prompt': prompt, 'temperature': temperature})
        return self.answers.pop(0)


class KeyedJudge(ScriptedJudge):
    """A judge answering, for the first key found in the prompt, that key's next answer."""

    def __init__(self, answers_by_key):
        super().__init__([])
        self.answers_by_key = answers_by_key

    def generate(self, prompt, temperature=None, **_):
        self.calls.append({'prompt': prompt, 'temperature': temperature})
        key = next(k for k in self.answers_by_key if k in prompt)
        return self.answers_by_key[key].pop(0)


def load_defs(ns, root, relpath, names, class_name=None):
    """Executes the module-level (or class-level) defs and assignments `names` of a file in `ns`."""
    path = root / relpath
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    body = tree.body
    if class_name is not None:
        body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name).body
    picked = []
    for node in body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            node.decorator_list = []
            picked.append(node)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in names for t in node.targets):
            picked.append(node)
    found = {n.name if isinstance(n, ast.FunctionDef) else n.targets[0].id for n in picked}
    missing = set(names) - found
    if missing:
        sys.exit(f'Cannot find {sorted(missing)} in {relpath} (class {class_name})')
    exec(compile(ast.Module(body=picked, type_ignores=[]), str(path), 'exec'), ns)


def build_namespace(root, files):
    ns = {
        'np': np, 'pd': pd, 're': re, 'string': string, 'os': os, 'osp': osp, 'cp': copy,
        'rd': random, 'defaultdict': defaultdict, 'partial': partial, 'Optional': Optional,
        'logger': _Logger(), 'mp': _Mp, 'tqdm': lambda x, **_: x, 'warnings': None,
        'load': files.load, 'dump': files.dump,
    }
    load_defs(ns, root, 'vlmeval/smp/misc.py',
              ['process_punctuation', 'istype', 'listinstr', 'd2df', 'cn_string'])
    load_defs(ns, root, 'vlmeval/smp/file.py',
              ['get_file_extension', 'get_intermediate_file_path', 'get_pred_file_format',
               'get_eval_file_format'])
    load_defs(ns, root, 'vlmeval/smp/vlm.py', ['build_option_str'])
    load_defs(ns, root, 'vlmeval/utils/matching_util.py',
              ['_VERBOSE_ANSWER_RE', 'can_infer_option', 'can_infer_text', 'can_infer'])
    load_defs(ns, root, 'vlmeval/dataset/utils/vqa_eval.py',
              ['_process_digit_article', 'hit_calculate', 'relaxed_correctness',
               'levenshtein_distance', 'anls_compute', 'process_answer', 'process_line'])
    load_defs(ns, root, 'vlmeval/dataset/utils/mathvista.py',
              ['FAIL_MSG', 'get_gpt4_ICE', 'build_mathvista_gpt4_prompt', 'list_to_dict',
               'post_check', 'MathVista_auxeval', 'MathVista_acc'])
    load_defs(ns, root, 'vlmeval/dataset/utils/mmvet.py',
              ['build_mmvet_gpt4_prompt', 'MMVet_auxeval', 'MMVet_acc'])
    load_defs(ns, root, 'vlmeval/dataset/utils/multiple_choice.py',
              ['MMB_abbrs', 'MMMU_preproc', 'report_acc', 'build_prompt', 'build_prompt_cn',
               'build_choices', 'prefetch_answer', 'extract_answer_from_item', 'eval_vanilla',
               'mcq_vanilla_eval'])
    # Methods, taken out of their classes and called with a stand-in `self`.
    # `from .utils.vqa_eval import ...` inside the method resolves to these functions.
    shim = types.ModuleType('vlmeval_cases.dataset.utils.vqa_eval')
    shim.hit_calculate, shim.process_line = ns['hit_calculate'], ns['process_line']
    for name in ('vlmeval_cases', 'vlmeval_cases.dataset', 'vlmeval_cases.dataset.utils'):
        sys.modules[name] = types.ModuleType(name)
    sys.modules[shim.__name__] = shim
    ns['__name__'], ns['__package__'] = 'vlmeval_cases.dataset.image_vqa', 'vlmeval_cases.dataset'
    load_defs(ns, root, 'vlmeval/dataset/image_vqa.py', ['evaluate_heuristic'], 'ImageVQADataset')
    ns['image_vqa_evaluate'] = ns.pop('evaluate_heuristic')
    load_defs(ns, root, 'vlmeval/dataset/image_vqa.py', ['evaluate'], 'OCRBench')
    ns['ocrbench_evaluate'] = ns.pop('evaluate')
    load_defs(ns, root, 'vlmeval/dataset/image_mcq.py', ['build_prompt'], 'ImageMCQDataset')
    ns['mcq_build_prompt'] = ns.pop('build_prompt')
    load_defs(ns, root, 'vlmeval/dataset/utils/multiple_choice.py', ['build_prompt'])
    load_defs(ns, root, 'vlmeval/dataset/image_mcq.py', ['split_MMMU'], 'MMMUDataset')
    return ns


def frame(rows):
    """Rows as pandas would read them from a TSV: an empty cell is NaN."""
    return pd.DataFrame([{k: (np.nan if v == '' else v) for k, v in r.items()} for r in rows])


def num(x):
    """A Python/numpy number as JSON: NaN and infinities as strings."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    x = float(x) if isinstance(x, (float, np.floating)) else int(x)
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return x


def table(df):
    return {'columns': [str(c) for c in df.columns],
            'rows': [[v if isinstance(v, str) else num(v) for v in row] for row in df.values.tolist()]}


# ---------------------------------------------------------------------------------------------
# Cases

PROCESS_ANSWER = [
    'The Two dogs.', '3. apples', 'No. 3', '1,000 people', 'a,b', 'hello , world', 'dont stop',
    'None', 'ten.', 'a.b.c', 'U.S.A.', '(left)', 'x-ray', 'e-mail me', "It's 3.5%",
    'answer\nwith\ttabs', '  padded  ', 'Im here', 'yes!', 'half/half', 'NONE', 'one two three',
    '.' * 40 + 'x', '\u0663 apples', '\u0661,\u0662 and (x)', '10.', 'mr. smith', '3.14', '...',
    'a', 'the the', 'twas', "y'allll", 'An Apple', 'Five-Six', 'c@t', 'x_y', 'q?', '[1]',
    'Let\'s go', 'Ive seen', 'A\u00a0cat', '\u2028line', 'end.\u3000',
]

RELAXED = [
    ('10', '10.4'), ('10', '10.6'), ('0', '0'), ('0', '0.0'), ('50%', '0.5'), ('0.5', '50%'),
    ('50%%', '0.5'), ('1,000', '1000'), ('1_000', '1000'), ('inf', 'inf'), ('nan', 'nan'),
    ('Yes', 'yes'), ('12', ' 12 '), ('1e2', '100'), ('-5', '-5.2'), ('3', '\u0663'),
    ('2023', '2023.0'), ('0.0', '0'), ('%', '%'), ('1.5', ''), ('100', '+100'),
    ('10', '\uff11\uff10'), ('5', '5.25'), ('5', '5.26'), ('-0', '0'), ('1e400', '1e400'),
    ('12', '12 %'), ('.5', '0.5'), ('5.', '5'), ('1__0', '10'), ('Infinity', 'inf'),
    ('ABC', 'abc'), ('\u00c9t\u00e9', '\u00e9t\u00e9'), ('1.0e-3', '0.00104'),
]

ANLS = [
    ('hello', 'hello'), ('Hello World', 'hello  world'), ('abc', 'abd'), ('  abc  ', 'abc'),
    ('', ''), ('stra\u00dfe', 'STRASSE'), ('\u0130', 'i'), ('\U0001f600a', 'a'), ('x', ''),
    ('\ufb01', 'fi'), ('kitten', 'sitting'), ('The cat', 'the dog sat'), ('a\nb', 'a b'),
    ('\u03a3\u039f\u03a3', '\u03c3\u03bf\u03c2'), ('12/05/2020', '12-05-2020'),
]

PROCESS_LINE = [
    # method, answer cell, prediction
    ('vqa_score', "['two', 'two', '2', 'two', '2', 'dos', 'two', 'two', '2', 'two']", 'Two.'),
    ('vqa_score', "['two', 'two', '2', 'two', '2', 'dos', 'two', 'two', '2', 'two']", 'dos'),
    ('vqa_score', "['a', 'b', 'b', 'c']", 'B'),
    ('vqa_score', 'cat', 'cat'),
    ('vqa_score', "['cat']", 'The cat'),
    ('vqa_score', ' [\'x\', "y"] ', 'x'),
    ('vqa_score', '[cat]', '[cat]'),
    ('accuracy', "[' Cat', 'dog']", 'cat '),
    ('accuracy', 'Harry Potter', 'harry potter.'),
    ('anls', "['1995', 'nineteen ninety five']", '1996'),
    ('anls', 'John Smith', ' john  smith '),
    ('relaxed_accuracy', "['12.5', '12.5%']", ' 12.9 '),
    ('relaxed_accuracy', 'Yes', 'yes\n'),
]

# ImageVQADataset.evaluate_heuristic: (dataset name, rows)
TEXTVQA_ROWS = [
    {'index': '1', 'question': 'q', 'category': 'street',
     'answer': "['stop', 'stop', 'stop', 'stop sign', 'stop', 'stop', 'stop', 'stop', 'stop', 'stop']",
     'prediction': 'STOP'},
    {'index': '2', 'question': 'q', 'category': 'street',
     'answer': "['stop', 'stop', 'stop sign', 'stop sign', 'stop', 'stop', 'stop', 'stop', 'stop', 'halt']",
     'prediction': 'stop sign'},
    {'index': '3', 'question': 'q', 'category': 'brand',
     'answer': "['coca cola', 'coke', 'coca-cola', 'coca cola', 'coke', 'coca cola', 'pepsi', 'coke', 'coca cola', 'coke']",
     'prediction': 'Coca-Cola'},
    {'index': '4', 'question': 'q', 'category': 'brand',
     'answer': "['nike', 'nike', 'nike', 'nike', 'nike', 'nike', 'nike', 'nike', 'nike', 'nike']",
     'prediction': 'adidas'},
]
CHARTQA_ROWS = [
    {'index': '1', 'question': 'q', 'split': 'human', 'answer': '23.5', 'prediction': '24'},
    {'index': '2', 'question': 'q', 'split': 'human', 'answer': '0', 'prediction': '0.0'},
    {'index': '3', 'question': 'q', 'split': 'augmented', 'answer': 'Yes', 'prediction': ' yes '},
    {'index': '4', 'question': 'q', 'split': 'augmented', 'answer': '45%', 'prediction': '0.44'},
    {'index': '5', 'question': 'q', 'split': 'augmented', 'answer': "['Asia', 'Europe']",
     'prediction': 'europe'},
]
DOCVQA_ROWS = [
    {'index': '1', 'question': 'q', 'answer': "['1995', '1995.']", 'prediction': '1995'},
    {'index': '2', 'question': 'q', 'answer': 'John Smith', 'prediction': 'Jon Smith'},
    {'index': '3', 'question': 'q', 'answer': 'abcdef', 'prediction': 'abcxyz'},
    {'index': '4', 'question': 'q', 'answer': 'abcd', 'prediction': 'abxy'},
    {'index': '5', 'question': 'q', 'answer': "['ITC Limited', 'ITC']", 'prediction': 'itc  limited'},
]
GQA_ROWS = [
    {'index': '1', 'question': 'q', 'answer': "['left', 'on the left']", 'prediction': 'Left'},
    {'index': '2', 'question': 'q', 'answer': 'no', 'prediction': ' No '},
    {'index': '3', 'question': 'q', 'answer': 'red', 'prediction': 'red.'},
]
DEFAULT_ROWS = [
    {'index': '1', 'question': 'q', 'category': 'x', 'answer': 'cat', 'prediction': 'cat'},
    {'index': '2', 'question': 'q', 'category': 'x', 'answer': "['cat', 'cat', 'dog', 'cat']",
     'prediction': 'Cat.'},
    {'index': '3', 'question': 'q', 'category': 'y', 'answer': "['one', '1', '1']",
     'prediction': 'one'},
]
MIXED_ROWS = [
    {'index': '1', 'question': 'q', 'answer': '10', 'prediction': '10'},
    {'index': '2', 'question': 'q', 'answer': "['10', '20']", 'prediction': '20'},
    {'index': '3', 'question': 'q', 'answer': 'abc', 'prediction': 'abd'},
]
IMAGE_VQA = [
    ('TextVQA_VAL', TEXTVQA_ROWS), ('ChartQA_TEST', CHARTQA_ROWS), ('DocVQA_VAL', DOCVQA_ROWS),
    ('InfoVQA_VAL', DOCVQA_ROWS), ('OCRVQA_TEST', GQA_ROWS), ('GQA_TestDev_Balanced', GQA_ROWS),
    ('MyVQA', DEFAULT_ROWS), ('ChartQA_DocVQA_mix', MIXED_ROWS), ('DocVQA_OCRVQA', MIXED_ROWS),
    ('TextVQA_ChartQA', TEXTVQA_ROWS),
]

OCRBENCH_ROWS = [
    {'index': '1', 'category': 'Regular Text Recognition', 'answer': "['STOP']",
     'prediction': 'The sign says stop.'},
    {'index': '2', 'category': 'Irregular Text Recognition', 'answer': "['hello world']",
     'prediction': 'Hello\nWorld'},
    {'index': '3', 'category': 'Artistic Text Recognition', 'answer': "['abc', 'xyz']",
     'prediction': '  XYZ  '},
    {'index': '4', 'category': 'Handwriting Recognition', 'answer': "['lazy']", 'prediction': 'crazy'},
    {'index': '5', 'category': 'Digit String Recognition', 'answer': "['12345']",
     'prediction': '1234'},
    {'index': '6', 'category': 'Non-Semantic Text Recognition', 'answer': "['qzx']",
     'prediction': 'QZX'},
    {'index': '7', 'category': 'Scene Text-centric VQA', 'answer': "['Coca Cola', 'coke']",
     'prediction': 'It is coca cola'},
    {'index': '8', 'category': 'Doc-oriented VQA', 'answer': "['\u00c9T\u00c9']",
     'prediction': '\u00e9t\u00e9'},
    {'index': '9', 'category': 'Key Information Extraction', 'answer': "['$10.00 ']",
     'prediction': 'total: $10.00'},
    {'index': '10', 'category': 'Handwritten Mathematical Expression Recognition',
     'answer': "['x ^ { 2 } + 1']", 'prediction': 'x^{2}\n+1'},
    {'index': '11', 'category': 'Handwritten Mathematical Expression Recognition',
     'answer': "['X^2']", 'prediction': 'x^2'},
    {'index': '12', 'category': 'Scene Text-centric VQA', 'answer': "['line one\\nline two']",
     'prediction': 'LINE ONE LINE TWO'},
    {'index': '13', 'category': 'Doc-oriented VQA', 'answer': "['']", 'prediction': 'anything'},
]

MV_MC = {'index': '1', 'question': 'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5',
         'answer': '8/11', 'answer_option': 'B', 'question_type': 'multi_choice', 'answer_type': 'text',
         'choices': "['3/11', '8/11', '6/11', '3/5']", 'task': 'geometry problem solving',
         'skills': "['arithmetic reasoning', 'algebraic reasoning']"}
MV_INT = {'index': '2', 'question': 'Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.\nQuestion: How many bars?',
          'answer': '14', 'answer_option': '', 'question_type': 'free_form', 'answer_type': 'integer',
          'choices': '', 'task': 'figure question answering', 'skills': "['statistical reasoning']"}
MV_FLOAT = {'index': '3', 'question': 'Question: What is the value?', 'answer': '0.6',
            'answer_option': '', 'question_type': 'free_form', 'answer_type': 'float',
            'choices': '', 'task': 'figure question answering',
            'skills': "['statistical reasoning', 'arithmetic reasoning']"}
MV_LIST = {'index': '4', 'question': 'Question: Which years?', 'answer': '[2007, 2008]',
           'answer_option': '', 'question_type': 'free_form', 'answer_type': 'list', 'choices': '',
           'task': 'textbook question answering', 'skills': 'logical reasoning'}
MV_ZERO = {'index': '5', 'question': 'Question: How many?', 'answer': '0', 'answer_option': '',
           'question_type': 'free_form', 'answer_type': 'integer', 'choices': '',
           'task': 'math word problem', 'skills': "['arithmetic reasoning', 'arithmetic reasoning']"}
MV_TEXT = {'index': '6', 'question': 'Question: What is it?', 'answer': 'None', 'answer_option': '',
           'question_type': 'free_form', 'answer_type': 'text', 'choices': '',
           'task': 'math word problem', 'skills': "['math word problem']"}

# post_check(line with prediction/res, prefetch)
MV_POST_CHECK = [
    (MV_MC, '(B) 8/11', True), (MV_MC, 'The answer is 8/11', True), (MV_MC, 'C', True),
    (MV_MC, 'none of these', True), (MV_MC, 'B', False), (MV_MC, '8/11', False),
    (MV_MC, 'A', False), (MV_INT, '14', True), (MV_INT, ' 14\n', True), (MV_INT, '14.0', True),
    (MV_INT, '+14', True), (MV_INT, '1_4', True), (MV_INT, '\u0661\u0664', True),
    (MV_INT, 'fourteen', True), (MV_INT, '14', False), (MV_INT, '13', False),
    (MV_FLOAT, '0.60', True), (MV_FLOAT, '6e-1', True), (MV_FLOAT, '.6', True),
    (MV_FLOAT, 'nan', True), (MV_FLOAT, '0.6 ', False), (MV_FLOAT, '0.61', False),
    (MV_LIST, '[2007, 2008]', True), (MV_LIST, '[2007, 2008]', False),
    (MV_ZERO, '0', True), (MV_ZERO, '0', False), (MV_TEXT, 'None', False),
    (MV_TEXT, 'anything', False),
]

FAIL = 'Failed to obtain answer via API. HTTP 500'
# MathVista_auxeval: (row, prediction, judge answers)
MV_AUXEVAL = [
    (MV_MC, 'The answer is (B).', []),
    (MV_MC, 'I think it is the second one', ['B']),
    (MV_MC, 'Option C looks right', []),
    (MV_INT, 'There are 14 bars', [FAIL, FAIL, '14']),
    (MV_FLOAT, '0.6', []),
    (MV_FLOAT, 'about 0.6', [FAIL] * 5),
    (MV_LIST, 'Between 2007 and 2008', ['[2007, 2008]']),
    (MV_ZERO, '0', ['0']),
    (MV_TEXT, 'no idea', ['None']),
    (MV_INT, 'Fourteen bars', [' 14 ']),
]

MMVET_ROWS = [
    {'index': '1', 'question': 'What is x in the equation?', 'answer': '-1<AND>-5',
     'prediction': 'x = -1', 'category': 'ocr,math'},
    {'index': '2', 'question': 'Which brand?', 'answer': 'Nike<OR>nike',
     'prediction': 'Nike | Adidas', 'category': 'rec,ocr'},
    {'index': '3', 'question': 'Explain the meme.', 'answer': 'It is funny',
     'prediction': 'A joke', 'category': 'rec,know,gen'},
    {'index': '4', 'question': 'Where is the cat?', 'answer': 'left', 'prediction': 'left side',
     'category': 'rec,spat'},
    {'index': '5', 'question': 'Count', 'answer': '3', 'prediction': 'three', 'category': 'rec'},
    {'index': '6', 'question': 'Read', 'answer': 'abc', 'prediction': 'abd', 'category': 'ocr'},
]
MMVET_JUDGE = [
    ['0.5'],
    ['Correctness: 1.0', '1.0'],
    ['1.5', '2', 'inf', '-0.1', '0.4'],
    ['x', 'y', FAIL, 'z', 'w'],
    [' 0.7\n'],
    ['1e-1'],
]
MMVET_EXTRA_OUTPUTS = ['1_0', '\u0660.\u0665', '+0.3', '.5', '1.', '0,5', '1e400', '-0']

MMMU_ROWS = [
    {'index': '1', 'question': 'Which one? <image 1>', 'A': 'red', 'B': 'blue', 'C': 'green',
     'answer': 'B', 'prediction': 'B', 'split': 'dev', 'category': 'Art'},
    {'index': '2', 'question': 'Value of x?', 'A': '', 'B': '', 'answer': '42',
     'prediction': 'The answer is 42', 'split': 'dev', 'category': 'Math'},
    {'index': '3', 'question': 'Value of y?', 'A': '', 'B': '', 'answer': '7', 'prediction': 'A',
     'split': 'validation', 'category': 'Math'},
    {'index': '4', 'question': 'Explain', 'A': '', 'B': '', 'answer': '3.5',
     'prediction': 'After a long derivation that goes on and on we find that it equals 3.5 units',
     'split': 'validation', 'category': 'Physics'},
    {'index': '5', 'question': 'Letter?', 'A': '', 'B': '', 'answer': 'B', 'prediction': 'B',
     'split': 'validation', 'category': 'Physics'},
    {'index': '6', 'question': 'Open', 'A': '', 'B': '', 'answer': 'cat',
     'prediction': 'Other Answers', 'split': 'validation', 'category': 'Art'},
    {'index': '7', 'question': 'Which?', 'A': 'up', 'B': 'down', 'answer': 'A',
     'prediction': 'I cannot tell', 'split': 'validation', 'category': 'Art'},
    {'index': '8', 'question': 'Pick', 'A': 'x', 'B': 'y', 'C': 'z', 'answer': 'C',
     'prediction': 'y and z', 'split': 'dev', 'category': 'Math'},
]
# Judge answers, by question, for the rows exact matching leaves, for the judged run.
MMMU_JUDGE = {'Explain': ['A'], 'Which?': ['Z', 'B'], 'Pick': ['C']}

MMMU_PROMPTS = [
    ({'index': '1', 'question': '<image 1> What is shown? <image 2>', 'A': 'cat', 'B': 'dog'},
     ['/i/1_0.jpg', '/i/1_1.jpg']),
    ({'index': '2', 'hint': 'See <image 2>', 'question': 'Which?', 'A': '<image 1>',
      'B': '<image 3>'}, ['/i/a.png', '/i/b.png', '/i/c.png']),
    ({'index': '3', 'question': 'No placeholder here', 'A': 'x', 'B': 'y'}, ['/i/3.jpg']),
    ({'index': '4', 'question': 'Zero <image 0> means the last one', 'A': 'x', 'B': 'y'},
     ['/i/4_0.jpg', '/i/4_1.jpg']),
    ({'index': '5', 'question': 'Twice <image 1> and <image 1>; <image 2> unused? no'},
     ['/i/5_0.jpg', '/i/5_1.jpg', '/i/5_2.jpg']),
    ({'index': '6', 'question': 'Adjacent <image 1><image 2>', 'A': '1', 'B': '2', 'C': '3'},
     ['/i/6_0.jpg', '/i/6_1.jpg']),
    ({'index': '7', 'question': 'Open question <image 1>?', 'A': '', 'B': ''}, ['/i/7.jpg']),
    ({'index': '8', 'question': 'Ten <image 10>', 'A': 'x'}, [f'/i/8_{k}.jpg' for k in range(10)]),
    ({'index': '9', 'question': 'Letter <image x>', 'A': 'x'}, ['/i/9.jpg']),
    ({'index': '10', 'question': 'Beyond <image 3>', 'A': 'x'}, ['/i/10_0.jpg', '/i/10_1.jpg']),
    ({'index': '11', 'question': 'Ends with <image ', 'A': 'x', 'B': 'y'}, ['/i/11.jpg']),
    ({'index': '12', 'question': 'Lower <Image 1> and <image1>', 'A': 'x'}, ['/i/12.jpg']),
    ({'index': '13', 'question': 'Unreferenced images dropped <image 2>', 'A': 'x'},
     ['/i/13_0.jpg', '/i/13_1.jpg']),
]


def derive(root):
    files = Files()
    ns = build_namespace(root, files)
    out = {'meta': {
        'vlmevalkit_commit': COMMIT,
        'generator': 'scripts/derive_vlmevalkit_scoring_cases.py',
        'python': sys.version.split()[0], 'numpy': np.__version__, 'pandas': pd.__version__,
    }}

    out['process_answer'] = [{'input': s, 'output': ns['process_answer'](s)} for s in PROCESS_ANSWER]
    out['relaxed_correctness'] = [
        {'target': t, 'prediction': p, 'output': bool(ns['relaxed_correctness'](t, p))}
        for t, p in RELAXED]
    out['anls_compute'] = [
        {'groundtruth': g, 'prediction': p, 'output': ns['anls_compute'](g, p)} for g, p in ANLS]
    out['process_line'] = []
    for method, answer, prediction in PROCESS_LINE:
        r = ns['process_line'](pd.Series({'answer': answer, 'prediction': prediction}), method=method)
        out['process_line'].append({
            'method': method, 'answer': answer, 'prediction': prediction, 'gt': r['gt'],
            'pred': r['pred'], 'match': [num(m) for m in r['match']],
            'gt_repr': str(r['gt']), 'match_repr': str(r['match'])})

    out['image_vqa'] = []
    for dataset, rows in IMAGE_VQA:
        eval_file = f'/w/M/M_{dataset}.xlsx'
        files.served[eval_file] = frame(rows)
        files.dumped.clear()
        self = type('Self', (), {'dataset_name': dataset})()
        ret = ns['image_vqa_evaluate'](self, eval_file)
        results_path = f'/w/M/M_{dataset}_results.xlsx'
        detail = files.dumped[results_path]
        out['image_vqa'].append({
            'dataset': dataset, 'rows': rows,
            'files': [p.replace('/w/M/', '') for p in files.dumped],
            'acc': table(ret),
            'per_row': [{'eval_gt': str(g), 'eval_pred': p, 'eval_match': str(m), 'eval_score': num(s)}
                        for g, p, m, s in zip(detail['eval_gt'], detail['eval_pred'],
                                              detail['eval_match'], detail['eval_score'])],
        })

    eval_file = '/w/M/M_OCRBench.xlsx'
    files.served[eval_file] = frame(OCRBENCH_ROWS)
    files.dumped.clear()
    score = ns['ocrbench_evaluate'](None, eval_file)
    out['ocrbench'] = {'rows': OCRBENCH_ROWS, 'files': [p.replace('/w/M/', '') for p in files.dumped],
                       'score': [[k, num(v)] for k, v in score.items()]}

    out['mathvista'] = derive_mathvista(ns, files)
    out['mmvet'] = derive_mmvet(ns, files)
    out['mmmu'] = derive_mmmu(ns, files)
    return out, derive_mmmu_prompts(ns)


def derive_mathvista(ns, files):
    res = {'ice': ns['get_gpt4_ICE'](),
           'prompts': [{'row': r, 'prediction': p, 'prompt': ns['build_mathvista_gpt4_prompt'](
               pd.Series({**r, 'prediction': p}))} for r, p, _ in MV_AUXEVAL[:2]]}
    checks = []
    for row, response, prefetch in MV_POST_CHECK:
        key = 'prediction' if prefetch else 'res'
        line = frame([{**row, key: response}]).iloc[0]
        value = ns['post_check'](line, prefetch=prefetch)
        checks.append({'row': row, 'response': response, 'prefetch': prefetch,
                       'output': value if isinstance(value, str) else num(value)})
    res['post_check'] = checks
    aux = []
    scored = []
    for row, prediction, answers in MV_AUXEVAL:
        judge = ScriptedJudge(answers)
        line = frame([{**row, 'prediction': prediction}]).iloc[0]
        r = ns['MathVista_auxeval'](judge, line)
        aux.append({'row': row, 'prediction': prediction, 'judge_answers': answers,
                    'calls': [c['temperature'] for c in judge.calls],
                    'prompt': judge.calls[0]['prompt'] if judge.calls else None,
                    'log': r['log'], 'res': r['res'] if isinstance(r['res'], str) else num(r['res'])})
        scored.append({**row, 'prediction': prediction, 'res': r['res'], 'log': r['log']})
    res['auxeval'] = aux
    storage = ns['get_intermediate_file_path']('/w/M/M_MathVista_MINI.xlsx', '_gpt-4o-mini')
    score_path = ns['get_intermediate_file_path'](storage, '_score', 'csv')
    files.served[storage] = frame(scored)
    res['files'] = [storage.replace('/w/M/', ''), score_path.replace('/w/M/', '')]
    res['acc'] = table(ns['MathVista_acc'](storage))
    return res


def derive_mmvet(ns, files):
    aux = []
    scored = []
    for row, answers in zip(MMVET_ROWS, MMVET_JUDGE):
        judge = ScriptedJudge(answers)
        r = ns['MMVet_auxeval'](judge, frame([row]).iloc[0])
        aux.append({'row': row, 'judge_answers': answers, 'prompt': judge.calls[0]['prompt'],
                    'calls': [c['temperature'] for c in judge.calls], 'log': r['log'],
                    'score': num(r['score'])})
        scored.append({**row, 'score': r['score'], 'log': r['log']})
    single = []
    for output in MMVET_EXTRA_OUTPUTS:
        judge = ScriptedJudge([output] + ['0.0'] * 4)
        r = ns['MMVet_auxeval'](judge, frame([MMVET_ROWS[0]]).iloc[0])
        single.append({'output': output, 'log': r['log'], 'score': num(r['score'])})
    storage = ns['get_intermediate_file_path']('/w/M/M_MMVet.xlsx', '_gpt-4-turbo')
    files.served[storage] = frame(scored)
    score, fine = ns['MMVet_acc'](storage)
    return {'auxeval': aux, 'first_output': single,
            'files': [storage.replace('/w/M/', ''),
                      ns['get_intermediate_file_path'](storage, '_score', 'csv').replace('/w/M/', ''),
                      ns['get_intermediate_file_path'](storage, '_score_fine', 'csv').replace('/w/M/', '')],
            'score': table(score), 'score_fine': table(fine)}


def derive_mmmu(ns, files):
    runs = {}
    for name, model in (('exact_matching', None), ('judge', 'scripted')):
        data = frame(MMMU_ROWS)
        judge = None
        if model:
            judge = KeyedJudge({f'Question: {q}?\n': list(a) for q, a in MMMU_JUDGE.items()})
        saved = {}

        def track(func, tasks, nproc=1, chunksize=1, save=None, keys=None):
            results = [func(**t) for t in tasks]
            saved[save] = dict(zip(keys, results))
            return results

        ns['track_progress_rich'] = track
        ns['osp'] = type('osp', (), {'exists': staticmethod(lambda p: False)})
        result_file = f'/w/M/M_MMMU_DEV_VAL_{name}_result.pkl'
        files.served[result_file] = None
        orig_load = ns['load']
        ns['load'] = lambda p: saved[p] if p in saved else orig_load(p)
        scored = ns['mcq_vanilla_eval'](judge, data, frame(MMMU_ROWS), 1, result_file, 'MMMU_DEV_VAL')
        ns['load'] = orig_load
        report = ns['report_acc'](scored.copy())
        runs[name] = {
            'hit': [int(h) for h in scored['hit']],
            'A': [None if pd.isna(a) else a for a in scored['A']],
            'B': [None if pd.isna(b) else b for b in scored['B']],
            'answer': list(scored['answer']),
            'judge_prompts': [c['prompt'] for c in judge.calls] if judge else [],
            'report': table(report),
        }
    return {'rows': MMMU_ROWS, 'judge_answers': MMMU_JUDGE, **runs}


def derive_mmmu_prompts(ns):
    cases = []
    for row, images in MMMU_PROMPTS:
        line = pd.Series({k: (np.nan if v == '' else v) for k, v in row.items()})
        self = type('Self', (), {'meta_only': False, 'dump_image': lambda s, _l, im=images: list(im)})()
        msgs = ns['mcq_build_prompt'](self, line)
        try:
            message = ns['split_MMMU'](msgs)
            cases.append({'row': row, 'images': images, 'message': message})
        except (AssertionError, IndexError) as err:
            cases.append({'row': row, 'images': images, 'error': type(err).__name__})
    return {'meta': {'vlmevalkit_commit': COMMIT,
                     'generator': 'scripts/derive_vlmevalkit_scoring_cases.py'},
            'cases': cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--vlmevalkit', default='/work/vlmevalkit',
                        help='VLMEvalKit checkout at commit ' + COMMIT)
    args = parser.parse_args()
    global np, pd
    import numpy as np
    import pandas as pd
    scoring, prompts = derive(Path(args.vlmevalkit))
    targets = [
        (REPO / 'packages/scoring/testdata/vlmevalkit_cases.json', scoring),
        (REPO / 'packages/datasets/testdata/vlmevalkit_mmmu_prompts.json', prompts),
    ]
    for path, value in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
        print(f'wrote {path.relative_to(REPO)}')


if __name__ == '__main__':
    main()
