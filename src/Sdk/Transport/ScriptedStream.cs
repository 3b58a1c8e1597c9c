namespace Sdk.Transport;

/// <summary>A read-only stream that plays <see cref="ScriptStep"/>s: bytes, delays, a stall, a drop.</summary>
internal sealed class ScriptedStream : ReadOnlyStream
{
    private readonly IReadOnlyList<ScriptStep> _steps;
    private readonly TimeProvider _time;
    private int _step;
    private int _offset;

    public ScriptedStream(IReadOnlyList<ScriptStep> steps, TimeProvider time)
    {
        _steps = steps;
        _time = time;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_step < _steps.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ScriptStep step = _steps[_step];
            switch (step.Kind)
            {
                case ScriptStepKind.Bytes:
                    int count = Math.Min(buffer.Length, step.Bytes.Length - _offset);
                    step.Bytes.AsSpan(_offset, count).CopyTo(buffer.Span);
                    _offset += count;
                    if (_offset == step.Bytes.Length)
                    {
                        _step++;
                        _offset = 0;
                    }

                    if (count > 0)
                    {
                        return count;
                    }

                    break;
                case ScriptStepKind.Delay:
                    await Task.Delay(step.Delay, _time, cancellationToken).ConfigureAwait(false);
                    _step++;
                    break;
                case ScriptStepKind.Stall:
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new IOException("The scripted connection was dropped.");
            }
        }

        return 0;
    }

    public override int Read(Span<byte> buffer)
    {
        // Synchronous reads block on the script (its delays included); the SDK itself only reads asynchronously.
        byte[] copy = new byte[buffer.Length];
        int read = ReadAsync(copy).AsTask().GetAwaiter().GetResult();
        copy.AsSpan(0, read).CopyTo(buffer);
        return read;
    }
}
