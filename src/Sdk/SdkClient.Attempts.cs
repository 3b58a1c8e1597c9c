using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Polly;
using Polly.CircuitBreaker;
using Sdk.Plugins;

namespace Sdk;

public sealed partial class SdkClient
{
    /// <summary>
    /// Runs the attempts of one call through the retry pipeline: each attempt picks an endpoint whose circuit lets it
    /// through (failover), goes through that endpoint's breaker, and is sent under the attempt timeout. Returns the last
    /// attempt's result (an <see cref="HttpResponseMessage"/>, or what <see cref="CallAttempts.OnSuccess"/> made of it);
    /// throws the SDK's exception for a failure that was not, or no longer, retried.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<object> SendWithRetriesAsync(CallAttempts call)
    {
        if (call.Attempts == 0 && call.Plugins.CallRequests.Length > 0)
        {
            await RunCallHooksAsync(call).ConfigureAwait(false);
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get(call.Scope.Token);
        Outcome<object> outcome;
        try
        {
            context.Properties.Set(CallAttempts.Key, call);

            // The first attempt runs on its own: a call that succeeds at once (most of them) never enters the retry
            // pipeline. Otherwise its outcome becomes the pipeline's first attempt, which decides whether to retry.
            outcome = await AttemptAsync(context, call).ConfigureAwait(false);
            if (call.MaxRetries > 0 && !IsSuccess(outcome))
            {
                call.Replay = outcome;
                outcome = await _retry.ExecuteOutcomeAsync(
                    static (ctx, call) => call.TakeReplay() is { } replay ? new ValueTask<Outcome<object>>(replay) : call.Client.AttemptAsync(ctx, call),
                    context,
                    call).ConfigureAwait(false);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is { } exception)
        {
            // A cancellation seen by the retry pipeline itself (during a back-off delay) is still the caller's or a timeout.
            ExceptionDispatchInfo.Throw(call.Scope.TranslateCancellation(exception, call.Request.ToString()) ?? exception);
        }

        return outcome.Result!;
    }

    private static bool IsSuccess(Outcome<object> outcome) =>
        outcome.Exception is null && (outcome.Result is not HttpResponseMessage response || response.IsSuccessStatusCode);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome<object>> AttemptAsync(ResilienceContext context, CallAttempts call)
    {
        BrokenCircuitException? refused = null;
        for (int tried = 0; tried < _endpoints.All.Length; tried++)
        {
            if (_endpoints.Choose(call.Preferred) is not { } endpoint)
            {
                break;
            }

            if (call.Endpoint is { } previous && previous != endpoint)
            {
                RecordFailover(call, previous, endpoint);
            }

            call.Endpoint = endpoint;
            Outcome<object> outcome = await endpoint.ExecuteAsync(static (_, call) => call.Client.SendAttemptAsync(call), context, call).ConfigureAwait(false);
            if (outcome.Exception is not BrokenCircuitException broken)
            {
                return outcome;
            }

            // The circuit opened meanwhile, or lets only its one probe through: the next endpoint, if any.
            refused = broken;
            call.Preferred = (endpoint.Index + 1) % _endpoints.All.Length;
        }

        Endpoint primary = _endpoints.Primary;
        TimeSpan? retryAfter = refused?.RetryAfter;
        foreach (Endpoint endpoint in _endpoints.All)
        {
            if (endpoint.RetryAfter is { } wait && (retryAfter is null || wait < retryAfter))
            {
                retryAfter = wait;
            }
        }

        return Outcome.FromException<object>(new CircuitOpenException(
            primary.Address,
            retryAfter,
            $"{call.Request} was not sent: the circuit of {(_endpoints.All.Length == 1 ? "the endpoint" : "every endpoint")} is open.",
            refused));
    }

    private static void RecordFailover(CallAttempts call, Endpoint from, Endpoint to)
    {
        SdkDiagnostics.Failovers.Add(1, new KeyValuePair<string, object?>("endpoint", to.Prefix), new KeyValuePair<string, object?>("from", from.Prefix));
        SdkDiagnostics.AddEvent(call.Activity, SdkDiagnostics.FailoverEvent, new ActivityTagsCollection
        {
            ["from"] = from.Prefix,
            ["to"] = to.Prefix,
            ["attempt"] = call.Attempts + 1,
        });
    }

    /// <summary>Runs the call-scope request hooks, once, before the first attempt.</summary>
    private static async ValueTask RunCallHooksAsync(CallAttempts call)
    {
        try
        {
            await HookRunner.RunAsync(call.Plugins.CallRequests, HookKind.Request, new RequestHookCall(call, null), call.Scope.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (call.Scope.TranslateCancellation(ex, call.Request.ToString()) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// One attempt: the message (with the call hooks' headers), the attempt hooks, the exchange (or a hook's answer), the
    /// response hooks; then again at once, within the attempt, while a response hook asks for it (a redirect hop, a retry after
    /// a token refresh), at most <see cref="ClientDefaults.MaxHookResends"/> times.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome<object>> SendAttemptAsync(CallAttempts call)
    {
        ApiRequest request = call.Request;
        PluginSnapshot plugins = call.Plugins;
        HttpRequestMessage message = CreateMessage(call);
        HttpResponseMessage response;
        for (int resends = 0; ; resends++)
        {
            if (plugins.AttemptRequests.Length > 0 && call.ShortCircuit is null)
            {
                try
                {
                    await HookRunner.RunAsync(plugins.AttemptRequests, HookKind.Request, new RequestHookCall(call, message), call.Scope.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    message.Dispose();
                    return Outcome.FromException<object>(TranslateSendFailure(ex, request, call.Scope) ?? ex);
                }
            }

            call.Scope.BeginAttempt(request.AttemptTimeout ?? _options.Timeouts.Attempt);
            if (call.ShortCircuit is { } answered)
            {
                // A request hook answered (a cache): nothing is sent.
                call.ShortCircuit = null;
                message.Dispose();
                response = answered;
            }
            else
            {
                try
                {
                    response = call.WebSocket is { } handshake
                        ? await _transport.ConnectWebSocketAsync(message, handshake, call.Scope.AttemptToken).ConfigureAwait(false)
                        : await _transport.SendAsync(message, call.Scope.AttemptToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    message.Dispose();
                    return Outcome.FromException<object>(TranslateSendFailure(ex, request, call.Scope) ?? ex);
                }

                response.RequestMessage ??= message;
            }

            call.Scope.ExitPhase();
            if (plugins.Responses.Length == 0)
            {
                break;
            }

            call.CurrentResponse = response;
            try
            {
                await HookRunner.RunAsync(plugins.Responses, HookKind.Response, new ResponseHookCall(call), call.Scope.Token).ConfigureAwait(false);
                response = call.CurrentResponse;
            }
            catch (Exception ex)
            {
                call.CurrentResponse.Dispose();
                DropResend(call);
                return Outcome.FromException<object>(TranslateSendFailure(ex, request, call.Scope) ?? ex);
            }
            finally
            {
                call.CurrentResponse = null;
            }

            if (!call.RetryRequested && call.PendingHop is null)
            {
                break;
            }

            if (resends == ClientDefaults.MaxHookResends)
            {
                DropResend(call); // the response stands
                break;
            }

            response.Dispose();
            if (call.PendingHop is { } hop)
            {
                call.PendingHop = null;
                message = hop;
                call.ForeignHop = !_requests.IsClientOrigin(hop.RequestUri!);
            }
            else
            {
                call.RetryRequested = false;
                message = CreateMessage(call);
            }
        }

        return call.OnSuccess is { } onSuccess && (response.IsSuccessStatusCode || WebSockets.WebSocketConnected.IsUpgrade(response))
            ? await onSuccess(response, call).ConfigureAwait(false)
            : Outcome.FromResult<object>(response);
    }

    /// <summary>A new attempt's message to the call's endpoint, with the call hooks' headers; counts the attempt.</summary>
    private HttpRequestMessage CreateMessage(CallAttempts call)
    {
        HttpRequestMessage message = _requests.Create(call.Request, call.Accept, call.Endpoint!, call.Attempts++, call.IdempotencyKey, call.ExtraHeader, call.Plugins.Headers);
        call.ForeignHop = false;
        call.CallHeaders.ApplyTo(message);
        return message;
    }

    private static void DropResend(CallAttempts call)
    {
        call.PendingHop?.Dispose();
        call.PendingHop = null;
        call.RetryRequested = false;
    }
}
