"""Writes the VLMEvalKit-style prediction files used by read_predictions_test.ts.

Run with pandas, numpy and xlsxwriter installed (made with pandas 3.1.1, xlsxwriter 3.3.1):
    python make_vlmevalkit_files.py
It mirrors vlmeval/smp/file.py `dump`: xlsx through xlsxwriter with strings_to_formulas=False,
tsv with QUOTE_ALL, json as records with indent=4 and ensure_ascii=False.
"""
import csv
import json

import numpy as np
import pandas as pd

data = pd.DataFrame({
    "index": [1, 2, 3, 4],
    "question": ["What colour?", "Count the dots", "Read the sign", "Which is bigger?"],
    "hint": [np.nan, "Look closely", np.nan, "Compare sizes"],
    "A": ["red", "1", "None", "left"],
    "answer": ["A", "B", "A", "A"],
    "prediction": [
        "=1+1",
        "line one\nline two\r\nand 中文",
        "https://example.com/sign",
        "_x0041_ and \x01 control",
    ],
})

data.to_excel(
    "vlmevalkit_pred.xlsx",
    index=False,
    engine="xlsxwriter",
    engine_kwargs={"options": {"strings_to_formulas": False}},
)
data.to_csv("vlmevalkit_pred.tsv", sep="\t", index=False, quoting=csv.QUOTE_ALL)
with open("vlmevalkit_pred.json", "w") as f:
    json.dump(data.to_dict("records"), f, indent=4, ensure_ascii=False)
