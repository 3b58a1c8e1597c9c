using System.Diagnostics.Metrics;

namespace Quickstart;

/// <summary>
/// Listens to the SDK's meter (named <c>Sdk</c>) and counts retries and stream resumes, the way a metrics exporter would
/// (OpenTelemetry: <c>AddMeter("Sdk")</c>).
/// </summary>
internal sealed class ResilienceCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _retries;
    private long _resumes;

    public ResilienceCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Sdk" && instrument.Name is "sdk.client.retries" or "sdk.client.stream.resumes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "sdk.client.retries")
            {
                Interlocked.Add(ref _retries, value);
            }
            else
            {
                Interlocked.Add(ref _resumes, value);
            }
        });
        _listener.Start();
    }

    public long Retries => Interlocked.Read(ref _retries);

    public long Resumes => Interlocked.Read(ref _resumes);

    public void Dispose() => _listener.Dispose();
}
