namespace Sdk.Plugins;

/// <summary>When a request hook runs: once per call, or before every attempt of it (retries, failover, stream resumes).</summary>
public enum HookScope
{
    /// <summary>Once per call, before its first attempt. Header changes apply to every attempt of the call.</summary>
    Call = 0,

    /// <summary>Before each attempt, with the attempt's <see cref="HttpRequestMessage"/> and endpoint.</summary>
    Attempt = 1,
}
