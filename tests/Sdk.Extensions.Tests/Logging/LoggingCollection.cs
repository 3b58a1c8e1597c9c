namespace Sdk.Extensions.Tests.Logging;

/// <summary>
/// The tests that listen to the process-wide <c>Sdk</c> meter and activity source run one at a time, so that one test's
/// counts are not another's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoggingCollection
{
    public const string Name = "Sdk telemetry listeners";
}
