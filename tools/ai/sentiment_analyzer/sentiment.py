"""Offline sentiment scoring of short texts with a shipped lexicon.

score(text) -> {"score": -1..1, "label": "positive"|"negative"|"neutral",
                "terms": [{"term", "weight"}]}

Words are matched longest phrase first (up to 4 words). A negator within
the 3 words before a term flips and damps it (x -0.75); an intensifier just
before a term multiplies it. The sum is squashed to -1..1 as s/sqrt(s*s+15)
and labelled positive at >= 0.05, negative at <= -0.05. "terms" lists the
contributing terms, largest effect first: the terms that decided the label.
"""

import math
import os
import re

LEXICON_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lexicon.txt")
NEGATION_SCALAR = -0.75
NEGATION_WINDOW = 3
MAX_PHRASE = 4
ALPHA = 15.0
THRESHOLD = 0.05

_TOKEN = re.compile(r"[a-z0-9$#@]+(?:['\u2019][a-z]+)?")


class Lexicon:
    def __init__(self, terms, negators, intensifiers):
        self.terms = terms
        self.negators = negators
        self.intensifiers = intensifiers


def load_lexicon(path=LEXICON_PATH):
    terms, negators, intensifiers = {}, set(), {}
    section = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            parts = line.split("\t")
            key = " ".join(parts[0].lower().split())
            if section == "terms" and len(parts) == 2:
                terms[key] = float(parts[1])
            elif section == "negators" and len(parts) == 1:
                negators.add(key)
            elif section == "intensifiers" and len(parts) == 2:
                intensifiers[key] = float(parts[1])
            else:
                raise ValueError(f"{path}:{lineno}: unexpected line in section [{section}]: {raw.rstrip()}")
    return Lexicon(terms, negators, intensifiers)


_default = None


def default_lexicon():
    global _default
    if _default is None:
        _default = load_lexicon()
    return _default


def tokenize(text):
    text = text.lower().replace("\u2019", "'")
    words = []
    for tok in _TOKEN.findall(text):
        tok = tok.lstrip("$#@") or tok
        words.append(tok)
    return words


def score(text, lexicon=None):
    lex = lexicon or default_lexicon()
    words = tokenize(text)
    found = []  # (term, weight)
    total = 0.0
    i = 0
    pending_mult = None
    last_negator = -100
    while i < len(words):
        match = None
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in lex.terms:
                match = (phrase, n)
                break
        if match is None:
            two = " ".join(words[i:i + 2])
            if two in lex.intensifiers:
                pending_mult = (lex.intensifiers[two], i + 2)
                i += 2
                continue
            w = words[i]
            if w in lex.negators or w.endswith("n't"):
                last_negator = i
            elif w in lex.intensifiers:
                pending_mult = (lex.intensifiers[w], i + 1)
            i += 1
            continue
        phrase, n = match
        weight = lex.terms[phrase]
        label = phrase
        if pending_mult is not None and pending_mult[1] == i:
            weight *= pending_mult[0]
        if i - last_negator <= NEGATION_WINDOW:
            weight *= NEGATION_SCALAR
            label = "not " + phrase
            last_negator = -100  # a negator turns only the next term
        pending_mult = None
        found.append((label, weight))
        total += weight
        i += n
    value = total / math.sqrt(total * total + ALPHA) if total else 0.0
    if value >= THRESHOLD:
        verdict = "positive"
    elif value <= -THRESHOLD:
        verdict = "negative"
    else:
        verdict = "neutral"
    if verdict == "positive":
        deciding = [t for t in found if t[1] > 0]
    elif verdict == "negative":
        deciding = [t for t in found if t[1] < 0]
    else:
        deciding = found
    deciding.sort(key=lambda t: -abs(t[1]))
    return {"score": round(value, 4), "label": verdict,
            "terms": [{"term": t, "weight": round(w, 4)} for t, w in deciding]}
