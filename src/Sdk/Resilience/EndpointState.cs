namespace Sdk;

/// <summary>The circuit state of an endpoint.</summary>
public enum EndpointState
{
    /// <summary>Calls go through.</summary>
    Closed,

    /// <summary>Calls skip the endpoint until the break is over.</summary>
    Open,

    /// <summary>The break is over; one probe call decides whether the circuit closes or opens again.</summary>
    HalfOpen,
}
