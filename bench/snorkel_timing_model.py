#!/usr/bin/python3
"""Timing model of Snorkel 0.10's LabelModel (fit + predict_proba) for bench/label-model-speed.ts.

Snorkel itself cannot be installed here (PyPI is out of reach; Debian has no snorkel package), so this script repeats
the work its LabelModel does on a label matrix, step for step with the same libraries (numpy, torch, networkx from
Debian's python3-torch / python3-networkx), written for this bench — not Snorkel's code:

fit:     L + 1; LF coverages over a scipy CSR copy; the clique tree of m independent LFs (networkx: one maximal clique
         per LF, a clique graph over every pair, its minimum spanning tree); the one-hot augmented matrix as a dense
         float64 n × m·k array; O = L_augᵀ L_aug / n (float64 GEMM, then float32); μ's init from diag(O) and prec_init
         0.7 (times one random scale); the mask over every (LF, LF) block pair from the cliques' memberships;
         100 epochs of SGD (lr 0.01, momentum 0.9) on ‖(O − μPμᵀ)[mask]‖² + ‖rowsum(μP) − diag(O)‖² with autograd;
         the Munkres search over column permutations that breaks label-switching symmetry.
predict: L + 1; the per-LF clique lookup again; the dense one-hot matrix; exp(L_aug · diag(1) · log μ + log p),
         evaluated left to right as Snorkel writes it (an n × d by d × d product first); row normalisation.

Its figures are an estimate of Snorkel's, checked against REFERENCE.md's measured Snorkel times on the two shapes it
has (the bench prints both side by side); on other shapes it is the only Snorkel-like figure available here.

Usage: /usr/bin/python3 bench/snorkel_timing_model.py votes.bin n m k   (votes: n·m int8, row-major, -1 = abstain)
Prints one JSON object: {"fit", "predict", "peak_rss_mb", "torch", "numpy", "checksum"}.
"""
import itertools
import json
import resource
import sys
import time

import networkx as nx
import numpy as np
import scipy.sparse
import torch
from munkres import Munkres


def one_hot(L_shift, n, m, k):
    L_ind = np.zeros((n, m * k))
    for y in range(1, k + 1):
        L_ind[:, (y - 1) :: k] = np.where(L_shift == y, 1, 0)
    return L_ind


def clique_tree(m):
    g1 = nx.Graph()
    g1.add_nodes_from(range(m))
    g2 = nx.Graph()
    for i, c in enumerate(nx.chordal_graph_cliques(g1)):
        g2.add_node(i, members=set(c))
    for i in g2.nodes:
        for j in g2.nodes:
            shared = g2.nodes[i]["members"].intersection(g2.nodes[j]["members"])
            if len(shared) > 0:
                g2.add_edge(i, j, weight=len(shared), members=shared)
    return nx.minimum_spanning_tree(g2)


def clique_data(tree, m, k):
    return [
        (i * k, (i + 1) * k, set(j for j in tree.nodes() if i in tree.nodes[j]["members"]))
        for i in range(m)
    ]


def fit(L, n, m, k, rng):
    L_shift = L + 1
    p = np.ones(k) / k
    P = torch.diag(torch.from_numpy(p)).float()
    tree = clique_tree(m)
    coverage = np.ravel((scipy.sparse.csr_matrix(L_shift) != 0).sum(axis=0)) / n
    cdata = clique_data(tree, m, k)
    L_aug = one_hot(L_shift, n, m, k)
    d = L_aug.shape[1]
    O = torch.from_numpy(L_aug.T @ L_aug / n).float()
    del L_aug
    lps = torch.diag(O).numpy()
    mu_init = torch.zeros(d, k)
    prec = 0.7 * torch.ones(m)
    for i in range(m):
        for y in range(k):
            idx = i * k + y
            mu_init[idx, y] += torch.clamp(lps[idx] * prec[i] / p[y], 0, 1)
    mu = torch.nn.Parameter(mu_init.clone() * rng.random()).float()
    mask = torch.ones(d, d).byte()
    for si, ei, ci in cdata:
        for sj, ej, cj in cdata:
            if len(ci.intersection(cj)) > 0:
                mask[si:ei, sj:ej] = 0
                mask[sj:ej, si:ei] = 0
    mask = mask.bool()
    optimizer = torch.optim.SGD([mu], lr=0.01, momentum=0.9, weight_decay=0)
    diagO = torch.diag(O)
    for _ in range(100):
        optimizer.zero_grad()
        loss = torch.norm((O - mu @ P @ mu.t())[mask]) ** 2 + torch.norm(torch.sum(mu @ P, 1) - diagO) ** 2
        loss.backward()
        optimizer.step()
    # Label-switching symmetry: the column permutation with the best score (Munkres on the negated scores).
    mu_np = mu.detach().numpy()
    scores = np.zeros((k, k))
    for i in range(m):
        block = mu_np[i * k : (i + 1) * k, :]
        for y in range(k):
            scores[y] += block[y] * p
    perm = Munkres().compute((-scores).tolist())
    order = [c for _, c in sorted(perm)]
    mu_np = mu_np[:, order]
    return mu_np, p, coverage, tree


def predict_proba(L, n, m, k, mu, p, tree):
    L_shift = L + 1
    clique_data(tree, m, k)
    L_aug = one_hot(L_shift, n, m, k)
    jtm = np.ones(L_aug.shape[1])
    X = np.exp(L_aug @ np.diag(jtm) @ np.log(np.clip(mu, 1e-12, None)) + np.log(p))
    Z = np.tile(X.sum(axis=1).reshape(-1, 1), k)
    return X / Z


def main():
    path, n, m, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    L = np.fromfile(path, dtype=np.int8).astype(np.int64).reshape(n, m)
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    t = time.perf_counter()
    mu, p, _, tree = fit(L, n, m, k, rng)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    probs = predict_proba(L, n, m, k, mu, p, tree)
    predict_s = time.perf_counter() - t
    print(
        json.dumps(
            {
                "fit": fit_s,
                "predict": predict_s,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "torch": torch.__version__,
                "numpy": np.__version__,
                "threads": torch.get_num_threads(),
                "checksum": float(probs[:, -1].sum()),
            }
        )
    )


if __name__ == "__main__":
    main()
