namespace Sdk.Tests.Infrastructure;

/// <summary>Bounds for awaits in the core tests, so a bug fails a test instead of hanging it.</summary>
public static class CoreAsync
{
    /// <summary>How long any single awaited step of a core test may take in real time.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Enumerates <paramref name="source"/> to the end within <see cref="Bound"/>.</summary>
    public static Task<List<T>> ToListBoundedAsync<T>(this IAsyncEnumerable<T> source) => CollectAsync(source).WaitAsync(Bound);

    /// <summary>
    /// Enumerates <paramref name="source"/> within <see cref="Bound"/>, returning the items delivered before it ended and the
    /// exception it ended with (or <see langword="null"/>).
    /// </summary>
    public static Task<(List<T> Items, Exception? Error)> DrainBoundedAsync<T>(this IAsyncEnumerable<T> source) => DrainAsync(source).WaitAsync(Bound);

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (T item in source)
        {
            items.Add(item);
        }

        return items;
    }

    private static async Task<(List<T> Items, Exception? Error)> DrainAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        try
        {
            await foreach (T item in source)
            {
                items.Add(item);
            }
        }
        catch (Exception ex)
        {
            return (items, ex);
        }

        return (items, null);
    }
}
