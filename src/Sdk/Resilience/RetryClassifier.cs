using System.Globalization;
using System.Net;

namespace Sdk;

/// <summary>Which outcomes are failures of an endpoint, which are worth another attempt, and whether a request was sent.</summary>
internal static class RetryClassifier
{
    /// <summary>408, 429, 500, 502, 503 and 504.</summary>
    public static bool IsRetryableStatus(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>Whether an outcome counts against the endpoint's health: retryable statuses, transport failures, attempt-level timeouts, broken streams.</summary>
    public static bool IsEndpointFailure(Exception? exception, HttpResponseMessage? response) => exception switch
    {
        null => response is not null && IsRetryableStatus(response.StatusCode),
        SdkTimeoutException timeout => timeout.Kind != TimeoutKind.Total,
        TransportException or StreamInterruptedException or HttpRequestException or IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    /// <summary>Whether an exception is worth another attempt (timeouts of one attempt, transport failures, broken connections).</summary>
    public static bool IsRetryableException(Exception exception) => exception switch
    {
        SdkTimeoutException timeout => timeout.Kind != TimeoutKind.Total,
        TransportException => true,
        StreamInterruptedException interrupted => interrupted.Reason is StreamInterruptionReason.ConnectionLost or StreamInterruptionReason.TruncatedBody,
        _ => false,
    };

    /// <summary>Whether the request provably never left the client, so retrying cannot repeat its effect (connect failures).</summary>
    public static bool WasNotSent(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SdkTimeoutException { Kind: TimeoutKind.Connect })
            {
                return true;
            }

            if (inner is HttpRequestException request)
            {
                return request.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                    or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
            }
        }

        return false;
    }

    /// <summary>A short description of a failure for health reports and events: never a body or a header value.</summary>
    public static string? Describe(Exception? exception, HttpResponseMessage? response)
    {
        if (exception is SdkTimeoutException timeout)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{timeout.Kind} timeout");
        }

        if (exception is not null)
        {
            Exception root = exception is TransportException && exception.InnerException is { } inner ? inner : exception;
            return root is HttpRequestException http ? $"{nameof(HttpRequestException)} ({http.HttpRequestError})" : root.GetType().Name;
        }

        return response is null ? null : string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.StatusCode}");
    }
}
