// The LEMON side of benches/lemon.sh: reads the edge list that `partnermatch pairs
// --graph-out` writes (a line "N M", then "U V W" per edge), builds a lemon::ListGraph and
// runs LEMON 1.3.1's MaxWeightedMatching on it, timing reading and matching apart.
// Prints one line: "lemon nodes N edges M read_s R match_s T weight W matched P".
// Compiled by benches/lemon.sh only; never part of the build or the tests.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <lemon/list_graph.h>
#include <lemon/matching.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s GRAPH\n", argv[0]);
        return 2;
    }
    using clock = std::chrono::steady_clock;
    auto started = clock::now();
    std::FILE* f = std::fopen(argv[1], "r");
    if (!f) {
        std::perror(argv[1]);
        return 2;
    }
    long long n = 0, m = 0;
    if (std::fscanf(f, "%lld %lld", &n, &m) != 2) {
        std::fprintf(stderr, "%s: no header line\n", argv[1]);
        return 2;
    }
    lemon::ListGraph graph;
    graph.reserveNode(n);
    graph.reserveEdge(m);
    std::vector<lemon::ListGraph::Node> nodes;
    nodes.reserve(n);
    for (long long i = 0; i < n; ++i) nodes.push_back(graph.addNode());
    lemon::ListGraph::EdgeMap<long long> weight(graph);
    for (long long i = 0; i < m; ++i) {
        long long u, v, w;
        if (std::fscanf(f, "%lld %lld %lld", &u, &v, &w) != 3) {
            std::fprintf(stderr, "%s: edge %lld unreadable\n", argv[1], i);
            return 2;
        }
        weight[graph.addEdge(nodes[u], nodes[v])] = w;
    }
    std::fclose(f);
    auto read = clock::now();
    lemon::MaxWeightedMatching<lemon::ListGraph, lemon::ListGraph::EdgeMap<long long>> matching(
        graph, weight);
    matching.run();
    auto done = clock::now();
    std::printf("lemon nodes %lld edges %lld read_s %.3f match_s %.3f weight %lld matched %d\n", n, m,
                std::chrono::duration<double>(read - started).count(),
                std::chrono::duration<double>(done - read).count(),
                static_cast<long long>(matching.matchingWeight()), matching.matchingSize());
    return 0;
}
