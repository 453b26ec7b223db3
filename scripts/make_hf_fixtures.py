#!/usr/bin/env python3
"""Makes the test models of the Hugging Face adapter (packages/models/hf) and PyTorch's answers.

Run by hand, never by CI (it needs torch, about 3 GB with its CUDA wheels):

    bash scripts/make_hf_fixtures.sh [ARGS]     # creates .venv/ with the pinned packages, then runs this

    python scripts/make_hf_fixtures.py [--out DIR] [--family NAME ...] [--real-size DIR]

For each family (smolvlm: Idefics3, the SmolVLM-256M architecture; smolvlm2: SmolVLM2;
paligemma: PaliGemma, SigLIP and Gemma with prefix attention) it
  1. makes a tiny randomly initialised model (seeded) with a small byte-level BPE tokenizer,
  2. exports it to the ONNX layout transformers.js reads (config.json, generation_config.json,
     preprocessor_config.json, processor_config.json, tokenizer.json, tokenizer_config.json with
     the chat template, onnx/vision_encoder.onnx, onnx/embed_tokens.onnx,
     onnx/decoder_model_merged.onnx) and checks the export against PyTorch with ONNX Runtime,
  3. runs VLMEvalKit's own wrapper code (vlmeval/vlm/smolvlm.py, read from --vlmevalkit) on fixed
     PNG images and prompts: its prompt builders for every benchmark branch (prompts.json), and
     its generate_inner (processor from the image files, greedy generate, decoding) for the
     parity cases (parity.json: token ids, decoded text, and a hash of the pixel values),
  4. writes PIL resize references (pil_resize.json) for the port of Pillow's resampling.

--real-size DIR writes a random model with SmolVLM-256M's real dimensions (about 1 GB, not for
the repository) for benchmarks/hf_smolvlm_bench.ts, with PyTorch's timing of the same inputs.

Exit: 0 done; 1 an export does not match PyTorch; 2 bad arguments.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import shutil
import sys
import time
import types

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Parser(argparse.ArgumentParser):
    """argparse with the project's error grammar: the bad option named in quotes, exit 2."""

    def error(self, message):
        bad = message.split(": ", 1)[1].split() if message.startswith("unrecognized arguments") else []
        what = f'Cannot use "{bad[0]}" as it is not an option' if bad else f"Cannot parse the arguments: {message}"
        sys.stderr.write(f"make_hf_fixtures: {what}; see --help\n")
        sys.exit(2)


def parse_args(argv):
    p = _Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(REPO, "packages/models/hf/testdata"),
                   help="testdata folder to write (default packages/models/hf/testdata)")
    p.add_argument("--family", action="append", choices=["smolvlm", "smolvlm2", "paligemma"],
                   help="families to make (default all)")
    p.add_argument("--vlmevalkit", default="/work/vlmevalkit", help="VLMEvalKit checkout")
    p.add_argument("--real-size", metavar="DIR",
                   help="also write a random model of SmolVLM-256M's real size to DIR (not committed)")
    p.add_argument("--max-new-tokens", type=int, default=12, help="tokens per parity case (default 12)")
    p.add_argument("--parse-only", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# The arguments are read before the heavy imports, so that --help and bad options need no torch.
ARGS = parse_args(sys.argv[1:]) if __name__ == "__main__" else None
if ARGS is not None and ARGS.parse_only:
    sys.exit(0)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

SEED = 20241207

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<end_of_utterance>",
            "<fake_token_around_image>", "<image>"]
PALIGEMMA_SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>"]
# Added but not special, so that decoding keeps them and Idefics3's regex has work to do.
PLAIN_ADDED = ["<global-img>"] + [f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)]

CHAT_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)

CORPUS = [
    "Question: What is shown in the image? Options: A. a cat B. a dog C. a car D. a tree",
    "Please select the correct answer from the options above. Answer with the letter.",
    "Hint: The picture was taken in a park. Choices: red green blue yellow circle square",
    "Give a very brief answer. Answer yes or no. Assistant: User: System: Frame from 00:01",
    "How many shapes are in the image? Which colour is the largest shape? left right top bottom",
    "Here are some frames sampled from a video: pay attention to the video and answer the question",
    "For the question below, follow the following instructions: The answer should contain",
    "0123456789 []() ,.:;!? the of and to in is it that for on with as was",
    "Best option: respond ONLY with one of the multiple choice letter options (A/B/C/D):",
    "这是什么颜色？ 红色 绿色 蓝色 Quelle est la couleur? café naïve",
]


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

def make_images(out):
    """Fixed PNG images: smooth gradients with shapes, so resizing has something to do."""
    rng = np.random.default_rng(SEED)
    d = os.path.join(out, "images")
    os.makedirs(d, exist_ok=True)

    def scene(w, h, k):
        y, x = np.mgrid[0:h, 0:w]
        img = np.zeros((h, w, 3), np.float64)
        img[..., 0] = 255 * x / max(w - 1, 1)
        img[..., 1] = 255 * y / max(h - 1, 1)
        img[..., 2] = 128 + 100 * np.sin((x + 2 * y + k * 7) / 5.0)
        cx, cy, r = rng.integers(0, w), rng.integers(0, h), rng.integers(4, max(5, min(w, h) // 2))
        img[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.integers(0, 256, 3)
        img += rng.normal(0, 12, img.shape)
        return np.clip(img, 0, 255).astype(np.uint8)

    files = {}
    for name, (w, h) in {"wide": (70, 45), "tall": (37, 61), "small": (20, 18)}.items():
        Image.fromarray(scene(w, h, len(files))).save(os.path.join(d, f"{name}.png"))
        files[name] = f"images/{name}.png"
    rgba = np.dstack([scene(40, 30, 9), rng.integers(0, 256, (30, 40)).astype(np.uint8)])
    Image.fromarray(rgba, "RGBA").save(os.path.join(d, "alpha.png"))
    files["alpha"] = "images/alpha.png"
    for i in range(4):
        Image.fromarray(scene(48, 36, 20 + i)).save(os.path.join(d, f"frame_{i}.png"))
        files[f"frame_{i}"] = f"images/frame_{i}.png"
    return files


def pil_resize_refs(out, files):
    refs = []
    for name in ["wide", "tall", "alpha"]:
        img = Image.open(os.path.join(out, files[name])).convert("RGB")
        for (w, h), resample in [((96, 62), 1), ((33, 20), 1), ((32, 32), 1), ((51, 77), 3),
                                 ((19, 40), 2), ((64, 41), 4), ((30, 30), 5), ((45, 70), 0)]:
            r = img.resize((w, h), resample=resample)
            refs.append({"image": files[name], "width": w, "height": h, "resample": resample,
                         "rgb_base64": base64.b64encode(np.asarray(r).tobytes()).decode()})
    write_json(os.path.join(out, "pil_resize.json"), refs)


# ---------------------------------------------------------------------------------------------
# Tokenizer, model, processor
# ---------------------------------------------------------------------------------------------

def make_tokenizer(family="smolvlm"):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from tokenizers import AddedToken
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = PALIGEMMA_SPECIALS if family == "paligemma" else SPECIALS
    trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS * 4, trainer)
    if family == "paligemma":
        from transformers import GemmaTokenizerFast
        # The processor writes <bos> into the prompt itself; the tokenizer adds none.
        return GemmaTokenizerFast(
            tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
            unk_token="<unk>", add_bos_token=False, add_eos_token=False, model_max_length=8192,
            clean_up_tokenization_spaces=False, model_input_names=["input_ids", "attention_mask"],
        )
    tok.add_tokens([AddedToken(t, normalized=False, special=False) for t in PLAIN_ADDED])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<end_of_utterance>",
        pad_token="<|im_end|>", unk_token="<|endoftext|>",
        additional_special_tokens=["<fake_token_around_image>", "<image>", "<end_of_utterance>"],
        model_max_length=8192, clean_up_tokenization_spaces=False,
        model_input_names=["input_ids", "attention_mask"],
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def tiny_config(family, tok):
    from transformers import Idefics3Config, SmolVLMConfig
    vision = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                  image_size=32, patch_size=8, num_channels=3, initializer_range=0.2)
    text = dict(model_type="llama", vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=8,
                max_position_embeddings=2048, rms_norm_eps=1e-5, rope_theta=100000.0,
                tie_word_embeddings=False, initializer_range=0.2,
                pad_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
                bos_token_id=tok.convert_tokens_to_ids("<|im_start|>"),
                eos_token_id=tok.convert_tokens_to_ids("<end_of_utterance>"))
    cls = Idefics3Config if family == "smolvlm" else SmolVLMConfig
    cfg = cls(vision_config=vision, text_config=text, scale_factor=2, tie_word_embeddings=False,
              image_token_id=tok.convert_tokens_to_ids("<image>"),
              pad_token_id=text["pad_token_id"], initializer_range=0.2)
    processor = dict(size=96, max_image_size=32, image_seq_len=4)
    return cfg, processor


def paligemma_parts():
    """A tiny PaliGemma (v1: Gemma text model), its processor (adds <image> and the loc/seg
    tokens to the tokenizer), sized to the tokenizer."""
    from transformers import (PaliGemmaConfig, PaliGemmaForConditionalGeneration, PaliGemmaProcessor,
                              SiglipImageProcessor)
    tok = make_tokenizer("paligemma")
    image = SiglipImageProcessor(do_resize=True, size={"height": 32, "width": 32}, resample=3,
                                 do_rescale=True, rescale_factor=1 / 255, do_normalize=True,
                                 image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5],
                                 do_convert_rgb=True, image_seq_length=16)
    image.image_seq_length = 16
    processor = PaliGemmaProcessor(image, tok)
    vision = dict(model_type="siglip_vision_model", hidden_size=16, intermediate_size=32,
                  num_hidden_layers=1, num_attention_heads=2, image_size=32, patch_size=8,
                  projection_dim=32)
    text = dict(model_type="gemma", vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1, head_dim=8,
                max_position_embeddings=2048, rms_norm_eps=1e-6, rope_theta=10000.0,
                pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                initializer_range=0.2)
    cfg = PaliGemmaConfig(vision_config=vision, text_config=text, projection_dim=32, hidden_size=32,
                          image_token_index=tok.convert_tokens_to_ids("<image>"), vocab_size=len(tok),
                          pad_token_id=tok.pad_token_id, initializer_range=0.2)
    cfg._attn_implementation = "eager"
    torch.manual_seed(SEED + 2)
    model = PaliGemmaForConditionalGeneration(cfg).eval()
    return tok, cfg, model, processor


def real_size_config(tok):
    """SmolVLM-256M-Instruct's dimensions (HuggingFaceTB/SmolVLM-256M-Instruct config.json)."""
    from transformers import Idefics3Config
    vision = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                  image_size=512, patch_size=16, num_channels=3)
    text = dict(model_type="llama", vocab_size=49280, hidden_size=576, intermediate_size=1536,
                num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3, head_dim=64,
                max_position_embeddings=8192, rms_norm_eps=1e-5, rope_theta=100000.0,
                tie_word_embeddings=False,
                pad_token_id=tok.convert_tokens_to_ids("<|im_end|>"),
                bos_token_id=tok.convert_tokens_to_ids("<|im_start|>"),
                eos_token_id=tok.convert_tokens_to_ids("<end_of_utterance>"))
    cfg = Idefics3Config(vision_config=vision, text_config=text, scale_factor=4, tie_word_embeddings=False,
                         image_token_id=tok.convert_tokens_to_ids("<image>"), pad_token_id=text["pad_token_id"])
    processor = dict(size=2048, max_image_size=512, image_seq_len=64)
    return cfg, processor


def make_model(family, cfg):
    from transformers import Idefics3ForConditionalGeneration, SmolVLMForConditionalGeneration
    torch.manual_seed(SEED + (0 if family == "smolvlm" else 1))
    cls = Idefics3ForConditionalGeneration if family == "smolvlm" else SmolVLMForConditionalGeneration
    cfg._attn_implementation = "eager"
    model = cls(cfg).eval()
    return model


def make_processor(family, tok, p):
    from transformers import Idefics3ImageProcessor, Idefics3Processor, SmolVLMImageProcessor, SmolVLMProcessor
    kwargs = dict(do_convert_rgb=True, do_resize=True, size={"longest_edge": p["size"]}, resample=1,
                  do_image_splitting=True, max_image_size={"longest_edge": p["max_image_size"]},
                  do_rescale=True, rescale_factor=1 / 255, do_normalize=True,
                  image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5], do_pad=True)
    if family == "smolvlm":
        return Idefics3Processor(Idefics3ImageProcessor(**kwargs), tok, image_seq_len=p["image_seq_len"],
                                 chat_template=CHAT_TEMPLATE)
    # transformers 4.52 uses an image processor for videos too, configured by `video_sampling`
    # (as in the SmolVLM2 repositories' preprocessor_config.json).
    image = SmolVLMImageProcessor(**kwargs, video_sampling={
        "fps": 1, "max_frames": 64, "video_size": {"longest_edge": p["max_image_size"]}})
    return SmolVLMProcessor(image, tok, image, image_seq_len=p["image_seq_len"], chat_template=CHAT_TEMPLATE)


# ---------------------------------------------------------------------------------------------
# ONNX export
# ---------------------------------------------------------------------------------------------

def _export_embeddings_forward(self, pixel_values, patch_attention_mask):
    """Idefics3VisionEmbeddings.forward without the per-image loop and torch.bucketize (which the
    ONNX exporter rejects): bucketize(x, b, right=True) is the count of boundaries <= x. Checked
    equal to the original on whole tiles, the only ones Idefics3's processor makes."""
    batch_size, _, max_im_h, max_im_w = pixel_values.shape
    patch_embeds = self.patch_embedding(pixel_values)
    embeddings = patch_embeds.flatten(2).transpose(1, 2)
    max_h, max_w = max_im_h // self.patch_size, max_im_w // self.patch_size
    boundaries = torch.arange(1 / self.num_patches_per_side, 1.0, 1 / self.num_patches_per_side)
    mask = patch_attention_mask.to(torch.bool)
    nb_h = mask[:, :, 0].sum(dim=1)
    nb_w = mask[:, 0, :].sum(dim=1)
    # float32 throughout (WebGPU has no float64); checked equal to the original below.
    frac_h = torch.arange(max_h, dtype=torch.float32)[None, :] * (1 / nb_h)[:, None]
    frac_w = torch.arange(max_w, dtype=torch.float32)[None, :] * (1 / nb_w)[:, None]
    bucket_h = (boundaries[None, None, :] <= frac_h[:, :, None]).sum(-1)
    bucket_w = (boundaries[None, None, :] <= frac_w[:, :, None]).sum(-1)
    pos = bucket_h[:, :, None] * self.num_patches_per_side + bucket_w[:, None, :]
    position_ids = torch.where(mask, pos, torch.zeros_like(pos)).reshape(batch_size, max_h * max_w)
    return embeddings + self.position_embedding(position_ids)


class VisionEncoder(torch.nn.Module):
    """get_image_features with the patch mask taken by a reshape instead of Tensor.unfold (which the
    exporter cannot size after the boolean indexing); the same values when tiles are whole patches."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, pixel_values, pixel_attention_mask):
        b, n, c, h, w = pixel_values.shape
        pv = pixel_values.reshape(b * n, c, h, w)
        mask = pixel_attention_mask.reshape(b * n, h, w)
        real = (pv == 0.0).sum(dim=(-1, -2, -3)) != c * h * w
        pv = pv[real]
        mask = mask[real]
        ps = self.inner.config.vision_config.patch_size
        patch_mask = mask.reshape(-1, h // ps, ps, w // ps, ps).sum(dim=(2, 4)) > 0
        hidden = self.inner.vision_model(pixel_values=pv, patch_attention_mask=patch_mask).last_hidden_state
        hidden = self.inner.connector(hidden)
        return hidden.reshape(-1, hidden.shape[-1])


class PaliGemmaVision(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, pixel_values):
        return self.inner.get_image_features(pixel_values)


class EmbedTokens(torch.nn.Module):
    def __init__(self, embed):
        super().__init__()
        self.embed = embed

    def forward(self, input_ids):
        return self.embed(input_ids)


class Decoder(torch.nn.Module):
    def __init__(self, lm, head, layers):
        super().__init__()
        self.lm, self.head, self.layers = lm, head, layers

    prefix_attention = False

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        from transformers import DynamicCache
        cache = DynamicCache()
        for i in range(self.layers):
            cache.update(past[2 * i], past[2 * i + 1], i)
        mask = attention_mask
        if self.prefix_attention:
            # PaliGemma at inference: the prompt attends to all of itself (no causal mask in the
            # prefill), a generated token to everything before it: only padding is masked.
            keep = attention_mask[:, None, None, :].to(torch.bool)
            q = torch.ones_like(inputs_embeds[:, :, :1], dtype=torch.bool)[:, None, :, :]
            mask = torch.where(keep & q, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        out = self.lm(inputs_embeds=inputs_embeds, attention_mask=mask, position_ids=position_ids,
                      past_key_values=cache, use_cache=True)
        logits = self.head(out.last_hidden_state)
        pkv = out.past_key_values
        flat = []
        for i in range(self.layers):
            flat += [pkv.key_cache[i], pkv.value_cache[i]]
        return (logits, *flat)


def export_paligemma(model, out_dir):
    inner = model.model
    text_cfg = model.config.text_config
    layers, kv_heads, head_dim = text_cfg.num_hidden_layers, text_cfg.num_key_value_heads, text_cfg.head_dim
    onnx_dir = os.path.join(out_dir, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    side = model.config.vision_config.image_size
    torch.onnx.export(
        PaliGemmaVision(inner), (torch.randn(1, 3, side, side),), os.path.join(onnx_dir, "vision_encoder.onnx"),
        input_names=["pixel_values"], output_names=["image_features"],
        dynamic_axes={"pixel_values": {0: "batch_size"}, "image_features": {0: "batch_size"}},
        opset_version=17, dynamo=False,
    )
    ids = torch.tensor([[1, 2, 3]], dtype=torch.int64)
    torch.onnx.export(
        EmbedTokens(inner.language_model.embed_tokens), (ids,), os.path.join(onnx_dir, "embed_tokens.onnx"),
        input_names=["input_ids"], output_names=["inputs_embeds"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                      "inputs_embeds": {0: "batch_size", 1: "sequence_length"}},
        opset_version=17, dynamo=False,
    )
    decoder = Decoder(inner.language_model, model.lm_head, layers)
    decoder.prefix_attention = True
    _export_decoder(decoder, text_cfg, layers, kv_heads, head_dim, onnx_dir)
    return layers, kv_heads, head_dim


def _export_decoder(decoder, text_cfg, layers, kv_heads, head_dim, onnx_dir):
    past_len, seq = 2, 3
    embeds = torch.randn(1, seq, text_cfg.hidden_size)
    attn = torch.ones(1, past_len + seq, dtype=torch.int64)
    pos = torch.arange(past_len, past_len + seq, dtype=torch.int64)[None]
    past = [torch.randn(1, kv_heads, past_len, head_dim) for _ in range(2 * layers)]
    past_names = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    dyn = {"inputs_embeds": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in past_names:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names:
        dyn[n] = {0: "batch_size", 2: "total_sequence_length"}
    torch.onnx.export(
        decoder, (embeds, attn, pos, *past), os.path.join(onnx_dir, "decoder_model_merged.onnx"),
        input_names=["inputs_embeds", "attention_mask", "position_ids", *past_names],
        output_names=["logits", *present_names], dynamic_axes=dyn, opset_version=17, dynamo=False,
    )


def export_onnx(model, processor, out_dir):
    inner = model.model
    text_cfg = model.config.text_config
    layers, kv_heads = text_cfg.num_hidden_layers, text_cfg.num_key_value_heads
    head_dim = getattr(text_cfg, "head_dim", None) or text_cfg.hidden_size // text_cfg.num_attention_heads
    onnx_dir = os.path.join(out_dir, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    side = processor.image_processor.max_image_size["longest_edge"]

    emb_cls = type(inner.vision_model.embeddings)
    original = emb_cls.forward
    # The replacement must give the same position ids as the original on full and partial masks.
    with torch.no_grad():
        pv = torch.randn(3, 3, side, side)
        ps = inner.config.vision_config.patch_size
        for mask in [torch.ones(3, side // ps, side // ps, dtype=torch.bool)]:
            a = original(inner.vision_model.embeddings, pv, mask)
            b = _export_embeddings_forward(inner.vision_model.embeddings, pv, mask)
            if not torch.equal(a, b):
                raise SystemExit("the export's vision embeddings differ from the original's")
    emb_cls.forward = _export_embeddings_forward
    try:
        pixel_values = torch.randn(1, 2, 3, side, side)
        mask = torch.ones(1, 2, side, side, dtype=torch.bool)
        with torch.no_grad():
            emb_cls.forward = original
            a = inner.get_image_features(pixel_values, mask)
            emb_cls.forward = _export_embeddings_forward
            if not torch.equal(a.reshape(-1, a.shape[-1]), VisionEncoder(inner)(pixel_values, mask)):
                raise SystemExit("the export's vision encoder differs from get_image_features")
        torch.onnx.export(
            VisionEncoder(inner), (pixel_values, mask), os.path.join(onnx_dir, "vision_encoder.onnx"),
            input_names=["pixel_values", "pixel_attention_mask"], output_names=["image_features"],
            dynamic_axes={"pixel_values": {0: "batch_size", 1: "num_images"},
                          "pixel_attention_mask": {0: "batch_size", 1: "num_images"},
                          "image_features": {0: "num_features"}},
            opset_version=17, dynamo=False,
        )
    finally:
        emb_cls.forward = original

    ids = torch.tensor([[1, 2, 3]], dtype=torch.int64)
    torch.onnx.export(
        EmbedTokens(inner.text_model.embed_tokens), (ids,), os.path.join(onnx_dir, "embed_tokens.onnx"),
        input_names=["input_ids"], output_names=["inputs_embeds"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                      "inputs_embeds": {0: "batch_size", 1: "sequence_length"}},
        opset_version=17, dynamo=False,
    )

    _export_decoder(Decoder(inner.text_model, model.lm_head, layers), text_cfg, layers, kv_heads, head_dim,
                    onnx_dir)
    return layers, kv_heads, head_dim


def ort_greedy(out_dir, inputs, max_new_tokens, eos_ids, layers, kv_heads, head_dim, pos_offset=0):
    """Greedy decoding with ONNX Runtime on the exported graphs: must equal PyTorch's generate."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    s = {n: ort.InferenceSession(os.path.join(out_dir, "onnx", f"{n}.onnx"), opts)
         for n in ["vision_encoder", "embed_tokens", "decoder_model_merged"]}
    ids = inputs["input_ids"].numpy()
    embeds = s["embed_tokens"].run(None, {"input_ids": ids})[0]
    if "pixel_values" in inputs:
        feeds = {"pixel_values": inputs["pixel_values"].numpy()}
        if "pixel_attention_mask" in inputs:
            feeds["pixel_attention_mask"] = inputs["pixel_attention_mask"].numpy().astype(bool)
        feats = s["vision_encoder"].run(None, feeds)[0].reshape(-1, embeds.shape[-1])
        config = json.load(open(os.path.join(out_dir, "config.json")))
        image_id = int(config.get("image_token_id", config.get("image_token_index")))
        embeds[ids == image_id] = feats
    past = {f"past_key_values.{i}.{kv}": np.zeros((1, kv_heads, 0, head_dim), np.float32)
            for i in range(layers) for kv in ("key", "value")}
    total = ids.shape[1]
    pos = np.arange(pos_offset, total + pos_offset, dtype=np.int64)[None]
    out = []
    for _ in range(max_new_tokens):
        res = s["decoder_model_merged"].run(None, {"inputs_embeds": embeds,
                                                   "attention_mask": np.ones((1, total), np.int64),
                                                   "position_ids": pos, **past})
        nxt = int(res[0][0, -1].argmax())
        out.append(nxt)
        if nxt in eos_ids:
            break
        names = [o.name for o in s["decoder_model_merged"].get_outputs()]
        past = {n.replace("present", "past_key_values"): v for n, v in zip(names, res) if n != "logits"}
        embeds = s["embed_tokens"].run(None, {"input_ids": np.array([[nxt]], np.int64)})[0]
        pos = np.array([[total + pos_offset]], np.int64)
        total += 1
    return out


# ---------------------------------------------------------------------------------------------
# VLMEvalKit's wrapper, run as it is
# ---------------------------------------------------------------------------------------------

def load_wrappers(vlmevalkit):
    """vlmeval/vlm/smolvlm.py executed with stubs for its two package-relative imports."""
    path = os.path.join(vlmevalkit, "vlmeval/vlm/smolvlm.py")
    src = open(path, encoding="utf-8").read()
    src = src.replace("from ..smp import splitlen\n", "").replace("from .base import BaseModel\n", "")
    ns = {"__name__": "vlmeval_smolvlm", "BaseModel": object, "splitlen": lambda s, sym="/": len(s.split(sym))}
    exec(compile(src, path, "exec"), ns)
    return ns["SmolVLM"], ns["SmolVLM2"]


def load_paligemma_wrapper(vlmevalkit):
    """vlmeval/vlm/gemma.py's PaliGemma, with BaseModel.message_to_promptimg taken from
    vlmeval/vlm/base.py (by its source, through ast) as the only base-class code it calls."""
    import ast
    base_path = os.path.join(vlmevalkit, "vlmeval/vlm/base.py")
    base_src = open(base_path, encoding="utf-8").read()
    fn = next(n for n in ast.walk(ast.parse(base_src))
              if isinstance(n, ast.FunctionDef) and n.name == "message_to_promptimg")
    fn_src = ast.get_source_segment(base_src, fn)
    import textwrap
    import warnings
    base_ns = {"warnings": warnings, "concat_images_vlmeval": None}
    exec(textwrap.dedent(fn_src), base_ns)

    class BaseModel:
        INTERLEAVE = False
        message_to_promptimg = base_ns["message_to_promptimg"]

    path = os.path.join(vlmevalkit, "vlmeval/vlm/gemma.py")
    src = open(path, encoding="utf-8").read().replace("from .base import BaseModel\n", "")
    ns = {"__name__": "vlmeval_gemma", "BaseModel": BaseModel}
    exec(compile(src, path, "exec"), ns)
    return ns["PaliGemma"]


def paligemma_cases(files):
    img = lambda n: {"type": "image", "value": files[n]}
    txt = lambda v: {"type": "text", "value": v}
    abcd = {"A": "red", "B": "green", "C": "blue", "D": "yellow"}
    return [
        {"name": "mmbench_wide", "dataset": "MMBench_DEV_EN",
         "row": {"question": "Which colour is the circle?", "hint": "Look at the middle.", **abcd},
         "message": [img("wide"), txt(mcq_text("Which colour is the circle?", abcd, "Look at the middle."))]},
        {"name": "mme_alpha", "dataset": "MME", "row": {"question": "Is there a circle?"},
         "message": [img("alpha"), txt("Is there a circle?")]},
        {"name": "two_images_first_only", "dataset": "MMMU_DEV_VAL", "row": None,
         "message": [img("tall"), img("wide"), txt("Compare them."), txt("Answer briefly.")]},
    ]


def run_paligemma_parity(out, model_dir, model, vlmevalkit, layers, kv_heads, head_dim):
    from transformers import AutoProcessor, BatchFeature
    PaliGemma = load_paligemma_wrapper(vlmevalkit)
    real_to = BatchFeature.to
    BatchFeature.to = lambda self, *a, **k: self  # the wrapper moves inputs to 'cuda'; this runs on CPU
    eos = json.load(open(os.path.join(model_dir, "generation_config.json")))["eos_token_id"]
    eos = set(eos if isinstance(eos, list) else [eos])
    results = []
    try:
        for case in paligemma_cases(make_images.files):
            wrapper = PaliGemma.__new__(PaliGemma)
            wrapper.processor = AutoProcessor.from_pretrained(model_dir)
            wrapper.model = model
            wrapper.kwargs = {}
            captured = {}
            real_call = type(wrapper.processor).__call__
            real_generate = model.generate

            def spy_call(self, *a, **k):
                captured["inputs"] = real_call(self, *a, **k)
                return captured["inputs"]

            def spy_generate(**k):
                captured["ids"] = real_generate(**k)
                captured["max_new_tokens"] = k.get("max_new_tokens")
                return captured["ids"]

            type(wrapper.processor).__call__ = spy_call
            model.generate = spy_generate
            try:
                text = wrapper.generate_inner(abs_message(out, case["message"]), dataset=case["dataset"])
            finally:
                type(wrapper.processor).__call__ = real_call
                model.generate = real_generate
            inputs = captured["inputs"]
            new_ids = captured["ids"][0, inputs["input_ids"].shape[1]:].tolist()
            ort_ids = ort_greedy(model_dir, inputs, captured["max_new_tokens"], eos, layers, kv_heads, head_dim,
                                 pos_offset=1)
            if ort_ids != new_ids:
                print(f"make_hf_fixtures: paligemma/{case['name']}: ONNX Runtime {ort_ids} != PyTorch {new_ids}",
                      file=sys.stderr)
                raise SystemExit(1)
            pv = inputs["pixel_values"].numpy().astype("<f4")
            results.append({**case, "family": "paligemma", "model": "paligemma", "expected": {
                "input_ids": inputs["input_ids"][0].tolist(),
                "pixel_values_shape": list(pv.shape),
                "pixel_values_sha256": hashlib.sha256(pv.tobytes()).hexdigest(),
                "token_ids": new_ids,
                "text": text,
            }})
            print(f"make_hf_fixtures: paligemma/{case['name']}: {len(new_ids)} tokens, {text[:60]!r}")
    finally:
        BatchFeature.to = real_to
    return results


def make_paligemma(out, vlmevalkit):
    tok, cfg, model, processor = paligemma_parts()
    model_dir = os.path.join(out, "paligemma")
    if os.path.exists(model_dir):
        shutil.rmtree(model_dir)
    os.makedirs(model_dir)
    processor.save_pretrained(model_dir)
    model.config.save_pretrained(model_dir)
    gen = {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id,
           "transformers_version": "4.52.4"}
    write_json(os.path.join(model_dir, "generation_config.json"), gen)
    model.generation_config.eos_token_id = gen["eos_token_id"]
    model.generation_config.pad_token_id = gen["pad_token_id"]
    model.generation_config.bos_token_id = gen["bos_token_id"]
    layers, kv_heads, head_dim = export_paligemma(model, model_dir)
    with torch.no_grad():
        return run_paligemma_parity(out, model_dir, model, vlmevalkit, layers, kv_heads, head_dim)


class _Captured(Exception):
    pass


class PromptRecorder:
    """Stands in for the processor to capture what a wrapper's generate_inner hands it."""

    def __init__(self):
        self.image_processor = types.SimpleNamespace(size=None, do_resize=None, do_image_splitting=None)
        self.do_image_splitting = None
        self.image_size = None
        self.last = None

    def __call__(self, text=None, images=None, return_tensors=None):
        self.last = {"prompt": text, "images": len(images or [])}
        raise _Captured()


def wrapper_instance(cls, processor, model, kwargs, model_path):
    obj = cls.__new__(cls)
    obj.processor = processor
    obj.model = model
    obj.kwargs = kwargs
    if cls.__name__ == "SmolVLM2":
        obj.sampling_frames = 64
        obj.resolution = 512 if ("SmolVLM2-256M" in model_path or "SmolVLM2-500M" in model_path) else (
            384 if "SmolVLM2-2.2B" in model_path else 512)
    return obj


def abs_message(out, message):
    return [dict(m, value=os.path.join(out, m["value"])) if m["type"] == "image" else dict(m) for m in message]


def mcq_text(question, options, hint=None):
    """VLMEvalKit's ImageMCQDataset.build_prompt text item."""
    text = f"Hint: {hint}\n" if hint else ""
    text += f"Question: {question}\n"
    if options:
        text += "Options:\n" + "".join(f"{k}. {v}\n" for k, v in options.items())
        text += "Please select the correct answer from the options above. \n"
    return text


def prompt_cases(files):
    img = lambda n: {"type": "image", "value": files[n]}
    txt = lambda v, role=None: {"type": "text", "value": v, **({"role": role} if role else {})}
    abcd = {"A": "red", "B": "green", "C": "blue", "D": "yellow"}
    mcq_hint = mcq_text("Which colour is the circle?", abcd, hint="The picture was taken at noon.")
    mcq_plain = mcq_text("  How many shapes are there?\ufeff", {"A": "1", "B": "2"})
    vqa = "What is written in the image?\nAnswer the question using a single word or phrase."
    mathvista = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, " \
                "at the end.\nQuestion: Which is larger?\nChoices:\n(A) left\n(B) right"
    video_frames = [img(f"frame_{i}") for i in range(4)]
    video_mme = ("\nThese are the frames of a video. Select the best answer to the following multiple-choice "
                 "question based on the video. Respond with only the letter (A, B, C, or D) of the correct "
                 "option.\n")
    mvbench_sys = ("Carefully watch the video and pay attention to the cause and sequence of events, the detail "
                   "and movement of objects, and the action and pose of persons. Based on your observations, "
                   "select the best option that accurately addresses the question.\n")
    messages = {
        "mcq_hint": [img("wide"), txt(mcq_hint)],
        "mcq_plain": [img("tall"), txt(mcq_plain)],
        "mcq_two_questions": [img("wide"), txt("Hint: a\nQuestion: b\nQuestion: c\nOptions:\nA. x\n")],
        "mcq_hint_no_options": [img("wide"), txt("Hint: look closely\nQuestion: What is it?\n")],
        "vqa": [img("wide"), txt(vqa)],
        "yorn": [img("small"), txt("Is there a circle in the image?\x1c ")],
        "two_images": [img("wide"), img("tall"), txt(mcq_text("Which image is wider?", {"A": "first", "B": "second"}))],
        "interleaved": [txt("Look: "), img("wide"), txt(" and then "), img("small"), txt("compare (A) and (B).")],
        "mathvista": [img("wide"), txt(mathvista)],
        "no_image": [txt("Question: What is 2 + 2?\n")],
        "video_mme": [txt(video_mme), *video_frames,
                      txt("Question: What happens?\nA. it moves\nB. it stays\nC. it grows\nD. it shrinks\nAnswer: ")],
        "mvbench": [txt(mvbench_sys, "system"), *video_frames,
                    txt("Question: What moves?\nOptions:\n(A) the circle\n(B) nothing"),
                    txt("\nOnly give the best option."), txt("Best option:(", "assistant")],
        "video_open": [txt("You will receive 4 frames.\n"), *video_frames, txt("Question: Describe it.\nAnswer: ")],
        "tempcompass": [*video_frames, txt("Options:\nA. fast\nB. slow\nPlease select the correct answer from the "
                                           "options above.")],
    }
    image_datasets = ["MMBench_DEV_EN", "MMBench_TEST_CN_V11", "CCBench", "MMMU_DEV_VAL", "MathVista_MINI",
                      "ChartQA_TEST", "DocVQA_VAL", "TextVQA_VAL", "MME", "OCRBench", "HallusionBench",
                      "MMStar", "AI2D_TEST", "ScienceQA_TEST", "Shapes_MCQ", "MMBench_DEV_EN_V11"]
    video_datasets = ["Video-MME", "MVBench", "MVBench_MP4", "MLVU_MCQ", "LongVideoBench", "TempCompass_MCQ",
                      "TempCompass_YorN", "MMBench-Video", "MLVU", "Shapes_Video"]
    cases = []
    for family, datasets, names in [
        ("smolvlm", image_datasets, [k for k in messages if not k.startswith(("video", "mvbench", "tempcompass"))]),
        ("smolvlm2", image_datasets[:4] + ["MME", "HallusionBench", "MMStar", "ChartQA_TEST", "Shapes_MCQ"],
         ["mcq_hint", "vqa", "two_images"]),
        ("smolvlm2", video_datasets, ["video_mme", "mvbench", "video_open", "tempcompass"]),
        ("paligemma", ["MMBench_DEV_EN", "MME", "BLINK"], ["mcq_hint", "yorn", "two_images", "interleaved"]),
    ]:
        for ds in datasets:
            for name in names:
                cases.append({"family": family, "dataset": ds, "message_name": name, "message": messages[name]})
    return cases


def record_prompts(out, cases, wrappers, vlmevalkit):
    SmolVLM, SmolVLM2 = wrappers
    PaliGemma = load_paligemma_wrapper(vlmevalkit)
    records = []
    for case in cases:
        if case["family"] == "paligemma":
            entry = dict(case)
            message = abs_message(out, case["message"])
            if case["dataset"] == "BLINK":
                entry["expected"] = {"error": "not ported"}  # the wrapper concatenates the images
            else:
                prompt, image = PaliGemma.__new__(PaliGemma).message_to_promptimg(message, dataset=case["dataset"])
                entry["expected"] = {"prompt": prompt, "images": 1,
                                     "image": os.path.relpath(image, out)}
            records.append(entry)
            continue
        cls = SmolVLM if case["family"] == "smolvlm" else SmolVLM2
        rec = PromptRecorder()
        obj = wrapper_instance(cls, rec, None, {}, "HuggingFaceTB/SmolVLM2-256M-Video-Instruct")
        entry = dict(case)
        try:
            obj.generate_inner(abs_message(out, case["message"]), dataset=case["dataset"])
            raise RuntimeError("generate_inner did not call the processor")
        except _Captured:
            entry["expected"] = rec.last
            if rec.image_processor.size is not None:
                entry["expected"]["video"] = {
                    "size": rec.image_processor.size, "do_image_splitting": rec.do_image_splitting}
        except Exception as err:  # the wrapper itself fails on this message
            entry["expected"] = {"error": type(err).__name__}
        records.append(entry)
    write_json(os.path.join(out, "prompts.json"), records)
    return records


def parity_cases(files, family):
    img = lambda n: {"type": "image", "value": files[n]}
    txt = lambda v, role=None: {"type": "text", "value": v, **({"role": role} if role else {})}
    abcd = {"A": "red", "B": "green", "C": "blue", "D": "yellow"}
    cases = [
        {"name": "mmbench_wide", "dataset": "MMBench_DEV_EN",
         "row": {"question": "Which colour is the circle?", "hint": "Look at the middle.", **abcd},
         "message": [img("wide"), txt(mcq_text("Which colour is the circle?", abcd, "Look at the middle."))]},
        {"name": "default_tall", "dataset": "Shapes_MCQ", "row": {"question": "How many shapes?", "A": "1", "B": "2"},
         "message": [img("tall"), txt(mcq_text("How many shapes?", {"A": "1", "B": "2"}))]},
        {"name": "default_small_nosplit", "dataset": "Shapes_MCQ", "split": False,
         "row": {"question": "How many shapes?", "A": "1", "B": "2"},
         "message": [img("small"), txt(mcq_text("How many shapes?", {"A": "1", "B": "2"}))]},
        {"name": "default_wide_nosplit", "dataset": "Shapes_MCQ", "split": False,
         "row": {"question": "Which colour is the circle?", **abcd},
         "message": [img("wide"), txt(mcq_text("Which colour is the circle?", abcd))]},
        {"name": "mme_alpha", "dataset": "MME", "row": {"question": "Is there a circle?"},
         "message": [img("alpha"), txt("Is there a circle?")]},
        {"name": "mmmu_two_images", "dataset": "MMMU_DEV_VAL", "row": None,
         "message": [img("wide"), img("small"), txt(mcq_text("Which one is wider?", {"A": "first", "B": "second"}))]},
    ]
    if family == "smolvlm2":
        frames = [img(f"frame_{i}") for i in range(4)]
        cases = cases[:2] + [
            {"name": "video_mme", "dataset": "Video-MME", "row": None,
             "message": [txt("\nThese are the frames of a video. Select the best answer.\n"), *frames,
                         txt("Question: What happens?\nA. it moves\nB. it stays\nAnswer: ")]},
            {"name": "mvbench", "dataset": "MVBench", "row": None,
             "message": [txt("Carefully watch the video.\n", "system"), *frames,
                         txt("Question: What moves?\nOptions:\n(A) the circle\n(B) nothing"),
                         txt("\nOnly give the best option."), txt("Best option:(", "assistant")]},
        ]
    return cases


def run_parity(out, family, model_dir, wrappers, max_new_tokens, layers, kv_heads, head_dim):
    from transformers import AutoProcessor
    from transformers import Idefics3ForConditionalGeneration, SmolVLMForConditionalGeneration
    SmolVLM, SmolVLM2 = wrappers
    cls_model = Idefics3ForConditionalGeneration if family == "smolvlm" else SmolVLMForConditionalGeneration
    model = cls_model.from_pretrained(os.path.join(model_dir, "torch"), attn_implementation="eager").eval()
    eos = json.load(open(os.path.join(model_dir, "generation_config.json")))["eos_token_id"]
    eos = set(eos if isinstance(eos, list) else [eos])
    results = []
    for case in parity_cases(make_images.files, family):
        processor = AutoProcessor.from_pretrained(model_dir)  # as the wrapper loads it: from the folder
        if case.get("split") is False:
            processor.image_processor.do_image_splitting = False
            if family == "smolvlm2":
                processor.do_image_splitting = False
        kwargs = {"max_new_tokens": max_new_tokens, "use_cache": True}
        if family == "smolvlm2":
            kwargs["do_sample"] = False
        wrapper = wrapper_instance(SmolVLM if family == "smolvlm" else SmolVLM2, processor, model, kwargs,
                                   "HuggingFaceTB/SmolVLM2-256M-Video-Instruct")
        captured = {}
        real_generate = model.generate
        real_call = type(processor).__call__

        def spy_call(self, *a, **k):
            res = real_call(self, *a, **k)
            captured["inputs"] = res
            return res

        def spy_generate(**k):
            ids = real_generate(**k)
            captured["ids"] = ids
            return ids

        type(processor).__call__ = spy_call
        model.generate = spy_generate
        try:
            with torch.no_grad():
                text = wrapper.generate_inner(abs_message(out, case["message"]), dataset=case["dataset"])
        finally:
            type(processor).__call__ = real_call
            model.generate = real_generate
        inputs = captured["inputs"]
        prompt_len = inputs["input_ids"].shape[1]
        new_ids = captured["ids"][0, prompt_len:].tolist()
        ort_ids = ort_greedy(model_dir, inputs, max_new_tokens, eos, layers, kv_heads, head_dim)
        if ort_ids != new_ids:
            print(f"make_hf_fixtures: {family}/{case['name']}: ONNX Runtime {ort_ids} != PyTorch {new_ids}",
                  file=sys.stderr)
            raise SystemExit(1)
        pv = inputs["pixel_values"].numpy().astype("<f4")
        results.append({**case, "family": family, "model": family, "expected": {
            "input_ids": inputs["input_ids"][0].tolist(),
            "pixel_values_shape": list(pv.shape),
            "pixel_values_sha256": hashlib.sha256(pv.tobytes()).hexdigest(),
            "token_ids": new_ids,
            "text": text,
        }})
        print(f"make_hf_fixtures: {family}/{case['name']}: {len(new_ids)} tokens, {text!r}")
    return results


# ---------------------------------------------------------------------------------------------

def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def save_model_folder(family, model, processor, tok, p, out_dir, keep_torch=True):
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    torch_dir = os.path.join(out_dir, "torch")
    model.save_pretrained(torch_dir, safe_serialization=True)
    processor.save_pretrained(out_dir)
    model.config.save_pretrained(out_dir)
    gen = {"bos_token_id": tok.convert_tokens_to_ids("<|im_start|>"),
           "eos_token_id": [tok.convert_tokens_to_ids("<end_of_utterance>"), tok.convert_tokens_to_ids("<|im_end|>")],
           "pad_token_id": tok.convert_tokens_to_ids("<|im_end|>"), "transformers_version": "4.52.4"}
    write_json(os.path.join(out_dir, "generation_config.json"), gen)
    model.generation_config.eos_token_id = gen["eos_token_id"]
    model.generation_config.pad_token_id = gen["pad_token_id"]
    model.generation_config.bos_token_id = gen["bos_token_id"]
    model.generation_config.save_pretrained(torch_dir)
    # transformers.js reads processor_config.json for image_seq_len
    pc = os.path.join(out_dir, "processor_config.json")
    cfg = json.load(open(pc)) if os.path.exists(pc) else {}
    cfg.update({"image_seq_len": p["image_seq_len"],
                "processor_class": "Idefics3Processor" if family == "smolvlm" else "SmolVLMProcessor"})
    write_json(pc, cfg)


def make_family(family, out, wrappers, max_new_tokens):
    tok = make_tokenizer()
    cfg, p = tiny_config(family, tok)
    model = make_model(family, cfg)
    processor = make_processor(family, tok, p)
    model_dir = os.path.join(out, family)
    save_model_folder(family, model, processor, tok, p, model_dir)
    layers, kv_heads, head_dim = export_onnx(model, processor, model_dir)
    results = run_parity(out, family, model_dir, wrappers, max_new_tokens, layers, kv_heads, head_dim)
    shutil.rmtree(os.path.join(model_dir, "torch"))
    return results


def make_real_size(path, out):
    tok = make_tokenizer()
    cfg, p = real_size_config(tok)
    torch.manual_seed(SEED)
    cfg._attn_implementation = "eager"
    from transformers import Idefics3ForConditionalGeneration
    model = Idefics3ForConditionalGeneration(cfg).eval()
    processor = make_processor("smolvlm", tok, p)
    save_model_folder("smolvlm", model, processor, tok, p, path)
    export_onnx(model, processor, path)
    print(f"make_hf_fixtures: SmolVLM-256M-sized random model in {path}")


def main(args):
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    files = make_images(out)
    make_images.files = files
    wrappers = load_wrappers(args.vlmevalkit)
    if args.real_size:
        make_real_size(os.path.abspath(args.real_size), out)
        return 0
    pil_resize_refs(out, files)
    record_prompts(out, prompt_cases(files), wrappers, args.vlmevalkit)
    parity = []
    for family in args.family or ["smolvlm", "smolvlm2", "paligemma"]:
        if family == "paligemma":
            parity += make_paligemma(out, args.vlmevalkit)
        else:
            parity += make_family(family, out, wrappers, args.max_new_tokens)
    write_json(os.path.join(out, "parity.json"), {
        "made_with": {"torch": torch.__version__, "transformers": __import__("transformers").__version__,
                      "vlmevalkit": "e8e78f05f3080fe28154f2130321f17951c3be94"},
        "cases": parity})
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
