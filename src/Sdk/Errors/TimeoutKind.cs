namespace Sdk;

/// <summary>Names the timeout that fired in an <see cref="SdkTimeoutException"/>.</summary>
public enum TimeoutKind
{
    /// <summary>Opening the TCP connection took longer than <see cref="TimeoutOptions.Connect"/>.</summary>
    Connect,

    /// <summary>The response headers did not arrive within <see cref="TimeoutOptions.Attempt"/>.</summary>
    Attempt,

    /// <summary>The first stream item did not arrive within <see cref="TimeoutOptions.FirstEvent"/> after the headers.</summary>
    FirstEvent,

    /// <summary>The gap between two stream items exceeded <see cref="TimeoutOptions.Idle"/>.</summary>
    Idle,

    /// <summary>The whole call exceeded <see cref="TimeoutOptions.Total"/> (or <see cref="TimeoutOptions.StreamTotal"/> for streams).</summary>
    Total,
}
