namespace Sdk;

/// <summary>The outcome of a unary call: the typed value with the status, headers and request id.</summary>
/// <typeparam name="T">The body type.</typeparam>
public sealed class ApiResponse<T> : ApiResponse
{
    internal ApiResponse(HttpResponseMessage message, IReadOnlyList<string> requestIdHeaders, T value)
        : base(message, requestIdHeaders)
    {
        Value = value;
    }

    /// <summary>The deserialized body.</summary>
    public T Value { get; }
}
