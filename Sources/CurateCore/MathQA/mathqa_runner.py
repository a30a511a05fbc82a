"""Runs a batch of generated MathQA programs, each in a fresh namespace, and prints one tab-separated line per
program: its index, then "ok" and repr(float(answer)), or "error" and why.

curate embeds this file and appends one call, run(BATCH), where BATCH is the programs as base64 of a JSON array of
strings: the programs are data, never part of this source.
"""
import base64
import json


def run(batch):
    programs = json.loads(base64.b64decode(batch).decode("utf-8"))
    for index, source in enumerate(programs):
        namespace = {}
        try:
            exec(source, namespace)
        except BaseException as error:
            text = (type(error).__name__ + ": " + str(error)).replace("\n", " ").replace("\t", " ")[:120]
            print(index, "error", text, sep="\t")
            continue
        if "answer" not in namespace:
            print(index, "error", "no answer variable", sep="\t")
            continue
        try:
            value = float(namespace["answer"])
        except BaseException:
            print(index, "error", "answer is not a number: " + type(namespace["answer"]).__name__, sep="\t")
            continue
        print(index, "ok", repr(value), sep="\t")
