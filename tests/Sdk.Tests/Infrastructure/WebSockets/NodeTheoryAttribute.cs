namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>A <see cref="TheoryAttribute"/> that skips (with the reason) when node or its <c>ws</c> package is not available.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NodeTheoryAttribute : TheoryAttribute
{
    public NodeTheoryAttribute()
    {
        if (NodeEnvironment.SkipReason is string reason)
        {
            Skip = reason;
        }
    }
}
