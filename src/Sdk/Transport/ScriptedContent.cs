using System.Net;

namespace Sdk.Transport;

/// <summary>The body of a played <see cref="ScriptedResponse"/>.</summary>
internal sealed class ScriptedContent : HttpContent
{
    private readonly IReadOnlyList<ScriptStep> _steps;
    private readonly TimeProvider _time;

    public ScriptedContent(IReadOnlyList<ScriptStep> steps, TimeProvider time)
    {
        _steps = steps;
        _time = time;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new ScriptedStream(_steps, _time));

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var source = new ScriptedStream(_steps, _time);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
