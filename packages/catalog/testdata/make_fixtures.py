#!/usr/bin/env python3
"""Writes the small video-benchmark fixtures of packages/catalog's tests, and what VLMEvalKit
makes of them (its generate_tsv code at e8e78f05, run here with pandas).

Usage: python3 packages/catalog/testdata/make_fixtures.py   (needs pandas and pyarrow)

- videomme_tiny.parquet, videomme_tiny.expected.tsv: VideoMME.prepare_dataset.generate_tsv
- mvbench_tiny/json/*.json, mvbench_tiny.expected.tsv: MVBench.prepare_dataset.generate_tsv
  (two of its tasks: one with a bound, one without)
- mmbench_video_p{3,4,5}.pkl: {video name: bytes} pickled as unwrap_hf_pkl reads it
- evil.pkl: a pickle that would run a command if unpickled (must be refused)
"""
import json
import os
import pickle

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))

# Video-MME ----------------------------------------------------------------------------------
rows = [
    dict(video_id="001", duration="short", domain="Knowledge", sub_category="Humanity & History",
         url="https://www.youtube.com/watch?v=a", videoID="fFjv93ACGo8", question_id="001-1",
         task_type="Counting Problem",
         question="When demonstrating the Germany modern Christmas tree is initially decorated "
                  "with apples, candles and berries, which kind of the decoration has the "
                  "largest number?",
         options=["A. Apples.", "B. Candles.", "C. Berries.", "D. The three kinds are of the "
                  "same number."], answer="C"),
    dict(video_id="001", duration="short", domain="Knowledge", sub_category="Humanity & History",
         url="https://www.youtube.com/watch?v=a", videoID="fFjv93ACGo8", question_id="001-2",
         task_type="Information Synopsis",
         question='What is the genre of this video?\tIt\'s "tricky", isn\'t it?\nAnswer.',
         options=["A. It's a news report.", 'B. A "documentary".', "C. Café vlog — 日本語.",
                  "D. None\\of these."], answer="B"),
    dict(video_id="002", duration="medium", domain="Film & Television",
         sub_category="Animation", url="https://www.youtube.com/watch?v=b", videoID="6Z4fuFIp4pA",
         question_id="002-1", task_type="Object Recognition", question="Which animal appears?",
         options=["A. Cat.", "B. Dog.", "C. Bird.", "D. Fish."], answer="A"),
]
pd.DataFrame(rows).to_parquet(os.path.join(HERE, "videomme_tiny.parquet"), index=False)

# VLMEvalKit videomme.py generate_tsv, with the parquet path changed.
data_file = pd.read_parquet(os.path.join(HERE, "videomme_tiny.parquet"))
data_file = data_file.assign(index=range(len(data_file)))
data_file['video'] = data_file['videoID']
data_file['video_path'] = data_file['videoID'].apply(lambda x: f'./video/{x}.mp4')
data_file['subtitle_path'] = data_file['videoID'].apply(lambda x: f'./subtitle/{x}.srt')
data_file['candidates'] = data_file['options'].apply(lambda x: x.tolist())
data_file = data_file[['index', 'video', 'video_path', 'duration', 'domain', 'candidates',
                       'sub_category', 'task_type', 'subtitle_path', 'question', 'answer']]
data_file.to_csv(os.path.join(HERE, "videomme_tiny.expected.tsv"), sep='\t', index=False)

# MVBench ------------------------------------------------------------------------------------
type_data_list = {
    'Action Sequence': ('action_sequence.json',
                        'your_data_path/star/Charades_v1_480/', 'video', True),
    'Action Antonym': ('action_antonym.json', 'your_data_path/ssv2_video/', 'video', False),
}
os.makedirs(os.path.join(HERE, "mvbench_tiny", "json"), exist_ok=True)
with open(os.path.join(HERE, "mvbench_tiny", "json", "action_sequence.json"), "w") as f:
    json.dump([
        {"video": "3MSZA.mp4", "question": "What happened after the person took the food?",
         "candidates": ["Ate the medicine.", "Tidied up the blanket.", "Put down the cup/glass/bottle.", "Took the box."],
         "answer": "Ate the medicine.", "start": 2.0, "end": 12.5},
        {"video": "0KZ4B.mp4", "question": "What did the person do with the 'towel'?",
         "candidates": ["Threw it.", "Took it."], "answer": "Took it.", "start": 0, "end": 7},
    ], f)
with open(os.path.join(HERE, "mvbench_tiny", "json", "action_antonym.json"), "w") as f:
    json.dump([
        {"video": "166583.webm", "question": "What is the action performed by the person in the video?",
         "candidates": ["Not sure", "Scattering something down", "Piling something up"],
         "answer": "Piling something up"},
    ], f)
data_list = []
pth = os.path.join(HERE, "mvbench_tiny")
for k, v in type_data_list.items():
    with open(os.path.join(pth, "json", v[0]), 'r') as f:
        json_data = json.load(f)
    for data in json_data:
        data_list.append({
            'task_type': k,
            'prefix': v[1].replace('your_data_path', 'video'),
            'data_type': v[2],
            'bound': v[3],
            'start': data['start'] if 'start' in data.keys() else None,
            'end': data['end'] if 'end' in data.keys() else None,
            'video': data['video'],
            'question': data['question'],
            'answer': data['answer'],
            'candidates': data['candidates']
        })
data_df = pd.DataFrame(data_list)
data_df = data_df.assign(index=range(len(data_df)))
data_df.to_csv(os.path.join(HERE, "mvbench_tiny.expected.tsv"), sep='\t', index=False)

# MMBench-Video pickles ----------------------------------------------------------------------
videos = {"video_a": b"\x00\x00\x00\x18ftypmp42 fake video a" * 3, "video_b": bytes(range(256)) * 2}
for protocol in (3, 4, 5):
    with open(os.path.join(HERE, f"mmbench_video_p{protocol}.pkl"), "wb") as f:
        pickle.dump(videos, f, protocol=protocol)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


with open(os.path.join(HERE, "evil.pkl"), "wb") as f:
    pickle.dump({"video_c": Evil()}, f, protocol=4)
print("fixtures written to", HERE)
