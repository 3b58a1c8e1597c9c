using System.Diagnostics;
using Polly;
using Polly.Retry;

namespace Sdk;

/// <summary>
/// The client's Polly retry pipeline. Which outcomes are retried and how long to wait are decided per call from its
/// <see cref="CallAttempts"/>: the status and exception rules, <c>x-should-retry</c>, the method's safety, the server's delay
/// against the limit and the time left, and failover (no wait when the next attempt goes to another endpoint).
/// </summary>
internal static class RetryPolicy
{
    public static ResiliencePipeline Build(ClientOptions options, EndpointSet endpoints)
    {
        RetryOptions retry = options.Retry;
        TimeProvider time = options.TimeProvider;
        return new ResiliencePipelineBuilder { TimeProvider = time, Name = "Sdk.Retry" }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.AttemptNumber, Call(args.Context), retry, time, endpoints)),
                DelayGenerator = static args => new ValueTask<TimeSpan?>(Delay(Call(args.Context))),
                OnRetry = static args =>
                {
                    CallAttempts call = Call(args.Context);
                    string reason = RetryClassifier.Describe(args.Outcome.Exception, args.Outcome.Result as HttpResponseMessage) ?? "unknown";
                    string endpoint = call.Endpoint?.Prefix ?? "";
                    SdkDiagnostics.Retries.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("reason", reason));
                    SdkDiagnostics.AddEvent(call.Activity, SdkDiagnostics.RetryEvent, new ActivityTagsCollection
                    {
                        ["attempt"] = args.AttemptNumber + 1,
                        ["delay_ms"] = args.RetryDelay.TotalMilliseconds,
                        ["reason"] = reason,
                        ["endpoint"] = endpoint,
                    });
                    return default;
                },
            })
            .Build();
    }

    private static CallAttempts Call(ResilienceContext context) => context.Properties.GetValue(CallAttempts.Key, null!);

    private static bool ShouldRetry(Outcome<object> outcome, int attempt, CallAttempts call, RetryOptions options, TimeProvider time, EndpointSet endpoints)
    {
        call.ServerDelay = null;
        if (attempt >= call.MaxRetries)
        {
            return false;
        }

        TimeSpan? asked = null;
        if (outcome.Exception is { } exception)
        {
            if (!RetryClassifier.IsRetryableException(exception) || (!call.SafeToRepeat && !RetryClassifier.WasNotSent(exception)))
            {
                return false;
            }
        }
        else if (outcome.Result is HttpResponseMessage response)
        {
            if (response.IsSuccessStatusCode)
            {
                return false;
            }

            bool? verdict = ServerDelay.ShouldRetry(response);
            if (verdict == false || (verdict is null && (!RetryClassifier.IsRetryableStatus(response.StatusCode) || !call.SafeToRepeat)))
            {
                return false;
            }

            asked = ServerDelay.Read(response, time);
        }
        else
        {
            return false;
        }

        // Failover: the next attempt starts from the endpoint after the one that failed. A server's Retry-After is about
        // the endpoint that sent it: it is remembered there, and another endpoint is tried without waiting for it.
        Endpoint? failed = call.Endpoint;
        if (failed is not null && asked is { } pause)
        {
            failed.PauseFor(pause);
        }

        if (failed is not null && endpoints.All.Length > 1)
        {
            call.Preferred = (failed.Index + 1) % endpoints.All.Length;
            if (endpoints.Choose(call.Preferred) is { } next && next != failed)
            {
                asked = next.PauseLeft;
            }
        }

        // A wait longer than the policy allows, or than the time left, ends retrying now: the error carries RetryAfter.
        if (asked is { } delay)
        {
            TimeSpan remaining = call.Scope.Remaining;
            if (delay > options.MaxDelay || (remaining != Timeout.InfiniteTimeSpan && delay >= remaining))
            {
                return false;
            }

            call.ServerDelay = delay;
        }

        return true;
    }

    /// <summary>The server's delay for the next attempt's endpoint (zero when it goes to another endpoint that asked for none), else Polly's back-off.</summary>
    private static TimeSpan? Delay(CallAttempts call) => call.ServerDelay;
}
