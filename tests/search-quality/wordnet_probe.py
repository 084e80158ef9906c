#!/usr/bin/env python3
"""The WordNet experiment of RESULTS.md: synonyms.txt lines from Debian's
WordNet 3.0 (package wordnet-base, /usr/share/wordnet) for the content
words of the tune half's queries, to append to a copy of the archive's
synonyms.txt. qarchive's synonym rewrite then ORs each word with them: a
query-side expansion at full weight.

usage: wordnet_probe.py SENSES MAX_SYNONYMS [SYNONYMS_TXT] > lines

SENSES: how many of a lemma's most frequent senses (per part of speech);
MAX_SYNONYMS: how many synonyms a word gets at most. Members already in
SYNONYMS_TXT (default: transcripts/synonyms.txt) or in an earlier line are
left out, as are query operators, so that the file still loads.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WN = "/usr/share/wordnet"
POS = ("noun", "verb", "adj", "adv")
OPERATORS = {"not", "and", "or", "near", "adj", "xor"}
STOP = set("""a about an and are as at be but by can could did do does for from had has
have how i if in into is it its me my of on or our should so that the their them then
there these they this to was we were what when where which who why will with would you
your not no any all just way get one still out up""".split())


def load_index():
    """lemma -> [(pos, [synset offsets, most frequent sense first])]"""
    index = {}
    for pos in POS:
        with open(os.path.join(WN, "index." + pos), encoding="latin-1") as f:
            for line in f:
                if line.startswith(" "):  # the licence header
                    continue
                fields = line.split()
                pointers = int(fields[3])
                offsets = [int(o) for o in fields[4 + pointers + 2:]]
                index.setdefault(fields[0], []).append((pos, offsets))
    return index


def load_exceptions():
    exc = {}
    for pos in POS:
        with open(os.path.join(WN, pos + ".exc"), encoding="latin-1") as f:
            for line in f:
                fields = line.split()
                exc.setdefault(fields[0], fields[1])
    return exc


def lemmas(word, index, exc):
    found = [word] + ([exc[word]] if word in exc else [])
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("er", ""), ("est", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            found.append(word[:-len(suffix)] + repl)
    return [w for w in found if w in index]


def synset_words(data, pos, offset):
    data[pos].seek(offset)
    fields = data[pos].readline().split()
    return [fields[4 + 2 * i].lower() for i in range(int(fields[3], 16))]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    senses, most = int(sys.argv[1]), int(sys.argv[2])
    base = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "..", "transcripts",
                                                              "synonyms.txt")
    index, exc = load_index(), load_exceptions()
    data = {pos: open(os.path.join(WN, "data." + pos), encoding="latin-1") for pos in POS}
    used = set()
    with open(base, encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0]
            used.update(m.strip().lstrip("-").lower() for m in line.split(",") if m.strip())
    with open(os.path.join(HERE, "queries.jsonl"), encoding="utf-8") as f:
        queries = [json.loads(line)["query"] for line in f
                   if line.strip() and json.loads(line)["split"] == "tune"]
    for query in queries:
        for word in re.findall(r"[a-z]+", query.lower()):
            if word in STOP or len(word) < 3 or word in used:
                continue
            forms = lemmas(word, index, exc)
            if not forms:
                continue
            synonyms = []
            for pos, offsets in index[forms[0]]:
                for offset in offsets[:senses]:
                    for s in synset_words(data, pos, offset):
                        s = re.sub(r"\(.*\)", "", s).replace("_", " ")
                        if (s != word and s not in forms and s not in synonyms and
                                s not in used and re.fullmatch(r"[a-z][a-z ]*", s) and
                                not set(s.split()) & OPERATORS):
                            synonyms.append(s)
            synonyms = synonyms[:most]
            if synonyms:
                used.add(word)
                used.update(synonyms)
                print(", ".join([word] + synonyms))


if __name__ == "__main__":
    main()
