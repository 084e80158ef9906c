#!/usr/bin/env python3
"""Generate a synthetic qarchive archive for the index benchmark.

Deterministic: the same --seed and --hours give byte-identical files, so
every system in bench/bench_index.sh indexes the same text and a figure in
bench/RESULTS.md can be reproduced.

Shape (issue 5: one folder per recording, recording.json + transcript.vtt):
- one recording per hour of speech (--hours N gives N recordings of 60 min);
- a cue every 3-4 s of 7-13 words, two to four speakers per recording
  (WebVTT <v Speaker> tags);
- words drawn from a Zipf-like distribution over ~300 common English words
  and a long tail of ~20,000 pseudo-words (the rare terms a real archive has:
  names, jargon, misrecognitions), with code identifiers (torch.compile,
  torch._dynamo.config.cache_size_limit, max-autotune, FSDP2, bfloat16, ...)
  in about one cue in four and spoken forms ("torch dot compile") now and then;
- recording.json with kind, release (2.6..2.9, helion), date, speakers,
  title and a short description.

usage: bench_index_gen.py [--hours N] [--seed S] [--synonyms FILE] OUTDIR
Writes OUTDIR/<id>/{recording.json,transcript.vtt} (and OUTDIR/synonyms.txt
when --synonyms is given). Uses the Python 3 standard library only.
"""
import argparse
import json
import os
import random
import shutil
import sys

COMMON = """the be to of and a in that have it for not on with he as you do at this but
his by from they we say her she or an will my one all would there their what so up out
if about who get which go me when make can like time no just him know take people into
year your good some could them see other than then now look only come its over think
also back after use two how our work first well way even new want because any these give
day most us is are was were been has had did said going really right thing things lot
kind actually yeah okay so question questions answer team release version feature
features model models training inference memory performance speed faster slower bug
bugs fix fixed issue issues test tests testing benchmark benchmarks user users code
graph graphs break breaks compile compiler compiled runtime kernel kernels backend
backends python support supported default change changes changed api apis cpu gpu
cuda device devices tensor tensors shape shapes dynamic static export exported
operator operators layer layers batch size sizes data parallel distributed shard
sharded sharding checkpoint checkpoints precision mixed quantization attention
transformer optimizer gradient gradients loss step steps cache limit config recompile
recompiles recompilation warning error errors stack trace debug debugging logs
profile profiler profiling trace tracing eager mode modes function functions module
modules library libraries package packages build builds wheel wheels install nightly
stable upstream downstream community roadmap plan planned ship shipped shipping
working works worked try tried trying see seen saw show showed showing point
example examples case cases mean means meaning pretty much very quite sure maybe
probably definitely basically especially already still yet again next last week
month today tomorrow yesterday earlier later soon long short big small large huge
fast slow high low better worse best worst great fine hard easy simple complex
""".split()

IDENTIFIERS = """torch.compile torch._dynamo.config.cache_size_limit max-autotune FSDP2
bfloat16 torch.export torch.fx torch.nn.functional.scaled_dot_product_attention
FlexAttention AOTInductor torch._inductor.config.triton.cudagraphs reduce-overhead
torch.distributed.checkpoint DTensor torch.cuda.amp float8 int4 torch.library.triton_op
TORCH_LOGS=recompiles torch.compiler.set_stance c10::Dispatcher torch.utils.checkpoint
NCCL cuDNN CUTLASS torch.ao.quantization https://pytorch.org/docs""".split()

SPOKEN = ["torch dot compile", "torch dot export", "fully sharded data parallel",
          "max autotune", "b float sixteen", "cache size limit", "graph break",
          "graph breaks", "dynamic shapes", "mixed precision"]

FIRST = """Maya Tomas Leila Ravi Anika Jonas Priya Mateo Sofia Kenji Amara Lukas Ines
Omar Hana Diego Freya Nikhil Zara Pavel""".split()
LAST = """Chen Okafor Brandt Sundaram Novak Haddad Ivanova Moreau Tanaka Silva Kowalski
Larsen Mensah Rossi Yamada Fischer""".split()

KINDS = ["release-qa", "webinar", "tac-meeting", "other"]
RELEASES = ["2.6", "2.7", "2.8", "2.9", "helion"]


def pseudo_words(rng, n):
    """n distinct pronounceable non-words, the long tail of a vocabulary."""
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
              "br", "cr", "dr", "gr", "pl", "st", "tr", "sh", "ch", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"]
    seen, out = set(COMMON), []
    while len(out) < n:
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(rng.randint(2, 3)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


class Sampler:
    """Zipf-like draws (weight 1/rank) from a fixed vocabulary."""

    def __init__(self, rng, words):
        self.rng = rng
        self.words = words
        total, self.cum = 0.0, []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank
            self.cum.append(total)
        self.total = total

    def draw(self):
        import bisect
        return self.words[bisect.bisect_left(self.cum, self.rng.random() * self.total)]


def timestamp(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def cue_text(rng, vocab):
    n = rng.randint(7, 13)
    words = [vocab.draw() for _ in range(n)]
    r = rng.random()
    if r < 0.25:
        words[rng.randrange(n)] = rng.choice(IDENTIFIERS)
    elif r < 0.32:
        words[rng.randrange(n)] = rng.choice(SPOKEN)
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ",", "?"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hours", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20251123)
    ap.add_argument("--synonyms", help="copy this synonyms.txt into the archive")
    ap.add_argument("outdir")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    tail = pseudo_words(rng, 20000)
    vocab = Sampler(rng, COMMON + tail)
    people = ["%s %s" % (f, l) for f in FIRST for l in LAST]
    rng.shuffle(people)
    people = people[:60]

    os.makedirs(args.outdir, exist_ok=True)
    if args.synonyms:
        shutil.copyfile(args.synonyms, os.path.join(args.outdir, "synonyms.txt"))
    cues = words = 0
    for i in range(args.hours):
        kind = KINDS[i % len(KINDS)]
        release = RELEASES[rng.randrange(len(RELEASES))]
        year = 2023 + i * 4 // max(args.hours, 1)
        date = "%04d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))
        rid = "%s-%s-%04d" % (date, kind, i)
        speakers = rng.sample(people, rng.randint(2, 4))
        meta = {
            "title": "PyTorch %s %s session %d" % (release, kind.replace("-", " "), i),
            "kind": kind,
            "release": release,
            "date": date,
            "speakers": [{"name": s, "role": "Engineer"} for s in speakers],
            "description": "Synthetic recording %d for the index benchmark: %s." %
                           (i, cue_text(rng, vocab)),
        }
        d = os.path.join(args.outdir, rid)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "recording.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
        out = ["WEBVTT", ""]
        t = 0.0
        speaker = speakers[0]
        while t < 3600.0:
            length = rng.uniform(2.6, 3.6)
            if rng.random() < 0.15:
                speaker = rng.choice(speakers)
            text = cue_text(rng, vocab)
            out.append("%s --> %s" % (timestamp(t), timestamp(t + length)))
            out.append("<v %s>%s" % (speaker, text))
            out.append("")
            cues += 1
            words += len(text.split())
            t += length + rng.uniform(0.2, 0.6)
        with open(os.path.join(d, "transcript.vtt"), "w", encoding="utf-8") as f:
            f.write("\n".join(out))
    print("generated %d recordings, %d cues, ~%d words in %s" %
          (args.hours, cues, words, args.outdir), file=sys.stderr)


if __name__ == "__main__":
    main()
