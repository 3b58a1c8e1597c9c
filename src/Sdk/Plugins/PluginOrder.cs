using System.Globalization;
using System.Text;

namespace Sdk.Plugins;

/// <summary>
/// Orders a set of plugins from their manifests, or reports everything wrong with the set at once. A plugin runs after
/// its dependencies (<see cref="PluginManifest.DependsOn"/>) and its <see cref="PluginManifest.After"/> plugins, and
/// before its <see cref="PluginManifest.Before"/> plugins; among the plugins free to go, the lowest
/// <see cref="PluginManifest.Order"/> goes first, then the one registered first. O((n + e) log n).
/// </summary>
internal static class PluginOrder
{
    /// <summary>The indices of <paramref name="manifests"/> in run order.</summary>
    /// <param name="manifests">The plugins' manifests, in registration order.</param>
    /// <returns>A permutation of 0..n-1: the first plugin to run, then the next.</returns>
    /// <exception cref="PluginConfigurationException">
    /// An id is registered twice, a dependency is missing or its registered version is outside the range, or the
    /// constraints form a cycle. The message has one line per problem.
    /// </exception>
    public static int[] Resolve(IReadOnlyList<PluginManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        int n = manifests.Count;
        var problems = new Problems(manifests);

        // The first registration of each id is the one others refer to; further ones are reported.
        var byId = new Dictionary<string, int>(n, StringComparer.Ordinal);
        Dictionary<string, List<int>>? duplicates = null;
        for (int i = 0; i < n; i++)
        {
            PluginManifest manifest = manifests[i] ?? throw new ArgumentException($"The manifest at index {i} is null.", nameof(manifests));
            if (!byId.TryAdd(manifest.Id, i))
            {
                duplicates ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
                if (!duplicates.TryGetValue(manifest.Id, out List<int>? registrations))
                {
                    duplicates.Add(manifest.Id, registrations = [byId[manifest.Id]]);
                }

                registrations.Add(i);
            }
        }

        if (duplicates is not null)
        {
            // Dictionary enumeration is in insertion order when nothing was removed: the order of each id's second registration.
            foreach (List<int> registrations in duplicates.Values)
            {
                problems.Duplicate(registrations);
            }
        }

        // Edges point the way plugins run: from the one that must run first to the one that must run after it.
        var graph = new Graph(n);
        for (int i = 0; i < n; i++)
        {
            PluginManifest manifest = manifests[i];
            foreach (PluginDependency dependency in manifest.DependsOn)
            {
                if (!byId.TryGetValue(dependency.Id, out int target))
                {
                    problems.Missing(i, dependency);
                    continue;
                }

                if (!dependency.Range.Includes(manifests[target].Version))
                {
                    problems.OutOfRange(i, dependency, target);
                }

                graph.Add(target, i, dependency: true);
            }

            foreach (string id in manifest.After)
            {
                if (byId.TryGetValue(id, out int target))
                {
                    graph.Add(target, i, dependency: false);
                }
            }

            foreach (string id in manifest.Before)
            {
                if (byId.TryGetValue(id, out int target))
                {
                    graph.Add(i, target, dependency: false);
                }
            }
        }

        int[] order = graph.Sort(manifests, out int placed);
        if (placed < n)
        {
            graph.ReportCycles(order, placed, problems);
        }

        return problems.Count == 0 ? order : throw problems.ToException();
    }

    /// <summary>The ordering constraints as adjacency lists.</summary>
    private sealed class Graph
    {
        private readonly List<Edge>?[] _next;
        private readonly int[] _incoming;

        public Graph(int count)
        {
            _next = new List<Edge>?[count];
            _incoming = new int[count];
        }

        public void Add(int from, int to, bool dependency)
        {
            (_next[from] ??= []).Add(new Edge(to, dependency));
            _incoming[to]++;
        }

        /// <summary>
        /// Kahn's algorithm with a heap keyed by (Order, registration index). Returns the <paramref name="placed"/> plugins
        /// that could be placed, in order, followed by the ones held back by a cycle, in registration order.
        /// </summary>
        public int[] Sort(IReadOnlyList<PluginManifest> manifests, out int placed)
        {
            int n = _incoming.Length;
            int[] incoming = (int[])_incoming.Clone();
            var ready = new PriorityQueue<int, (int Order, int Index)>(n);
            for (int i = 0; i < n; i++)
            {
                if (incoming[i] == 0)
                {
                    ready.Enqueue(i, (manifests[i].Order, i));
                }
            }

            int[] order = new int[n];
            placed = 0;
            while (ready.TryDequeue(out int current, out _))
            {
                order[placed++] = current;
                if (_next[current] is { } edges)
                {
                    foreach (Edge edge in edges)
                    {
                        if (--incoming[edge.To] == 0)
                        {
                            ready.Enqueue(edge.To, (manifests[edge.To].Order, edge.To));
                        }
                    }
                }
            }

            int tail = placed;
            for (int i = 0; i < n && tail < n; i++)
            {
                if (incoming[i] > 0)
                {
                    order[tail++] = i;
                }
            }

            return order;
        }

        /// <summary>
        /// Reports one cycle per strongly connected component of the plugins that could not be placed (the tail of
        /// <paramref name="order"/> from <paramref name="placed"/>), plus the component's other members, each of which is on a cycle too.
        /// </summary>
        public void ReportCycles(int[] order, int placed, Problems problems)
        {
            int n = _incoming.Length;
            int[] component = Components(order, placed);

            // Components in order of their lowest registration index; order's tail is in registration order.
            var reported = new HashSet<int>();
            var members = new Dictionary<int, List<int>>();
            var firsts = new List<int>();
            for (int k = placed; k < n; k++)
            {
                int node = order[k];
                if (!members.TryGetValue(component[node], out List<int>? list))
                {
                    members.Add(component[node], list = []);
                    firsts.Add(node);
                }

                list.Add(node);
            }

            int[] parent = new int[n];
            foreach (int start in firsts)
            {
                int id = component[start];
                List<int> list = members[id];
                if (list.Count == 1 && !HasEdge(start, start))
                {
                    continue; // Not on a cycle: held back by one.
                }

                List<int> cycle = ShortestCycle(start, component, parent);
                reported.Clear();
                reported.UnionWith(cycle);
                List<int> others = list.FindAll(node => !reported.Contains(node));
                bool dependencies = true;
                for (int k = 0; k < cycle.Count; k++)
                {
                    dependencies &= IsDependency(cycle[k], cycle[(k + 1) % cycle.Count]);
                }

                // The cycle is found along run order (each must run before the next); it is reported the other way round,
                // as "each depends on / runs after the next".
                cycle.Reverse(1, cycle.Count - 1);
                problems.Cycle(cycle, others, dependencies);
            }
        }

        /// <summary>Tarjan's algorithm, iterative, over the unplaced plugins; -1 for placed ones.</summary>
        private int[] Components(int[] order, int placed)
        {
            int n = _incoming.Length;
            int[] component = new int[n];
            int[] index = new int[n];
            int[] low = new int[n];
            bool[] onStack = new bool[n];
            Array.Fill(component, -1);
            Array.Fill(index, -1);

            // Placed plugins cannot be on a cycle: the search is confined to the unplaced ones.
            bool[] unplaced = new bool[n];
            for (int k = placed; k < n; k++)
            {
                unplaced[order[k]] = true;
            }

            var stack = new Stack<int>();
            var calls = new Stack<(int Node, int Edge)>();
            int counter = 0;
            int components = 0;
            for (int root = 0; root < n; root++)
            {
                if (!unplaced[root] || index[root] >= 0)
                {
                    continue;
                }

                calls.Push((root, 0));
                index[root] = low[root] = counter++;
                stack.Push(root);
                onStack[root] = true;
                while (calls.Count > 0)
                {
                    (int node, int edge) = calls.Pop();
                    List<Edge>? edges = _next[node];
                    bool descended = false;
                    while (edges is not null && edge < edges.Count)
                    {
                        int to = edges[edge++].To;
                        if (!unplaced[to])
                        {
                            continue;
                        }

                        if (index[to] < 0)
                        {
                            calls.Push((node, edge));
                            calls.Push((to, 0));
                            index[to] = low[to] = counter++;
                            stack.Push(to);
                            onStack[to] = true;
                            descended = true;
                            break;
                        }

                        if (onStack[to])
                        {
                            low[node] = Math.Min(low[node], index[to]);
                        }
                    }

                    if (descended)
                    {
                        continue;
                    }

                    if (low[node] == index[node])
                    {
                        int member;
                        do
                        {
                            member = stack.Pop();
                            onStack[member] = false;
                            component[member] = components;
                        }
                        while (member != node);
                        components++;
                    }

                    if (calls.Count > 0)
                    {
                        int caller = calls.Peek().Node;
                        low[caller] = Math.Min(low[caller], low[node]);
                    }
                }
            }

            return component;
        }

        /// <summary>A shortest cycle through <paramref name="start"/> within its component, along run order, starting with it.</summary>
        private List<int> ShortestCycle(int start, int[] component, int[] parent)
        {
            int id = component[start];
            var queue = new Queue<int>();
            queue.Enqueue(start);
            parent[start] = start;
            var visited = new HashSet<int> { start };
            while (queue.TryDequeue(out int node))
            {
                foreach (Edge edge in _next[node] ?? [])
                {
                    if (edge.To == start)
                    {
                        var cycle = new List<int>();
                        for (int at = node; at != start; at = parent[at])
                        {
                            cycle.Add(at);
                        }

                        cycle.Add(start);
                        cycle.Reverse();
                        return cycle;
                    }

                    if (component[edge.To] == id && visited.Add(edge.To))
                    {
                        parent[edge.To] = node;
                        queue.Enqueue(edge.To);
                    }
                }
            }

            throw new InvalidOperationException("A strongly connected component has no cycle through its first member.");
        }

        private bool HasEdge(int from, int to)
        {
            foreach (Edge edge in _next[from] ?? [])
            {
                if (edge.To == to)
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsDependency(int from, int to)
        {
            foreach (Edge edge in _next[from] ?? [])
            {
                if (edge.To == to && edge.Dependency)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private readonly record struct Edge(int To, bool Dependency);

    /// <summary>The problems found, each a line, and the plugin ids they name, distinct, in first-mention order.</summary>
    private sealed class Problems(IReadOnlyList<PluginManifest> manifests)
    {
        private readonly List<string> _lines = [];
        private readonly List<string> _ids = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public int Count => _lines.Count;

        public void Duplicate(List<int> registrations)
        {
            var line = new StringBuilder();
            string id = manifests[registrations[0]].Id;
            line.Append(CultureInfo.InvariantCulture, $"Plugin id '{id}' is registered ")
                .Append(registrations.Count == 2 ? "twice" : string.Create(CultureInfo.InvariantCulture, $"{registrations.Count} times"))
                .Append(": ");
            for (int k = 0; k < registrations.Count; k++)
            {
                line.Append(k == 0 ? "" : k == registrations.Count - 1 ? " and " : ", ")
                    .Append(CultureInfo.InvariantCulture, $"'{manifests[registrations[k]]}' (registration #{registrations[k] + 1})");
            }

            Add(line.Append('.').ToString(), id);
        }

        public void Missing(int plugin, PluginDependency dependency)
        {
            Add($"'{manifests[plugin]}' depends on '{dependency}', which is not registered.", manifests[plugin].Id, dependency.Id);
        }

        public void OutOfRange(int plugin, PluginDependency dependency, int registered)
        {
            Add($"'{manifests[plugin]}' depends on '{dependency}', but '{manifests[registered]}' is registered.", manifests[plugin].Id, dependency.Id);
        }

        public void Cycle(List<int> cycle, List<int> others, bool dependencies)
        {
            var line = new StringBuilder(dependencies ? "Dependency cycle: " : "Ordering cycle: ");
            foreach (int node in cycle)
            {
                line.Append('\'').Append(manifests[node].ToString()).Append("' → ");
            }

            line.Append('\'').Append(manifests[cycle[0]].ToString()).Append('\'')
                .Append(dependencies ? " (each depends on the next)." : " (each must run after the next, by DependsOn, After or Before).");
            if (others.Count > 0)
            {
                line.Append(" Also on cycles with them: ");
                for (int k = 0; k < others.Count; k++)
                {
                    line.Append(k == 0 ? "" : ", ").Append('\'').Append(manifests[others[k]].ToString()).Append('\'');
                }

                line.Append('.');
            }

            string[] ids = new string[cycle.Count + others.Count];
            for (int k = 0; k < cycle.Count; k++)
            {
                ids[k] = manifests[cycle[k]].Id;
            }

            for (int k = 0; k < others.Count; k++)
            {
                ids[cycle.Count + k] = manifests[others[k]].Id;
            }

            Add(line.ToString(), ids);
        }

        public PluginConfigurationException ToException()
        {
            var message = new StringBuilder();
            message.Append(CultureInfo.InvariantCulture, $"The plugin set is invalid ({_lines.Count} problem{(_lines.Count == 1 ? "" : "s")}):");
            foreach (string line in _lines)
            {
                message.AppendLine().Append("- ").Append(line);
            }

            return new PluginConfigurationException(message.ToString(), _ids);
        }

        private void Add(string line, params ReadOnlySpan<string> ids)
        {
            _lines.Add(line);
            foreach (string id in ids)
            {
                if (_seen.Add(id))
                {
                    _ids.Add(id);
                }
            }
        }
    }
}
