namespace Sdk;

/// <summary>
/// How a stream without SSE ids is resumed after it broke: see <see cref="StreamResumeStrategy{T}"/>. Set it in
/// <see cref="StreamOptions.Resume"/>.
/// </summary>
public abstract class StreamResumeStrategy
{
    private protected StreamResumeStrategy()
    {
    }

    internal abstract Type ItemType { get; }
}

/// <summary>
/// Resumes a stream from its last delivered item, for APIs that page a feed by cursor instead of SSE ids: after a break,
/// <see cref="NextRequest"/> builds the request that continues after that item (or returns <see langword="null"/> when the
/// stream cannot continue). With <see cref="ItemKey"/>, items the server sends again are recognised and dropped.
/// </summary>
/// <typeparam name="T">The stream's item type.</typeparam>
/// <example>
/// <code>
/// var resume = new StreamResumeStrategy&lt;Tick&gt;(
///     (last, original) =&gt; original.SetQuery("after", last.Sequence.ToString(CultureInfo.InvariantCulture)),
///     tick =&gt; tick.Sequence.ToString(CultureInfo.InvariantCulture));
/// </code>
/// </example>
public sealed class StreamResumeStrategy<T> : StreamResumeStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="nextRequest">
    /// Builds the request that continues after the last delivered item. Its second argument is a fresh copy of the
    /// stream's original request on every call, so it can be changed and returned (for example with
    /// <see cref="ApiRequest.SetQuery"/>) without touching your request. <see langword="null"/> ends the stream with
    /// <see cref="StreamInterruptedException"/>.
    /// </param>
    /// <param name="itemKey">A unique key of an item, to drop items delivered before; <see langword="null"/> trusts the server not to repeat any.</param>
    public StreamResumeStrategy(Func<T, ApiRequest, ApiRequest?> nextRequest, Func<T, string?>? itemKey = null)
    {
        ArgumentNullException.ThrowIfNull(nextRequest);
        NextRequest = nextRequest;
        ItemKey = itemKey;
    }

    /// <summary>Builds the request that continues after the last delivered item, from a copy of the original request.</summary>
    public Func<T, ApiRequest, ApiRequest?> NextRequest { get; }

    /// <summary>A unique key of an item, for dropping repeats, or <see langword="null"/>.</summary>
    public Func<T, string?>? ItemKey { get; }

    internal override Type ItemType => typeof(T);
}
