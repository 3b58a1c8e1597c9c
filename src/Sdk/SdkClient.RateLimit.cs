using System.Threading.RateLimiting;

namespace Sdk;

public sealed partial class SdkClient
{
    /// <summary>Takes one permit from <see cref="ClientOptions.RateLimiter"/> for a call, or returns <see langword="null"/> when there is none.</summary>
    internal async ValueTask<RateLimitLease?> AcquirePermitAsync(ApiRequest request, CallScope scope)
    {
        if (_options.RateLimiter is not { } limiter)
        {
            return null;
        }

        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, scope.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (scope.TranslateCancellation(ex, request.ToString()) is { } translated)
        {
            throw translated;
        }

        if (lease.IsAcquired)
        {
            return lease;
        }

        TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : null;
        lease.Dispose();
        throw new RateLimitedException(retryAfter, $"{request} was not sent: the client-side rate limiter refused a permit.");
    }
}
