using System.Globalization;
using System.Net.Http.Headers;

namespace Sdk;

/// <summary>Reads how long a server asks the client to wait: <c>retry-after-ms</c>, then <c>Retry-After</c> (seconds or an HTTP date).</summary>
internal static class ServerDelay
{
    // RFC 9110 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must still accept.
    private static readonly string[] HttpDateFormats =
    [
        "r",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    ];

    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider time)
    {
        HttpHeadersNonValidated headers = response.Headers.NonValidated;
        if (headers.TryGetValues("retry-after-ms", out HeaderStringValues ms) &&
            double.TryParse(First(ms), NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) &&
            milliseconds >= 0 && milliseconds < TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (!headers.TryGetValues("Retry-After", out HeaderStringValues values))
        {
            return null;
        }

        string value = First(values).Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return seconds < TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue / 2;
        }

        if (DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowInnerWhite, out DateTimeOffset date))
        {
            TimeSpan wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The server's explicit verdict (<c>x-should-retry: true|false</c>), or <see langword="null"/>.</summary>
    public static bool? ShouldRetry(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("x-should-retry", out HeaderStringValues values))
        {
            return null;
        }

        string value = First(values).Trim();
        return value.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
            : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
            : null;
    }

    private static string First(HeaderStringValues values)
    {
        foreach (string value in values)
        {
            return value;
        }

        return "";
    }
}
