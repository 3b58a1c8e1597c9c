namespace Sdk.Tests.Infrastructure;

/// <summary>One request exactly as a <see cref="ChaosServer"/> endpoint received it.</summary>
/// <param name="Number">1 for the first request the endpoint received, 2 for the second, …</param>
/// <param name="Method">The request method.</param>
/// <param name="Path">The decoded path, without the leading slash.</param>
/// <param name="Query">The query string with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">Every header; repeated values are joined with <c>, </c>; names are case-insensitive.</param>
/// <param name="Body">The body as UTF-8 text (empty when there was none).</param>
public sealed record ChaosRequest(int Number, string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or <see langword="null"/> when the request did not carry it.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// The requests one chaos endpoint (or the whole server) received, in arrival order, with a way to await the n-th.
/// A request is logged before the endpoint answers it, so "request n arrived" always precedes its reply.
/// </summary>
public sealed class ChaosRequestLog
{
    /// <summary>How long <see cref="WaitForAsync"/> waits, in real time, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<ChaosRequest> _requests = [];
    private readonly List<(int Number, TaskCompletionSource<ChaosRequest> Arrived)> _waiters = [];

    /// <summary>How many requests arrived so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>A snapshot of the requests so far, in arrival order.</summary>
    public IReadOnlyList<ChaosRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The request numbered <paramref name="number"/> (1-based); it must have arrived.</summary>
    public ChaosRequest this[int number] => Requests[number - 1];

    /// <summary>Completes with request number <paramref name="number"/> (1-based) once it arrived; throws <see cref="TimeoutException"/> after <paramref name="timeout"/> of real time.</summary>
    public async Task<ChaosRequest> WaitForAsync(int number, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        TaskCompletionSource<ChaosRequest> arrived;
        lock (_lock)
        {
            if (_requests.Count >= number)
            {
                return _requests[number - 1];
            }

            arrived = new TaskCompletionSource<ChaosRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((number, arrived));
        }

        try
        {
            return await arrived.Task.WaitAsync(timeout ?? DefaultWait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Request {number} did not arrive within {timeout ?? DefaultWait}; {Count} arrived.");
        }
    }

    /// <summary>Logs a request; <paramref name="create"/> gets its number.</summary>
    internal ChaosRequest Add(Func<int, ChaosRequest> create)
    {
        ChaosRequest request;
        List<(TaskCompletionSource<ChaosRequest> Arrived, ChaosRequest Request)> ready = [];
        lock (_lock)
        {
            request = create(_requests.Count + 1);
            _requests.Add(request);
            _waiters.RemoveAll(w =>
            {
                if (w.Number > _requests.Count)
                {
                    return false;
                }

                ready.Add((w.Arrived, _requests[w.Number - 1]));
                return true;
            });
        }

        foreach ((TaskCompletionSource<ChaosRequest> arrived, ChaosRequest arrivedRequest) in ready)
        {
            arrived.TrySetResult(arrivedRequest);
        }

        return request;
    }
}
