namespace Sdk.Plugins;

/// <summary>A hook that runs before a call or an attempt: it can set headers, read the request, or answer it (<see cref="RequestContext.Respond"/>).</summary>
/// <param name="context">The request, its attempt and the call's shared properties.</param>
/// <param name="cancellationToken">Ends when the call ends or the plugin's hook timeout passes.</param>
/// <returns>A task that completes when the hook is done; return <see cref="ValueTask.CompletedTask"/> from a synchronous hook.</returns>
public delegate ValueTask RequestHook(RequestContext context, CancellationToken cancellationToken);

/// <summary>A hook that sees each attempt's response once its headers arrived; it can replace it (<see cref="ResponseContext.Replace"/>).</summary>
/// <param name="context">The response, the request and the call's shared properties.</param>
/// <param name="cancellationToken">Ends when the call ends or the plugin's hook timeout passes.</param>
/// <returns>A task that completes when the hook is done.</returns>
public delegate ValueTask ResponseHook(ResponseContext context, CancellationToken cancellationToken);

/// <summary>A hook that sees each stream event (raw and typed) before the caller: it can drop it or replace its item.</summary>
/// <param name="context">The event: type, id, bytes, the decoded item.</param>
/// <param name="cancellationToken">Ends when the stream ends or the plugin's hook timeout passes.</param>
/// <returns>A task that completes when the hook is done.</returns>
public delegate ValueTask StreamEventHook(StreamEventContext context, CancellationToken cancellationToken);

/// <summary>A hook that sees the exception a failed call ends with (after its retries). It observes; the caller still gets the exception.</summary>
/// <param name="context">The exception, the request and the call's shared properties.</param>
/// <param name="cancellationToken">Ends when the plugin's hook timeout passes.</param>
/// <returns>A task that completes when the hook is done.</returns>
public delegate ValueTask ErrorHook(ErrorContext context, CancellationToken cancellationToken);
