"""link_bench's peer: Jaro-Winkler similarity and Levenshtein distance of the same string pairs,
computed by Debian's python3-jellyfish (C implementation), timed the same way.

    /usr/bin/python3 bench/link_peer.py PAIRS.tsv VALUES.tsv RUNS

PAIRS.tsv holds one pair per line ("a<TAB>b", UTF-8). Prints one JSON object on stdout:
{"pairs": N, "seconds": [per run], "jellyfish": version}; writes each pair's
"jaro_winkler<TAB>levenshtein" to VALUES.tsv (from the last run) so the benchmark can check that
both sides computed the same values.
"""
import importlib.metadata
import json
import sys
import time

import jellyfish


def main():
    pairs_path, values_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(pairs_path, encoding="utf-8") as f:
        pairs = [tuple(line.rstrip("\n").split("\t")) for line in f]
    jw = jellyfish.jaro_winkler_similarity
    lev = jellyfish.levenshtein_distance
    seconds = []
    values = None
    for _ in range(runs):
        start = time.perf_counter()
        values = [(jw(a, b), lev(a, b)) for a, b in pairs]
        seconds.append(time.perf_counter() - start)
    with open(values_path, "w", encoding="utf-8") as f:
        for j, l in values:
            f.write(f"{j!r}\t{l}\n")
    version = importlib.metadata.version("jellyfish")
    print(json.dumps({"pairs": len(pairs), "seconds": seconds, "jellyfish": version}))


if __name__ == "__main__":
    main()
