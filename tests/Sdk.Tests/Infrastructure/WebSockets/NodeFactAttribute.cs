namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>A <see cref="FactAttribute"/> that skips (with the reason) when node or its <c>ws</c> package is not available.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeEnvironment.SkipReason is string reason)
        {
            Skip = reason;
        }
    }
}
