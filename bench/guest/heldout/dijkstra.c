// Dijkstra's shortest paths on a dense weighted graph (adjacency matrix, O(n^2) per source);
// each result is checked optimal: no edge relaxes it and every node has a tight predecessor.
#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0x0fa8a956u

#define NODES 340
#define SOURCES 340
#define INF 0x3fffffffu

static uint32_t weight[NODES][NODES];
static uint32_t dist[NODES];
static uint8_t done[NODES];

static void shortest(int source) {
  for (int i = 0; i < NODES; ++i) dist[i] = INF, done[i] = 0;
  dist[source] = 0;
  for (int step = 0; step < NODES; ++step) {
    int u = -1;
    for (int i = 0; i < NODES; ++i)
      if (!done[i] && (u < 0 || dist[i] < dist[u])) u = i;
    if (dist[u] == INF) break;
    done[u] = 1;
    for (int v = 0; v < NODES; ++v)
      if (weight[u][v] != INF && dist[u] + weight[u][v] < dist[v]) dist[v] = dist[u] + weight[u][v];
  }
}

int main(void) {
  for (int i = 0; i < NODES; ++i)
    for (int j = 0; j < NODES; ++j)
      weight[i][j] = i == j ? 0 : (rng() % 4 == 0 ? INF : 1 + rng() % 1000);
  uint32_t sum = 0;
  for (int s = 0; s < SOURCES; ++s) {
    shortest(s);
    for (int v = 0; v < NODES; ++v) {
      int tight = v == s;
      for (int u = 0; u < NODES; ++u) {
        if (weight[u][v] == INF || dist[u] == INF) continue;
        if (dist[u] + weight[u][v] < dist[v]) return fail("dijkstra", "an edge still relaxes");
        if (u != v && dist[u] + weight[u][v] == dist[v]) tight = 1;
      }
      if (!tight && dist[v] != INF) return fail("dijkstra", "distance without a path");
      sum = sum * 31 + dist[v];
    }
  }
  return report("dijkstra", sum, EXPECTED);
}
