namespace Sdk;

/// <summary>A change of an endpoint's circuit state, from <see cref="SdkClient.WatchEndpointsAsync"/>.</summary>
public sealed class EndpointEvent
{
    internal EndpointEvent(Uri address, EndpointState state, DateTimeOffset timestamp, TimeSpan? breakDuration, string? reason)
    {
        Address = address;
        State = state;
        Timestamp = timestamp;
        BreakDuration = breakDuration;
        Reason = reason;
    }

    /// <summary>The endpoint's base address.</summary>
    public Uri Address { get; }

    /// <summary>The state the circuit entered.</summary>
    public EndpointState State { get; }

    /// <summary>When, on the client's clock.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>For <see cref="EndpointState.Open"/>: how long the circuit stays open.</summary>
    public TimeSpan? BreakDuration { get; }

    /// <summary>For <see cref="EndpointState.Open"/>: the failure that opened it, if known.</summary>
    public string? Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Timestamp:O} {Address} {State}";
}
