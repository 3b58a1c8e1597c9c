namespace Sdk;

/// <summary>A snapshot of one endpoint's health, from <see cref="SdkClient.GetEndpointHealth"/>.</summary>
public sealed class EndpointHealth
{
    internal EndpointHealth(Uri address, bool isPrimary, EndpointState state, int attempts, int failures, string? lastError, DateTimeOffset? lastFailureAt)
    {
        Address = address;
        IsPrimary = isPrimary;
        State = state;
        Attempts = attempts;
        Failures = failures;
        LastError = lastError;
        LastFailureAt = lastFailureAt;
    }

    /// <summary>The endpoint's base address.</summary>
    public Uri Address { get; }

    /// <summary>Whether this is <see cref="ClientOptions.BaseAddress"/> (otherwise one of the fallback addresses).</summary>
    public bool IsPrimary { get; }

    /// <summary>The circuit state.</summary>
    public EndpointState State { get; }

    /// <summary>Attempts made on the endpoint over the last <see cref="CircuitBreakerOptions.SamplingDuration"/>.</summary>
    public int Attempts { get; }

    /// <summary>Of those, the failed ones.</summary>
    public int Failures { get; }

    /// <summary>The share of failed attempts over the window (0 when there were none).</summary>
    public double FailureRatio => Attempts == 0 ? 0 : (double)Failures / Attempts;

    /// <summary>A short description of the last failure (its kind and status or exception type), or <see langword="null"/>.</summary>
    public string? LastError { get; }

    /// <summary>When the last failure happened, on the client's clock, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastFailureAt { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Address} {State} ({Failures}/{Attempts} failed)";
}
