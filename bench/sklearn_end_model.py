#!/usr/bin/python3
"""scikit-learn baseline for bench/end-model.ts: TfidfVectorizer + LogisticRegression on the same rows and labels.

Run with Debian's python3 (python3-sklearn): /usr/bin/python3 bench/sklearn_end_model.py spec.json
spec = {"tasks": [{"name", "config", "train_texts", "train_y", "test_texts", "test_y"}]}; prints one JSON object
{"version", "results": [{"name", "config", "accuracy", "seconds", "cpu_seconds", "features", "rss_mb"}]} on stdout.
Configs:
  default  TfidfVectorizer() + LogisticRegression()  (scikit-learn's defaults)
  matched  ballot's default features with exact vocabularies: word (1,2) + char_wb (2,5), sublinear tf, min_df 2,
           each block l2-normalised (FeatureUnion), multinomial LogisticRegression(C=1, lbfgs, max_iter 100)
  words    word (1,2) only, sublinear tf, min_df 2, multinomial (ballot's large-data setting)
"""
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion


def vectorizer(config):
    if config == "default":
        return TfidfVectorizer()
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    if config == "words":
        return words
    if config == "matched":
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        return FeatureUnion([("word", words), ("char", chars)])
    raise SystemExit(f"unknown config {config}")


def classifier(config):
    if config == "default":
        return LogisticRegression()
    return LogisticRegression(C=1.0, multi_class="multinomial", solver="lbfgs", max_iter=100)


def run(task):
    t0 = time.perf_counter()
    c0 = time.process_time()
    vec = vectorizer(task["config"])
    X = vec.fit_transform(task["train_texts"])
    clf = classifier(task["config"])
    clf.fit(X, np.asarray(task["train_y"]))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    out = {"name": task["name"], "config": task["config"], "seconds": seconds, "cpu_seconds": cpu, "features": int(X.shape[1]), "n": len(task["train_texts"])}
    if task.get("test_texts"):
        pred = clf.predict(vec.transform(task["test_texts"]))
        out["accuracy"] = float(np.mean(pred == np.asarray(task["test_y"])))
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    results = [run(t) for t in spec["tasks"]]
    json.dump({"version": sklearn.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
