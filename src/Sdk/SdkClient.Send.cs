using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Sdk.Plugins;

namespace Sdk;

public sealed partial class SdkClient
{
    private const string JsonAccept = "application/json";
    private const int MaxPooledBodyBytes = 1024 * 1024;

    /// <summary>Sends a request and deserializes its JSON body.</summary>
    /// <typeparam name="T">The body type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="responseType">The source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The value with the status, headers and request id.</returns>
    /// <exception cref="ApiException">The status was not 2xx.</exception>
    /// <exception cref="SdkTimeoutException">A timeout fired.</exception>
    /// <exception cref="InvalidResponseException">The body was empty, too large, not JSON, or not valid for <typeparamref name="T"/>.</exception>
    /// <exception cref="TransportException">No response arrived, or its body could not be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<ApiResponse<T>> SendAsync<T>(ApiRequest request, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseType);
        ThrowIfDisposed();
        return CallAsync(
            request,
            responseType,
            static (client, response, request, type, scope) => client.ReadJsonAsync(response, request, type, scope),
            cancellationToken);
    }

    /// <summary>Sends a request whose body, if any, is not needed (a DELETE, a 204).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, headers and request id.</returns>
    /// <exception cref="ApiException">The status was not 2xx.</exception>
    /// <exception cref="SdkTimeoutException">A timeout fired.</exception>
    /// <exception cref="TransportException">No response arrived.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public Task<ApiResponse> SendAsync(ApiRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        return CallAsync(
            request,
            (object?)null,
            static (client, response, _, _, _) => new ValueTask<ApiResponse>(new ApiResponse(response, client.RequestIdHeaders)),
            cancellationToken);
    }

    /// <summary>
    /// One unary call: its scope (total timeout, the caller's token), a permit from the rate limiter, the attempts (retries,
    /// failover, circuit breakers) up to a final response, an <see cref="ApiException"/> for a status outside 2xx, then
    /// <paramref name="read"/> on the successful response; failures are mapped to the SDK's exceptions and the response is
    /// always disposed. <paramref name="read"/> is a static lambda with explicit state.
    /// </summary>
    private async Task<TResult> CallAsync<TState, TResult>(
        ApiRequest request,
        TState state,
        Func<SdkClient, HttpResponseMessage, ApiRequest, TState, CallScope, ValueTask<TResult>> read,
        CancellationToken cancellationToken)
    {
        using CallScope scope = CreateScope(request.Timeout ?? _options.Timeouts.Total, cancellationToken);
        using Activity? activity = SdkDiagnostics.StartCall(request, stream: false);
        var call = new CallAttempts(this, request, JsonAccept, scope, activity) { Plugins = Plugins.Enter() };
        try
        {
            using RateLimitLease? permit = await AcquirePermitAsync(request, scope).ConfigureAwait(false);
            var response = (HttpResponseMessage)await SendWithRetriesAsync(call).ConfigureAwait(false);
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw await ApiErrors.FromResponseAsync(this, response, request, scope).ConfigureAwait(false);
                }

                return await read(this, response, request, state, scope).ConfigureAwait(false);
            }
            catch (Exception ex) when (TranslateBodyFailure(ex, request, scope) is { } translated)
            {
                throw translated;
            }
            finally
            {
                response.Dispose();
            }
        }
        catch (Exception ex) when (call.Plugins.Errors.Length > 0)
        {
            await ReportErrorAsync(call, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            call.Plugins.Exit();
        }
    }

    /// <summary>Runs the error hooks with the exception a call ends with; their own failures are counted, never thrown.</summary>
    internal static async ValueTask ReportErrorAsync(CallAttempts call, Exception exception)
    {
        try
        {
            await HookRunner.RunAsync(call.Plugins.Errors, HookKind.Error, new ErrorHookCall(call, exception), CancellationToken.None).ConfigureAwait(false);
        }
        catch (PluginException)
        {
            // A required plugin's error hook failed: the caller still gets the call's own exception.
        }
    }

    /// <summary>Maps a failure before the headers to the exception the caller sees; <see langword="null"/> keeps it as is.</summary>
    internal static Exception? TranslateSendFailure(Exception exception, ApiRequest request, CallScope scope)
    {
        if (scope.TranslateCancellation(exception, request.ToString()) is { } canceled)
        {
            return canceled;
        }

        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SdkTimeoutException timeout)
            {
                return new SdkTimeoutException(timeout.Kind, timeout.Timeout, $"{request}: {timeout.Message}", exception);
            }
        }

        return exception switch
        {
            SdkException => null,
            HttpRequestException or IOException or SocketException or OperationCanceledException =>
                new TransportException($"{request} failed before a response arrived: {exception.Message}", exception),
            _ => null,
        };
    }

    /// <summary>Maps a failure after the headers (reading a unary body) to the exception the caller sees.</summary>
    private static Exception? TranslateBodyFailure(Exception exception, ApiRequest request, CallScope scope)
    {
        if (scope.TranslateCancellation(exception, request.ToString()) is { } canceled)
        {
            return ReferenceEquals(canceled, exception) ? null : canceled;
        }

        return exception switch
        {
            SdkException => null,
            InvalidDataException => new InvalidResponseException(InvalidResponseReason.CorruptBody, $"{request}: the response body could not be decoded: {exception.Message}", exception),
            HttpRequestException or IOException or SocketException or OperationCanceledException =>
                new TransportException($"{request}: the response body could not be read: {exception.Message}", exception),
            _ => null,
        };
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ApiResponse<T>> ReadJsonAsync<T>(HttpResponseMessage response, ApiRequest request, JsonTypeInfo<T> type, CallScope scope)
    {
        CancellationToken cancellationToken = scope.Token;
        HttpContent content = response.Content;
        if (!IsJson(content.Headers.ContentType?.MediaType))
        {
            throw await ApiErrors.UnexpectedContentTypeAsync(this, response, request, "application/json", scope).ConfigureAwait(false);
        }

        long limit = _options.MaxResponseBytes;
        long? length = ResponseBody.IsEncoded(content) ? null : content.Headers.ContentLength;
        if (length > limit)
        {
            throw TooLarge(request, length.Value, limit);
        }

        Stream body = await ResponseBody.OpenAsync(content, request, cancellationToken).ConfigureAwait(false);
        T? value;
        if (length is { } known && known <= MaxPooledBodyBytes)
        {
            if (known == 0)
            {
                throw Empty(request);
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)known);
            try
            {
                await body.ReadExactlyAsync(buffer.AsMemory(0, (int)known), cancellationToken).ConfigureAwait(false);
                value = Deserialize(buffer.AsSpan(0, (int)known), type, request);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            var limited = new LengthLimitedStream(body, limit);
            try
            {
                value = await JsonSerializer.DeserializeAsync(limited, type, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException) when (limited.BytesRead == 0)
            {
                throw Empty(request);
            }
            catch (JsonException ex)
            {
                throw InvalidJson(request, typeof(T), ex);
            }
            catch (LengthLimitExceededException)
            {
                throw TooLarge(request, limited.BytesRead, limit);
            }
        }

        return new ApiResponse<T>(
            response,
            RequestIdHeaders,
            value ?? throw new InvalidResponseException(InvalidResponseReason.InvalidJson, $"{request}: the body is JSON null, not a {typeof(T).Name}."));
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, ApiRequest request)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException ex)
        {
            throw InvalidJson(request, typeof(T), ex);
        }
    }

    internal static bool IsJson(string? mediaType) =>
        mediaType is null ||
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
        mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static InvalidResponseException InvalidJson(ApiRequest request, Type type, JsonException ex) =>
        new(InvalidResponseReason.InvalidJson, $"{request}: the body is not valid JSON for {type.Name}: {ex.Message}", ex);

    private static InvalidResponseException Empty(ApiRequest request) =>
        new(InvalidResponseReason.EmptyBody, $"{request}: the body is empty where JSON was expected.");

    internal static InvalidResponseException TooLarge(ApiRequest request, long size, long limit) =>
        new(InvalidResponseReason.ResponseTooLarge, string.Create(CultureInfo.InvariantCulture, $"{request}: the body ({size}+ bytes) exceeds MaxResponseBytes ({limit})."));
}
